// Membership and leases against a real PostgreSQL: two memberships on one
// database, as two nodes would be.
#include "cluster/membership.hpp"
#include "persistence/pg_store.hpp"
#include "support/pg_database.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace doorbuster::testing {
namespace {

using cluster::held_lease;
using cluster::membership;

std::vector<uint32_t> shards_of(const std::vector<held_lease>& leases) {
  std::vector<uint32_t> result;
  for (const auto& l : leases)
    result.push_back(l.shard);
  std::sort(result.begin(), result.end());
  return result;
}

struct two_nodes : ::testing::Test {
  two_nodes() {
    persistence::pg_store{db.uri(), "setup"}.migrate();
    a.prepare();
    b.prepare();
    a.join(1);
    b.join(1);
  }

  void expire(uint32_t shard) {
    db.scalar("UPDATE shard_lease SET expires_at = clock_timestamp() - "
              "interval '1 second' WHERE shard = "
              + std::to_string(shard) + " RETURNING 0");
  }

  pg_database db{shared_cluster_uri()};
  membership a{db.uri(), "a", 8, 60000};
  membership b{db.uri(), "b", 8, 60000};
};

TEST_F(two_nodes, generations_are_distinct_and_grow) {
  EXPECT_NE(a.generation(), b.generation());
  membership again{db.uri(), "a", 8, 60000};
  EXPECT_GT(again.join(1), std::max(a.generation(), b.generation()));
  membership floor{db.uri(), "c", 8, 60000};
  EXPECT_EQ(floor.join(500), 500u);
}

TEST_F(two_nodes, a_live_lease_cannot_be_taken_and_every_take_bumps_the_epoch) {
  auto taken = a.acquire({0, 1, 2});
  ASSERT_EQ(shards_of(taken), (std::vector<uint32_t>{0, 1, 2}));
  for (const auto& l : taken)
    EXPECT_EQ(l.epoch, 1u);
  EXPECT_TRUE(b.acquire({0, 1, 2}).empty());
  expire(0);
  auto stolen = b.acquire({0, 1, 2});
  ASSERT_EQ(stolen.size(), 1u);
  EXPECT_EQ(stolen[0].shard, 0u);
  EXPECT_EQ(stolen[0].epoch, 2u);
  bool replaced = true;
  EXPECT_EQ(shards_of(a.renew(replaced)), (std::vector<uint32_t>{1, 2}));
  EXPECT_FALSE(replaced);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM shard_history WHERE event = "
                      "'acquired'"),
            4);
}

TEST_F(two_nodes, a_released_lease_is_free_at_once_but_only_at_its_epoch) {
  auto taken = a.acquire({3});
  ASSERT_EQ(taken.size(), 1u);
  a.release({{3, taken[0].epoch + 7}}); // a stale epoch: nothing happens
  EXPECT_TRUE(b.acquire({3}).empty());
  a.release(taken);
  auto moved = b.acquire({3});
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].epoch, 2u);
}

TEST_F(two_nodes, a_restarted_node_takes_its_own_shards_without_waiting) {
  ASSERT_EQ(a.acquire({4}).size(), 1u);
  membership restarted{db.uri(), "a", 8, 60000};
  restarted.join(1);
  auto back = restarted.acquire({4});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].epoch, 2u);
  bool replaced = false;
  EXPECT_TRUE(a.renew(replaced).empty()); // the old process holds nothing
  EXPECT_TRUE(replaced);
}

TEST_F(two_nodes, a_node_that_rejoins_holds_nothing_of_its_old_generation) {
  a.advertise("127.0.0.1:1", "127.0.0.1:2");
  auto old = a.generation();
  ASSERT_EQ(a.acquire({0, 1}).size(), 2u);
  auto generation = a.rejoin("up");
  EXPECT_GT(generation, std::max(old, b.generation()));
  bool replaced = true;
  EXPECT_TRUE(a.renew(replaced).empty()) << "old leases renewed";
  EXPECT_FALSE(replaced);
  auto nodes = a.nodes();
  ASSERT_EQ(nodes[0].node_id, "a");
  EXPECT_EQ(nodes[0].generation, generation);
  EXPECT_EQ(nodes[0].status, "up");
  EXPECT_EQ(nodes[0].cluster_address, "127.0.0.1:1");
  EXPECT_EQ(nodes[0].earlier_generations, std::vector<uint64_t>{old})
    << "its reservations keep the old generation";
  // It takes its shards back at new epochs, under the new generation.
  auto again = a.acquire({0, 1});
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].epoch, 2u);
  EXPECT_EQ(a.renew(replaced).size(), 2u);
}

TEST_F(two_nodes, a_node_replaced_by_a_newer_process_does_not_rejoin) {
  membership newer{db.uri(), "a", 8, 60000};
  newer.join(1);
  EXPECT_EQ(a.rejoin("up"), 0u);
  EXPECT_EQ(a.nodes()[0].generation, newer.generation());
  EXPECT_TRUE(a.nodes()[0].earlier_generations.empty());
}

TEST_F(two_nodes, every_node_must_use_the_same_shard_count) {
  membership other{db.uri(), "c", 16, 60000};
  EXPECT_THROW(other.prepare(), std::runtime_error);
}

} // namespace
} // namespace doorbuster::testing
