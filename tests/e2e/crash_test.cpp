// SIGKILL under concurrent load, again and again: every order answered 201
// survives in PostgreSQL, stock and orders always add up, no id repeats.
// And SIGKILL while products rest in their shards (passivation): nothing
// acknowledged is lost, and their idempotency keys still replay.
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"
#include "support/readiness.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

constexpr int64_t initial_stock = 1000000;
const std::vector<std::string> hot_skus{"HOT-A", "HOT-B", "HOT-C"};

struct acked_order {
  uint64_t id;
  std::string sku;
  int64_t quantity;
};

void check_postgres_matches(pg_database& db,
                            const std::vector<acked_order>& acked) {
  std::set<uint64_t> ids;
  for (const auto& o : acked)
    EXPECT_TRUE(ids.insert(o.id).second) << "order id " << o.id << " repeated";
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE order_id IN ("
                      + [&] {
                          std::string list = "0";
                          for (auto id : ids)
                            list += "," + std::to_string(id);
                          return list;
                        }()
                      + ")"),
            static_cast<int64_t>(ids.size()))
    << "every order answered 201 must be in PostgreSQL";
  for (const auto& sku : hot_skus) {
    auto sold = db.scalar("SELECT sum(quantity) FROM orders WHERE sku = '"
                          + sku + "'");
    auto stock = db.scalar("SELECT stock FROM products WHERE sku = '" + sku
                           + "'");
    EXPECT_EQ(sold + stock, initial_stock) << sku;
  }
}

TEST(crash, sigkill_under_load_loses_no_acknowledged_order) {
  pg_database db{shared_cluster_uri()};
  auto data = make_temp_dir("doorbuster-crash");
  std::vector<std::string> args{"--demo.products=0",
                                "--persistence.pg-uri=" + db.uri()};
  std::vector<acked_order> acked;
  std::mutex mtx;
  std::mt19937 rng{12345};
  for (int cycle = 0; cycle < 6; ++cycle) {
    node_process node{args, data};
    http_client admin{node.port()};
    if (cycle == 0) {
      for (const auto& sku : hot_skus)
        ASSERT_EQ(admin
                    .admin(verb::put, "/v1/admin/products/" + sku,
                           R"({"name":"Hot","description":"d","category":"c",)"
                           R"("price":100,"currency":"USD","stock":)"
                             + std::to_string(initial_stock) + "}")
                    .status,
                  201u);
    } else {
      // After each restart: everything acknowledged so far is there.
      ASSERT_TRUE(wait_caught_up(admin)) << "cycle " << cycle;
      check_postgres_matches(db, acked);
    }
    if (cycle == 5)
      break;
    std::atomic<bool> stop{false};
    std::vector<std::thread> buyers;
    for (int t = 0; t < 16; ++t)
      buyers.emplace_back([&, t] {
        http_client client{node.port()};
        std::mt19937 local(static_cast<unsigned>(cycle * 100 + t));
        while (!stop) {
          const auto& sku = hot_skus[local() % hot_skus.size()];
          int q = static_cast<int>(local() % 3) + 1;
          try {
            auto res = client.request(
              verb::post, "/v1/products/" + sku + "/purchase",
              R"({"quantity":)" + std::to_string(q)
                + R"(,"customer_id":"crash"})");
            if (res.status == 201) {
              std::lock_guard<std::mutex> guard{mtx};
              acked.push_back({res.json()["order_id"].get<uint64_t>(), sku,
                               res.json()["quantity"].get<int64_t>()});
            }
          } catch (const std::exception&) {
            return; // the node is gone
          }
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds{200 + rng() % 600});
    node.kill_hard();
    stop = true;
    for (auto& b : buyers)
      b.join();
  }
  EXPECT_GT(acked.size(), 100u) << "the load must actually have run";
  std::filesystem::remove_all(data);
}

TEST(crash, sigkill_while_products_rest_loses_nothing) {
  pg_database db{shared_cluster_uri()};
  auto data = make_temp_dir("doorbuster-crash-rest");
  std::vector<std::string> args{"--demo.products=0",
                                "--products.passivate-after-ms=100",
                                "--persistence.pg-uri=" + db.uri()};
  constexpr int products = 20;
  auto sku = [](int i) { return "REST-" + std::to_string(i); };
  auto buy = [&](http_client& client, int i) {
    return client.request(verb::post, "/v1/products/" + sku(i) + "/purchase",
                          R"({"quantity":2,"customer_id":"rest"})",
                          {{"Idempotency-Key", "rest-" + std::to_string(i)}});
  };
  std::map<int, std::string> answers;
  {
    node_process node{args, data};
    http_client client{node.port()};
    for (int i = 0; i < products; ++i) {
      ASSERT_EQ(client
                  .admin(verb::put, "/v1/admin/products/" + sku(i),
                         R"({"name":"Rest","description":"d","category":"c",)"
                         R"("price":100,"currency":"USD","stock":10})")
                  .status,
                201u);
      auto res = buy(client, i);
      ASSERT_EQ(res.status, 201u);
      answers[i] = res.body;
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (metric_sample(client.get("/metrics").body,
                         R"(doorbuster_products{state="passive"})")
           != products) {
      ASSERT_LT(std::chrono::steady_clock::now(), until)
        << "the products never went to rest";
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    node.kill_hard();
  }
  node_process node{args, data};
  http_client client{node.port()};
  ASSERT_TRUE(wait_caught_up(client));
  for (int i = 0; i < products; ++i) {
    EXPECT_EQ(client.get("/v1/products/" + sku(i)).json()["stock"], 8);
    auto again = buy(client, i);
    EXPECT_EQ(again.status, 201u);
    EXPECT_EQ(again.body, answers[i]) << "the key's first answer";
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE sku LIKE 'REST-%'"),
            products);
  EXPECT_EQ(db.scalar("SELECT sum(stock) FROM products WHERE sku LIKE 'REST-%'"),
            8 * products);
  std::filesystem::remove_all(data);
}

} // namespace
} // namespace doorbuster::testing
