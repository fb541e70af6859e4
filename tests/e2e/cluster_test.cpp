// Three real nodes on one PostgreSQL: any node answers any SKU, purchases
// sent to all of them never oversell and every acknowledged order is in
// PostgreSQL once, checkouts span nodes, reservations follow their id.
#include "domain/shard.hpp"
#include "support/cluster_nodes.hpp"
#include "support/pg_database.hpp"
#include "support/buyers.hpp"
#include "support/caf_port_probe.hpp"
#include "support/ledger_check.hpp"
#include "support/shell_command.hpp"
#include "support/metrics_check.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;
using nlohmann::json;

constexpr size_t shards = 32;

std::string product(int64_t stock) {
  return R"({"name":"TV","description":"x","category":"tv","price":100,)"
         R"("currency":"USD","stock":)"
         + std::to_string(stock) + "}";
}

struct three_nodes : ::testing::Test {
  three_nodes() {
    if (!nodes.wait_settled())
      throw std::runtime_error("the cluster did not settle");
  }

  std::vector<uint16_t> ports() {
    return {nodes.node(0).port(), nodes.node(1).port(), nodes.node(2).port()};
  }

  /// The node (index) whose gateway owns `sku`'s shard, from PostgreSQL.
  std::string owner_of(const std::string& sku) {
    auto shard = domain::shard_of(sku, shards);
    return "n" + std::to_string(db.scalar(
                   "SELECT substr(owner, 2)::int FROM shard_lease WHERE "
                   "shard = "
                   + std::to_string(shard)));
  }

  /// `n` SKUs named prefix-i whose shards have `n` different owners.
  std::vector<std::string> spread(const std::string& prefix, size_t n) {
    std::vector<std::string> skus;
    std::set<std::string> owners;
    for (int i = 0; skus.size() < n && i < 1000; ++i) {
      auto sku = prefix + "-" + std::to_string(i);
      if (owners.insert(owner_of(sku)).second)
        skus.push_back(sku);
    }
    return skus;
  }

  /// Puts `n` products (spread, `stock` each) through node 0; returns
  /// checkout items of one unit of each.
  json one_of_each(const std::string& prefix, size_t n, int64_t stock) {
    http_client first{nodes.node(0).port()};
    json items = json::array();
    for (const auto& sku : spread(prefix, n)) {
      first.admin(verb::put, "/v1/admin/products/" + sku, product(stock));
      items.push_back({{"sku", sku}, {"quantity", 1}});
    }
    return items;
  }

  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 3, shards};
};

TEST_F(three_nodes, a_product_created_on_one_node_is_read_on_every_node) {
  http_client first{nodes.node(0).port()};
  for (const auto& sku : spread("READ", 3))
    ASSERT_EQ(first.admin(verb::put, "/v1/admin/products/" + sku, product(7))
                .status,
              201u);
  for (const auto& sku : spread("READ", 3))
    for (size_t i = 0; i < 3; ++i) {
      http_client client{nodes.node(i).port()};
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
      reply r;
      do {
        r = client.get("/v1/products/" + sku);
      } while (r.status != 200 && std::chrono::steady_clock::now() < deadline);
      ASSERT_EQ(r.status, 200u) << sku << " on node " << i;
      EXPECT_EQ(r.json()["stock"], 7);
    }
}

TEST_F(three_nodes, the_console_shows_every_node_and_its_shards) {
  auto out = run_shell("DOORBUSTER_ADMIN_TOKEN='" + std::string{admin_token}
                       + "' " + nodes.node(1).console_command()
                       + " -c cluster");
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_NE(out.output.find("node_id          n2"), std::string::npos)
    << out.output;
  EXPECT_NE(out.output.find("peers_connected  2"), std::string::npos)
    << out.output;
  for (const char* id : {"n1", "n2", "n3"})
    EXPECT_NE(out.output.find(std::string{"\n"} + id + " "), std::string::npos)
      << id << " missing in\n" << out.output;
  // Their shard counts add up to every shard.
  auto json = run_shell("DOORBUSTER_ADMIN_TOKEN='" + std::string{admin_token}
                        + "' " + nodes.node(1).console_command()
                        + " --json -c cluster");
  auto result = nlohmann::json::parse(json.output);
  size_t total = 0;
  for (const auto& n : result["nodes"])
    total += n["shards"].get<size_t>();
  EXPECT_EQ(total, shards);
}

