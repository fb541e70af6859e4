#include "domain/shard.hpp"

#include <cstdint>

namespace doorbuster::domain {

size_t shard_of(std::string_view sku, size_t shard_count) {
  // 64-bit FNV-1a: offset basis and prime from the published specification.
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : sku) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<size_t>(hash % shard_count);
}

} // namespace doorbuster::domain
