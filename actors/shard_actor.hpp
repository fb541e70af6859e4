// A virtual shard: owns (spawns, links, routes to) the product actors of the
// SKUs that hash to it. Speaks the product protocol and forwards by SKU; a
// put or restore for an unknown SKU creates its product actor. Purchases for
// a product with `max_mailbox` purchases queued are refused (overloaded).
#pragma once

#include "actors/product_actor.hpp"

namespace doorbuster::actors {

shard_actor spawn_shard_actor(caf::actor_system& sys,
                              const product_actor_deps& deps,
                              size_t max_mailbox);

} // namespace doorbuster::actors