TEST_F(three_nodes, the_cluster_port_drops_peers_without_the_clusters_certificate) {
  auto pid = nodes.node(0).pid();
  auto before = resident_bytes(pid);
  EXPECT_TRUE(send_basp_header_bomb(nodes.cluster_port(0)));
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  EXPECT_LT(resident_bytes(pid), before + 16 * 1024 * 1024);
  // The cluster goes on: its nodes hold the identity and stay connected.
  auto out = run_shell("DOORBUSTER_ADMIN_TOKEN='" + std::string{admin_token}
                       + "' " + nodes.node(0).console_command()
                       + " -c cluster");
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_NE(out.output.find("peers_connected  2"), std::string::npos)
    << out.output;
}

TEST_F(three_nodes, metrics_show_the_cluster_and_parse) {
  std::string sku; // one that node 0 (n1) does not own
  for (const auto& s : spread("METRIC", 3))
    if (owner_of(s) != "n1")
      sku = s;
  ASSERT_FALSE(sku.empty());
  http_client client{nodes.node(0).port()};
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/" + sku, product(3))
              .status,
            201u);
  auto text = client.get("/metrics").body;
  EXPECT_EQ(check_metrics(text), 0) << text;
  for (auto needle : {"doorbuster_cluster_peers_connected 2",
                      "doorbuster_cluster_nodes_live 3",
                      "doorbuster_cluster_postgres_up 1",
                      "doorbuster_forwarded_total 1",
                      "doorbuster_cluster_leases_total{event=\"acquired\"}"})
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  const std::string sample = "\ndoorbuster_cluster_shards_owned ";
  auto owned = text.find(sample);
  ASSERT_NE(owned, std::string::npos);
  EXPECT_GT(std::stoi(text.substr(owned + sample.size())), 0);
}

TEST_F(three_nodes, purchases_on_every_node_never_oversell_and_all_land_once) {
  auto skus = spread("HOT", 3);
  std::map<std::string, int64_t> initial;
  http_client admin{nodes.node(1).port()};
  for (const auto& sku : skus) {
    initial[sku] = 150;
    ASSERT_EQ(admin.admin(verb::put, "/v1/admin/products/" + sku, product(150))
                .status,
              201u);
  }
  // 22 buyers, each with a connection to each node: 66 connections.
  ledger book;
  buyers buying{book, ports(), skus, {22}};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (book.statuses()[201] < 450
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  buying.stop();
  auto statuses = book.statuses();
  EXPECT_EQ(statuses[201], 450u);
  for (const auto& [status, count] : statuses)
    EXPECT_TRUE(status == 201 || status == 409) << count << " × " << status;
  std::set<uint64_t> ids;
  std::set<uint64_t> generations;
  for (const auto& e : book.entries())
    if (e.status == 201) {
      EXPECT_TRUE(ids.insert(e.order_id).second) << "order id repeated";
      generations.insert(e.order_id >> 32);
    }
  EXPECT_EQ(generations.size(), 3u); // each owner minted its own
  for (const auto& problem :
       check_ledger(book, db.uri(), initial, {shards, ports()}))
    ADD_FAILURE() << problem;
  for (const auto& sku : skus) {
    EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = '" + sku + "'"),
              0);
    for (size_t i = 0; i < 3; ++i) { // every catalog sold out too
      http_client client{nodes.node(i).port()};
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds{2};
      while (client.get("/v1/products/" + sku).json()["stock"] != 0
             && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
      EXPECT_EQ(client.get("/v1/products/" + sku).json()["stock"], 0);
    }
  }
}

TEST_F(three_nodes, a_multi_item_order_across_nodes_is_all_or_nothing) {
  auto skus = spread("MULTI", 3);
  ASSERT_EQ(skus.size(), 3u);
  http_client client{nodes.node(0).port()};
  for (const auto& sku : skus)
    client.admin(verb::put, "/v1/admin/products/" + sku, product(5));
  auto order = [&](int64_t last_quantity) {
    json items = json::array();
    for (size_t i = 0; i < skus.size(); ++i)
      items.push_back({{"sku", skus[i]}, {"quantity", i + 1 == skus.size()
                                                        ? last_quantity
                                                        : 2}});
    http_client any{nodes.node(2).port()};
    return any.request(verb::post, "/v1/orders",
                       json{{"customer_id", "ann"}, {"items", items}}.dump());
  };
  // The last line wants more than there is: nothing is sold anywhere.
  auto refused = order(6);
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(refused.error_code(), "insufficient_stock");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM holds"), 0);
  auto sold = order(1);
  ASSERT_EQ(sold.status, 201u) << sold.body;
  EXPECT_EQ(sold.json()["orders"].size(), 3u);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 3);
  EXPECT_EQ(db.scalar("SELECT sum(stock) FROM products"), 15 - 5);
}

