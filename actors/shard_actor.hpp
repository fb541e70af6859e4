// A virtual shard: owns (spawns, links, routes to) the product actors of the
// SKUs that hash to it. Speaks the product API and delegates each request to
// its product, which answers the requester directly; a put or restore for an
// unknown SKU creates its product actor. Purchases and holds for a product
// with `max_mailbox` of them queued are refused (overloaded) before they
// queue, so a hot SKU's backlog never delays other SKUs.
#pragma once

#include "actors/product_actor.hpp"

#include <vector>

namespace doorbuster::actors {

/// The product API, plus what operators ask of a shard: a report of its
/// products, and the `n` busiest products since the previous such question.
using shard_actor = product_api::extend<
  caf::replies_to<report_atom>::with<domain::shard_report>,
  caf::replies_to<hot_atom, uint64_t>::with<
    std::vector<domain::product_heat>>>;

shard_actor spawn_shard_actor(caf::actor_system& sys,
                              const product_actor_deps& deps,
                              size_t max_mailbox);

} // namespace doorbuster::actors
