// A shard's bulk puts (shard_actor.hpp): entries of active products go to
// their actors; the others are applied at rest by the shard, which
// journals them itself and answers once they are durable and in the
// catalog (rest_writes.hpp).
#pragma once

#include "actors/detail/shard_state.hpp"

#include <caf/result.hpp>

namespace doorbuster::actors::detail {

/// Answers once every entry is answered, in the entries' order.
caf::result<std::vector<domain::write_result>>
bulk_put(shard_self self, std::vector<domain::product_entry>& entries);

/// The journal's word that the shard's records up to `ticket` are on disk:
/// their documents go to the catalog, then their answers.
void on_durable(shard_self self, uint64_t ticket);

/// The journal's word that the shard's records up to `ticket` will never be
/// durable: the lease is lost. Their puts are answered "moved" (not
/// applied), and their products, if still at rest under that lease, are
/// dropped: their state is no longer the products'.
void on_refused(shard_self self, uint64_t ticket);

} // namespace doorbuster::actors::detail
