// Checkouts under real concurrency, checked against PostgreSQL: many
// customers reserving, confirming and abandoning hot SKUs under a
// per-customer limit; and multi-item orders over overlapping SKUs from 64
// connections with the node killed mid-run.
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"
#include "support/readiness.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;
using nlohmann::json;

void put_product(http_client& admin, const std::string& sku, int64_t stock,
                 const std::string& rules = {}) {
  ASSERT_EQ(admin
              .admin(verb::put, "/v1/admin/products/" + sku,
                     R"({"name":"Hot","description":"d","category":"c",)"
                     R"("price":100,"currency":"USD","stock":)"
                       + std::to_string(stock) + "}")
              .status,
            201u);
  if (!rules.empty()) {
    ASSERT_EQ(admin.admin(verb::patch, "/v1/admin/products/" + sku, rules)
                .status,
              200u);
  }
}

/// sold + stock = initial for each SKU, nothing held, nothing reserved.
void expect_conserved(pg_database& db, const std::vector<std::string>& skus,
                      int64_t initial) {
  for (const auto& sku : skus) {
    auto where = " WHERE sku = '" + sku + "'";
    EXPECT_EQ(db.scalar("SELECT coalesce(sum(quantity), 0) FROM orders"
                        + where)
                + db.scalar("SELECT stock FROM products" + where),
              initial)
      << sku;
    EXPECT_EQ(db.scalar("SELECT reserved FROM products" + where), 0) << sku;
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM holds"), 0);
}

TEST(checkout_load, hot_reservations_never_oversell_or_exceed_limits) {
  pg_database db{shared_cluster_uri()};
  node_process node{{"--demo.products=0", "--persistence.pg-uri=" + db.uri()}};
  http_client admin{node.port()};
  const std::vector<std::string> skus{"HOT-1", "HOT-2", "HOT-3"};
  constexpr int64_t initial = 300;
  for (const auto& sku : skus)
    put_product(admin, sku, initial, R"({"max_per_customer":2})");
  std::mutex mtx;
  std::set<uint64_t> acked_orders;
  std::atomic<int> confirmed{0}, refused_limit{0}, abandoned{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> customers;
  for (int t = 0; t < 24; ++t)
    customers.emplace_back([&, t] {
      http_client client{node.port()};
      std::mt19937 rng(static_cast<unsigned>(t));
      while (!stop) {
        auto customer = "cust-" + std::to_string(rng() % 300);
        auto first = rng() % skus.size();
        json items = json::array();
        items.push_back({{"sku", skus[first]}, {"quantity", 1 + rng() % 2}});
        if (rng() % 2)
          items.push_back(
            {{"sku", skus[(first + 1) % skus.size()]}, {"quantity", 1}});
        json body{{"customer_id", customer},
                  {"items", items},
                  {"ttl_seconds", 1}};
        auto made = client.request(verb::post, "/v1/reservations",
                                   body.dump());
        if (made.status != 201) {
          if (made.status == 409 && made.error_code() == "limit_exceeded")
            ++refused_limit;
          continue;
        }
        auto id = made.json()["reservation_id"].get<std::string>();
        auto choice = rng() % 10;
        if (choice < 6) {
          auto res = client.request(verb::post,
                                    "/v1/reservations/" + id + "/confirm");
          if (res.status == 201) {
            ++confirmed;
            std::lock_guard<std::mutex> guard{mtx};
            for (auto& o : res.json()["orders"])
              acked_orders.insert(o["order_id"].get<uint64_t>());
          }
        } else if (choice < 8) {
          client.request(verb::delete_, "/v1/reservations/" + id);
        } else {
          ++abandoned; // left to expire
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::seconds{4});
  stop = true;
  for (auto& c : customers)
    c.join();
  // Abandoned holds expire by their products' timers within about 1 s.
  std::this_thread::sleep_for(std::chrono::milliseconds{2500});
  for (const auto& sku : skus)
    EXPECT_EQ(admin.get("/v1/products/" + sku).json()["reserved"], 0) << sku;
  ASSERT_TRUE(wait_caught_up(admin));
  EXPECT_GT(confirmed.load(), 50) << "the load must actually have run";
  EXPECT_GT(refused_limit.load(), 0) << "the limit must have been reached";
  EXPECT_GT(abandoned.load(), 0);
  expect_conserved(db, skus, initial);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM (SELECT sku, customer_id FROM "
                      "orders GROUP BY sku, customer_id HAVING "
                      "sum(quantity) > 2) AS over"),
            0)
    << "no customer may exceed max_per_customer";
  std::string ids = "0";
  for (auto id : acked_orders)
    ids += "," + std::to_string(id);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE order_id IN (" + ids
                      + ")"),
            static_cast<int64_t>(acked_orders.size()))
    << "every confirmed order is in PostgreSQL";
  EXPECT_EQ(node.stop(), 0);
}

TEST(checkout_load, multi_item_orders_are_all_or_nothing_across_a_crash) {
  pg_database db{shared_cluster_uri()};
  auto data = make_temp_dir("doorbuster-orders");
  std::vector<std::string> args{"--demo.products=0", "--products.shards=8",
                                "--persistence.pg-uri=" + db.uri()};
  const std::vector<std::string> skus{"M-1", "M-2", "M-3", "M-4", "M-5",
                                      "M-6"};
  constexpr int64_t initial = 3000;
  constexpr size_t lines_per_order = 3;
  std::mutex mtx;
  std::map<uint64_t, size_t> acked; // checkout id -> lines answered
  std::atomic<int> refused{0};
  for (int cycle = 0; cycle < 2; ++cycle) {
    node_process node{args, data};
    http_client admin{node.port()};
    if (cycle == 0)
      for (const auto& sku : skus)
        put_product(admin, sku, initial);
    std::atomic<bool> stop{false};
    std::vector<std::thread> buyers;
    for (int t = 0; t < 64; ++t)
      buyers.emplace_back([&, t] {
        http_client client{node.port()};
        std::mt19937 rng(static_cast<unsigned>(cycle * 1000 + t));
        while (!stop) {
          // Three distinct SKUs of six: orders overlap all the time.
          auto start = rng() % skus.size();
          json items = json::array();
          for (size_t i = 0; i < lines_per_order; ++i)
            items.push_back({{"sku", skus[(start + i * 2) % skus.size()]},
                             {"quantity", 1 + rng() % 3}});
          json body{{"customer_id", "buyer-" + std::to_string(t)},
                    {"items", items}};
          try {
            auto res = client.request(verb::post, "/v1/orders", body.dump());
            if (res.status == 201) {
              auto j = res.json();
              std::lock_guard<std::mutex> guard{mtx};
              acked[std::stoull(j["checkout_id"].get<std::string>())] =
                j["orders"].size();
            } else if (res.status == 409) {
              ++refused;
            }
          } catch (const std::exception&) {
            return; // the node is gone
          }
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds{cycle == 0 ? 2500
                                                                     : 1500});
    if (cycle == 0)
      node.kill_hard(); // mid-run: some orders are half-way
    stop = true;
    for (auto& b : buyers)
      b.join();
    if (cycle == 1) {
      ASSERT_TRUE(wait_caught_up(admin));
      EXPECT_EQ(node.stop(), 0);
    }
  }
  {
    // Recovery after the last clean stop changes nothing; check the store.
    node_process node{args, data};
    http_client admin{node.port()};
    ASSERT_TRUE(wait_caught_up(admin));
    for (const auto& sku : skus)
      EXPECT_EQ(admin.get("/v1/products/" + sku).json()["reserved"], 0);
    EXPECT_EQ(node.stop(), 0);
  }
  EXPECT_GT(acked.size(), 100u) << "the load must actually have run";
  EXPECT_GT(refused.load(), 0) << "stock must have run short for some";
  expect_conserved(db, skus, initial);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM (SELECT checkout_id FROM orders "
                      "WHERE checkout_id IS NOT NULL GROUP BY checkout_id "
                      "HAVING count(*) <> "
                      + std::to_string(lines_per_order) + ") AS partial"),
            0)
    << "every order in PostgreSQL has all of its lines";
  for (const auto& [id, lines] : acked) {
    EXPECT_EQ(lines, lines_per_order);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE checkout_id = "
                        + std::to_string(id)),
              static_cast<int64_t>(lines_per_order))
      << "acknowledged order " << id;
  }
  std::filesystem::remove_all(data);
}

TEST(checkout_restart, reservations_limits_and_orders_come_back_from_postgres) {
  pg_database db{shared_cluster_uri()};
  std::vector<std::string> args{"--demo.products=0",
                                "--persistence.pg-uri=" + db.uri()};
  auto reserve = [](http_client& client, const std::string& customer,
                    int quantity, int ttl_s) {
    json body{{"customer_id", customer},
              {"items", json::array({{{"sku", "PG-1"}, {"quantity", quantity}}})},
              {"ttl_seconds", ttl_s}};
    return client.request(verb::post, "/v1/reservations", body.dump());
  };
  std::string keep;
  json order_answer;
  json order_body{{"customer_id", "zed"},
                  {"items", json::array({{{"sku", "PG-1"}, {"quantity", 1}}})}};
  {
    node_process node{args};
    http_client client{node.port()};
    put_product(client, "PG-1", 20, R"({"max_per_customer":3})");
    keep = reserve(client, "amy", 2, 120).json()["reservation_id"];
    ASSERT_EQ(reserve(client, "bo", 3, 3).status, 201u);
    auto order = client.request(verb::post, "/v1/orders", order_body.dump(),
                                {{"Idempotency-Key", "pg-order"}});
    ASSERT_EQ(order.status, 201u);
    order_answer = order.json();
    ASSERT_TRUE(wait_caught_up(client));
  } // the data directory, journal included, is deleted here
  node_process node{args};
  http_client client{node.port()};
  auto p = client.get("/v1/products/PG-1").json();
  EXPECT_EQ(p["stock"], 19);
  EXPECT_EQ(p["reserved"], 5);
  EXPECT_EQ(p["max_per_customer"], 3);
  // The limit counts amy's live hold from before the restart.
  EXPECT_EQ(reserve(client, "amy", 2, 60).error_code(), "limit_exceeded");
  // The retried order is answered from PostgreSQL, not sold again.
  auto retried = client.request(verb::post, "/v1/orders", order_body.dump(),
                                {{"Idempotency-Key", "pg-order"}});
  EXPECT_EQ(retried.status, 201u);
  EXPECT_EQ(retried.json()["orders"], order_answer["orders"]);
  std::this_thread::sleep_for(std::chrono::milliseconds{3500});
  EXPECT_EQ(client.get("/v1/products/PG-1").json()["reserved"], 2)
    << "bo's 3 s reservation expired on time after the restart";
  EXPECT_EQ(client
              .request(verb::post, "/v1/reservations/" + keep + "/confirm")
              .status,
            201u);
  ASSERT_TRUE(wait_caught_up(client));
  expect_conserved(db, {"PG-1"}, 20);
  EXPECT_EQ(node.stop(), 0);
}

} // namespace
} // namespace doorbuster::testing
