// shard -> the actor that serves it (sku -> shard is domain::shard_of). On
// one node every shard is local; a cluster changes the map, not its callers.
#pragma once

#include "actors/shard_actor.hpp"
#include "domain/shard.hpp"

#include <string_view>
#include <vector>

namespace doorbuster::actors {

class shard_map {
public:
  explicit shard_map(std::vector<shard_actor> shards)
    : shards_(std::move(shards)) {}

  size_t size() const { return shards_.size(); }

  const shard_actor& route(std::string_view sku) const {
    return shards_[domain::shard_of(sku, shards_.size())];
  }

  const std::vector<shard_actor>& shards() const { return shards_; }

private:
  std::vector<shard_actor> shards_;
};

} // namespace doorbuster::actors
