// sku -> virtual shard by a stable hash (FNV-1a), the same on every node and
// every build: the first half of routing. Which node serves a shard is the
// shard map's business, not this function's.
#pragma once

#include <cstddef>
#include <string_view>

namespace doorbuster::domain {

/// Stable across processes, builds and nodes. Requires: shard_count >= 1.
size_t shard_of(std::string_view sku, size_t shard_count);

} // namespace doorbuster::domain