TEST_F(three_nodes, a_reservation_made_on_one_node_is_confirmed_through_another) {
  auto items = one_of_each("RESV", 2, 4);
  http_client first{nodes.node(0).port()};
  auto made = first.request(verb::post, "/v1/reservations",
                            json{{"customer_id", "bo"}, {"items", items}}.dump());
  ASSERT_EQ(made.status, 201u) << made.body;
  auto id = made.json()["reservation_id"].get<std::string>();
  http_client third{nodes.node(2).port()};
  EXPECT_EQ(third.get("/v1/reservations/" + id).json()["status"],
            "held");
  auto confirmed = third.request(
    verb::post, "/v1/reservations/" + id + "/confirm", "",
    {{"Idempotency-Key", "pay-1"}});
  ASSERT_EQ(confirmed.status, 201u) << confirmed.body;
  EXPECT_EQ(confirmed.json()["status"], "confirmed");
  // The same key through the second node gets the same answer.
  http_client second{nodes.node(1).port()};
  auto again = second.request(
    verb::post, "/v1/reservations/" + id + "/confirm", "",
    {{"Idempotency-Key", "pay-1"}});
  EXPECT_EQ(again.status, 201u);
  EXPECT_EQ(again.json()["orders"], confirmed.json()["orders"]);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE checkout_id = "
                      + id),
            2);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM holds"), 0);
}

TEST_F(three_nodes, a_checkout_key_retried_through_every_node_makes_one_checkout) {
  auto items = one_of_each("KEYED", 2, 10);
  auto body = json{{"customer_id", "cy"}, {"items", items}}.dump();
  // A client that lost its answer retries on another node: the first
  // checkout answers every time; no second one is made.
  for (const auto& path : {"/v1/orders", "/v1/reservations"}) {
    std::string key = std::string{"k"} + path;
    json answer;
    for (size_t i = 0; i < 3; ++i) {
      http_client through{nodes.node(i).port()};
      auto res = through.request(verb::post, path, body,
                                 {{"Idempotency-Key", key}});
      ASSERT_EQ(res.status, 201u) << path << " through node " << i << ": "
                                  << res.body;
      if (i == 0)
        answer = res.json();
      else
        EXPECT_EQ(res.json(), answer) << path << " through node " << i;
    }
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 2);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM holds"), 2);
  EXPECT_EQ(db.scalar("SELECT sum(stock) FROM products"), 20 - 2);
  // The key of an order is not a purchase's to take.
  http_client third{nodes.node(2).port()};
  auto purchase = third.request(
    verb::post, "/v1/products/" + items[0]["sku"].get<std::string>()
                   + "/purchase",
    json{{"customer_id", "cy"}, {"quantity", 1}}.dump(),
    {{"Idempotency-Key", "k/v1/orders"}});
  EXPECT_EQ(purchase.status, 422u) << purchase.body;
}

TEST(cluster_demo, the_first_node_of_an_empty_cluster_brings_the_demo_catalog) {
  pg_database db{shared_cluster_uri()};
  cluster_nodes nodes{db.uri(), 1, 8, {"--demo.products=40"}};
  ASSERT_TRUE(nodes.wait_settled());
  nodes.add(); // finds products in PostgreSQL: puts none
  ASSERT_TRUE(nodes.wait_settled());
  EXPECT_EQ(db.scalar("SELECT count(*) FROM products"), 40);
  EXPECT_EQ(db.scalar("SELECT max(version) FROM products"), 1);
  http_client second{nodes.node(1).port()};
  EXPECT_EQ(second.get("/v1/products/SKU-000040").status, 200u);
}

} // namespace
} // namespace doorbuster::testing
