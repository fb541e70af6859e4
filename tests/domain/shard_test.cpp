#include "domain/shard.hpp"

#include <gtest/gtest.h>

#include <set>

namespace doorbuster::domain {
namespace {

TEST(shard_of, is_stable_across_builds) {
  // Pinned values: a change here would move every SKU to another shard.
  EXPECT_EQ(shard_of("SKU-000001", 256), 250u);
  EXPECT_EQ(shard_of("", 256), 14695981039346656037ull % 256);
}

TEST(shard_of, spreads_skus_over_all_shards) {
  std::set<size_t> used;
  for (int i = 0; i < 10000; ++i)
    used.insert(shard_of("SKU-" + std::to_string(i), 256));
  EXPECT_EQ(used.size(), 256u);
}

} // namespace
} // namespace doorbuster::domain
