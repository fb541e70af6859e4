// Shards move politely under load without losing or duplicating an order:
// a node joins and receives shards, another drains (SIGTERM, or the
// console's drain) and hands its shards over, while buyers keep buying and
// reserving through a node that stays. Checked against PostgreSQL. The
// impolite cases are in cluster_fault_test.cpp.
#include "support/cluster_nodes.hpp"
#include "support/pg_database.hpp"
#include "support/buyers.hpp"
#include "support/ledger_check.hpp"
#include "support/test_products.hpp"
#include "support/shell_command.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

TEST(cluster_handoff, a_join_and_a_drain_under_load_lose_nothing) {
  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 2, 32};
  ASSERT_TRUE(nodes.wait_settled());
  http_client admin{nodes.node(1).port()};
  auto initial = put_products(admin, "MOVE", 12);
  ASSERT_EQ(initial.size(), 12u);
  auto skus = skus_of(initial);
  // Buyers go through node 1, which stays; node 0 will drain, node 2 join.
  ledger book;
  buyers buying{book, {nodes.node(1).port()}, skus, {16, 5}};
  std::this_thread::sleep_for(std::chrono::seconds{1});
  auto before_join = nodes.shards_owned();
  nodes.add();
  ASSERT_TRUE(nodes.wait_settled());
  auto after_join = nodes.shards_owned();
  EXPECT_GT(after_join[2], 0u) << "the new node received no shards";
  EXPECT_LT(after_join[0] + after_join[1], before_join[0] + before_join[1]);
  std::this_thread::sleep_for(std::chrono::seconds{1});
  EXPECT_EQ(nodes.node(0).stop(), 0); // SIGTERM: hands its shards over
  ASSERT_TRUE(nodes.wait_settled());
  EXPECT_EQ(nodes.shards_owned()[1] + nodes.shards_owned()[2], 32u);
  std::this_thread::sleep_for(std::chrono::seconds{1});
  buying.stop();
  auto statuses = book.statuses();
  EXPECT_GT(statuses[201], 500u);
  for (const auto& e : book.entries())
    EXPECT_EQ(e.status, 201u) << e.key << " of " << e.sku << " ended with "
                              << e.status << " " << e.code << " after "
                              << e.tries << " tries";
  for (const auto& problem :
       check_ledger(book, db.uri(), initial,
                    {32, {nodes.node(1).port(), nodes.node(2).port()}}))
    ADD_FAILURE() << problem;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM shard_history WHERE event = "
                      "'released'") > 0,
            true);
}

TEST(cluster_handoff, the_consoles_drain_hands_shards_over_and_undrain_takes_them_back) {
  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 2, 16};
  ASSERT_TRUE(nodes.wait_settled());
  ASSERT_GT(nodes.shards_owned()[0], 0u);
  auto console = [&](const std::string& command) {
    return run_shell("DOORBUSTER_ADMIN_TOKEN='" + std::string{admin_token}
                     + "' " + nodes.node(0).console_command() + " -c "
                     + command);
  };
  ASSERT_EQ(console("drain").status, 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (nodes.shards_owned()[1] < 16
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  EXPECT_EQ(nodes.shards_owned(), (std::vector<size_t>{0, 16}));
  ASSERT_EQ(console("undrain").status, 0);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (nodes.shards_owned()[0] == 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  EXPECT_GT(nodes.shards_owned()[0], 0u);
  EXPECT_TRUE(nodes.wait_settled());
}

} // namespace
} // namespace doorbuster::testing
