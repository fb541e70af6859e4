// Which live node should own a shard: rendezvous (highest random weight)
// hashing of (node, shard). Every node computes the same answer from the
// same membership, with no coordination; when a node joins or leaves only
// the shards it wins or held move (about 1/n of them), and a leaving node's
// shards spread over all the others.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace doorbuster::cluster {

/// The index into `nodes` of the node that should own `shard`. Requires a
/// non-empty `nodes`.
size_t preferred_owner(const std::vector<std::string>& nodes, size_t shard);

} // namespace doorbuster::cluster
