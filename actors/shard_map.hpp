// sku -> virtual shard by a stable hash (FNV-1a, the same on every node and
// every build), and shard -> the actor that serves it. On one node every
// shard is local; a cluster changes the map, not its callers.
#pragma once

#include "actors/protocol.hpp"

#include <string_view>
#include <vector>

namespace doorbuster::actors {

/// Stable across processes, builds and nodes.
size_t shard_of(std::string_view sku, size_t shard_count);

class shard_map {
public:
  explicit shard_map(std::vector<shard_actor> shards)
    : shards_(std::move(shards)) {}

  size_t size() const { return shards_.size(); }

  const shard_actor& route(std::string_view sku) const {
    return shards_[shard_of(sku, shards_.size())];
  }

  const std::vector<shard_actor>& shards() const { return shards_; }

private:
  std::vector<shard_actor> shards_;
};

} // namespace doorbuster::actors
