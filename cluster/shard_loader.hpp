// Loads taken shards from PostgreSQL off the coordinator's thread: with
// many orders a load takes seconds, and the coordinator must keep renewing
// its leases meanwhile (a load that outlasted the TTL used to cost the node
// every lease it had). One load at a time, on a thread of its own.
#pragma once

#include "cluster/atoms.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <string>

namespace doorbuster::cluster {

using load_atom = caf::atom_constant<caf::atom("load")>;
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;

/// (load_atom, ticket, std::vector<uint32_t> shards): loads their products
/// (with their idempotency keys, live holds and customers' units), then
/// sends its sender (loaded_atom, ticket, ok,
/// std::vector<domain::stored_product>); on an error ok is false and the
/// products are empty.
caf::actor spawn_shard_loader(caf::actor_system& sys, std::string pg_uri,
                              std::string node_id, size_t shards,
                              size_t keys_per_product);

} // namespace doorbuster::cluster
