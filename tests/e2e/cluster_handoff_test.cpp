// Shards move under load without losing or duplicating an order: a node
// joins and receives shards, another drains (SIGTERM) and hands its shards
// over, while buyers keep buying through a node that stays. Checked against
// PostgreSQL.
#include "support/cluster_nodes.hpp"
#include "support/pg_database.hpp"
#include "support/purchase_ledger.hpp"
#include "support/shell_command.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

constexpr int64_t units = 100000;

/// Creates prefix-0 .. prefix-(n-1) with `units` each; returns the stock
/// of those created (a failed put is missing from it).
std::map<std::string, int64_t> put_products(http_client& admin,
                                            const std::string& prefix,
                                            int n) {
  std::map<std::string, int64_t> initial;
  for (int i = 0; i < n; ++i) {
    auto sku = prefix + "-" + std::to_string(i);
    auto put = admin.admin(verb::put, "/v1/admin/products/" + sku,
                           R"({"name":"TV","description":"x","category":"tv",)"
                           R"("price":100,"currency":"USD","stock":)"
                             + std::to_string(units) + "}");
    if (put.status == 201)
      initial[sku] = units;
  }
  return initial;
}

std::vector<std::string> skus_of(const std::map<std::string, int64_t>& m) {
  std::vector<std::string> skus;
  for (const auto& [sku, _] : m)
    skus.push_back(sku);
  return skus;
}

TEST(cluster_handoff, a_join_and_a_drain_under_load_lose_nothing) {
  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 2, 32};
  ASSERT_TRUE(nodes.wait_settled());
  http_client admin{nodes.node(1).port()};
  auto initial = put_products(admin, "MOVE", 12);
  ASSERT_EQ(initial.size(), 12u);
  auto skus = skus_of(initial);
  // Buyers go through node 1, which stays; node 0 will drain, node 2 join.
  purchase_ledger ledger{{nodes.node(1).port()}, skus, 16};
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
  ledger.stop();
  auto statuses = ledger.statuses();
  EXPECT_GT(statuses[201], 500u);
  for (const auto& e : ledger.entries())
    EXPECT_EQ(e.status, 201u) << e.key << " of " << e.sku << " ended with "
                              << e.status << " " << e.code << " after "
                              << e.tries << " tries";
  for (const auto& problem : ledger.check(db.uri(), initial))
    ADD_FAILURE() << problem;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM shard_history WHERE event = "
                      "'released'") > 0,
            true);
}

TEST(cluster_handoff, an_owner_killed_under_load_loses_no_acknowledged_order) {
  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 2, 16};
  ASSERT_TRUE(nodes.wait_settled());
  http_client admin{nodes.node(1).port()};
  auto initial = put_products(admin, "KILL", 8);
  ASSERT_EQ(initial.size(), 8u);
  auto skus = skus_of(initial);
  // Buyers go through node 1; node 0 owns about half of the SKUs' shards
  // and dies with requests in flight to it.
  purchase_ledger ledger{{nodes.node(1).port()}, skus, 16};
  std::this_thread::sleep_for(std::chrono::seconds{1});
  nodes.node(0).kill_hard();
  // Its leases expire (2 s TTL) and node 1 takes its shards.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (nodes.shards_owned()[1] < 16
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  EXPECT_EQ(nodes.shards_owned()[1], 16u);
  std::this_thread::sleep_for(std::chrono::seconds{1});
  ledger.stop();
  std::map<std::string, size_t> codes;
  for (const auto& e : ledger.entries())
    ++codes[std::to_string(e.status) + " " + e.code];
  for (const auto& [code, n] : codes) // for the log: what clients saw
    std::cout << "  " << n << " x " << code << "\n";
  // No wrong answer: 201s, or 503s that say what is known.
  for (const auto& e : ledger.entries())
    if (e.status != 201)
      EXPECT_TRUE(e.status == 503
                  && (e.code == "outcome_unknown" || e.code == "moved"
                      || e.code == "unavailable"))
        << e.key << ": " << e.status << " " << e.code;
  for (const auto& problem : ledger.check(db.uri(), initial))
    ADD_FAILURE() << problem;
  // After the failover every SKU sells again through the survivor.
  for (const auto& sku : skus)
    EXPECT_EQ(admin
                .request(verb::post, "/v1/products/" + sku + "/purchase",
                         R"({"quantity":1,"customer_id":"after"})")
                .status,
              201u)
      << sku;
}

TEST(cluster_handoff, the_consoles_drain_hands_shards_over_and_undrain_takes_them_back) {
  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 2, 16};
  ASSERT_TRUE(nodes.wait_settled());
  ASSERT_GT(nodes.shards_owned()[0], 0u);
  auto console = [&](const std::string& command) {
    return run_shell("DOORBUSTER_ADMIN_TOKEN='" + std::string{admin_token}
                     + "' " DOORBUSTER_CONSOLE " --connect=127.0.0.1:"
                     + std::to_string(nodes.node(0).admin_port()) + " -c "
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
