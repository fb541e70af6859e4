// Placement: every node computes the same owner; shards spread evenly; a
// join moves only the shards the new node wins, a leave only the leaver's.
#include "cluster/placement.hpp"

#include <gtest/gtest.h>

#include <map>

namespace doorbuster::cluster {
namespace {

std::vector<std::string> owners(const std::vector<std::string>& nodes,
                                size_t shards) {
  std::vector<std::string> result;
  for (size_t s = 0; s < shards; ++s)
    result.push_back(nodes[preferred_owner(nodes, s)]);
  return result;
}

TEST(placement, spreads_shards_evenly) {
  std::map<std::string, size_t> count;
  for (const auto& o : owners({"n1", "n2", "n3"}, 3000))
    ++count[o];
  ASSERT_EQ(count.size(), 3u);
  for (const auto& [node, n] : count) {
    EXPECT_GT(n, 850u) << node;
    EXPECT_LT(n, 1150u) << node;
  }
}

TEST(placement, a_join_moves_only_what_the_new_node_wins) {
  auto before = owners({"n1", "n2", "n3"}, 256);
  auto after = owners({"n1", "n2", "n3", "n4"}, 256);
  size_t moved = 0;
  for (size_t s = 0; s < 256; ++s)
    if (before[s] != after[s]) {
      EXPECT_EQ(after[s], "n4");
      ++moved;
    }
  EXPECT_GT(moved, 40u);
  EXPECT_LT(moved, 90u);
}

TEST(placement, a_leave_moves_only_the_leavers_shards) {
  auto before = owners({"n1", "n2", "n3"}, 256);
  auto after = owners({"n1", "n3"}, 256);
  for (size_t s = 0; s < 256; ++s)
    if (before[s] != "n2")
      EXPECT_EQ(after[s], before[s]);
}

} // namespace
} // namespace doorbuster::cluster
