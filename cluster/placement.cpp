#include "cluster/placement.hpp"

#include <cstdint>

namespace doorbuster::cluster {

namespace {

/// FNV-1a over the node id, then the shard's bytes, with a final mix
/// (splitmix64's) so that close inputs give unrelated weights.
uint64_t weight(const std::string& node, size_t shard) {
  uint64_t h = 1469598103934665603ull;
  auto add = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (unsigned char c : node)
    add(c);
  for (int i = 0; i < 8; ++i)
    add(static_cast<unsigned char>(shard >> (8 * i)));
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

} // namespace

size_t preferred_owner(const std::vector<std::string>& nodes, size_t shard) {
  size_t best = 0;
  uint64_t best_weight = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto w = weight(nodes[i], shard);
    if (i == 0 || w > best_weight) {
      best = i;
      best_weight = w;
    }
  }
  return best;
}

} // namespace doorbuster::cluster
