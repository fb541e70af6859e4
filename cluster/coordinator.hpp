// The cluster coordinator: one per node, on a thread of its own (it blocks
// on PostgreSQL). Every lease TTL / 3, at once when PostgreSQL notifies a
// change or a shard reports a stale route, and 50 ms after a lease of a
// peer it is not connected to expires (so failover waits for the TTL, not
// for the next regular refresh too), it
//   - renews this node's leases (one statement) and drops the shards whose
//     lease it lost;
//   - reads the membership and the leases, dials new peers' gateways;
//   - hands over the shards another live node should own (placement.hpp):
//     the shard stops admitting, its products finish what is in flight
//     (committed, fenced), then the lease is released;
//   - takes the free or expired shards this node should own, loads them
//     from PostgreSQL and makes their shard actors serve them;
//   - points every other shard at its owner's gateway.
// When renewals fail for longer than the TTL minus a margin, it stops
// serving every shard: it could not commit for them anyway. When the node
// was cut off longer than the TTL (frozen, or away from PostgreSQL), the
// cluster counted it gone: it rejoins under a new generation, and takes
// its shards again at new epochs.
#pragma once

#include "cluster/atoms.hpp"
#include "cluster/catalog_push.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/membership.hpp"
#include "cluster/peer_directory.hpp"

#include <caf/fwd.hpp>

#include <functional>

#include <memory>
#include <string>

namespace doorbuster::actors {
class inventory;
}

namespace doorbuster::cluster {

struct coordinator_deps {
  std::shared_ptr<membership> members; // joined; the coordinator's alone
  std::string pg_uri;                  // for loading shards
  std::string node_id;
  uint64_t lease_ttl_ms = 6000;
  size_t keys_per_product = 0;
  cluster_state* state = nullptr;      // outlives the actor
  peer_directory* peers = nullptr;     // outlives the actor
  catalog_push_actor push;
  /// Called (on the coordinator's thread) with the new generation when the
  /// node rejoined after being counted gone.
  std::function<void(uint64_t)> rejoined;
};

/// Of two nodes, the one whose node id sorts first dials the other, then
/// says hello with its own gateway: one CAF connection per pair of nodes,
/// opened from one side (CAF 0.17.6's OpenSSL transport breaks both
/// connections when two nodes dial each other at once).
///
/// Spawned before the inventory (which reports stale routes to it); starts
/// working on (start_atom, own gateway) once `inv` exists. (drain_all_atom) -> bool:
/// hands every shard over, answered once none is served here;
/// (undrain_atom) takes shards again.
/// (stop_atom): marks the node as left and quits.
caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_deps deps,
                             actors::inventory** inv);

} // namespace doorbuster::cluster
