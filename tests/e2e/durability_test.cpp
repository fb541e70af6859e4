// The durability contract with a real PostgreSQL: orders reach it behind the
// request, the watermark follows, and a restart recovers exactly.
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"
#include "support/readiness.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

const std::string tv = R"({"name":"TV","description":"4K","category":"tv",)"
                       R"("price":39900,"currency":"USD","stock":100})";

std::string buy_body(int q) {
  return R"({"quantity":)" + std::to_string(q) + R"(,"customer_id":"dora"})";
}

TEST(durability, orders_and_stock_reach_postgres_behind_the_request) {
  pg_database db{shared_cluster_uri()};
  node_process node{{"--demo.products=0", "--persistence.pg-uri=" + db.uri()}};
  http_client client{node.port()};
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/TV-1", tv).status,
            201u);
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(client.request(verb::post, "/v1/products/TV-1/purchase",
                             buy_body(2))
                .status,
              201u);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (db.scalar("SELECT count(*) FROM orders") < 20
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 20);
  EXPECT_EQ(db.scalar("SELECT sum(quantity) FROM orders"), 40);
  ASSERT_TRUE(wait_caught_up(client));
  EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'TV-1'"), 60);
  auto durable = client.get("/readyz").json()["persistence"]["durable_seq"]
                   .get<int64_t>();
  EXPECT_EQ(durable, 21);
  EXPECT_EQ(db.scalar("SELECT last_seq FROM flush_watermark"), durable);
}

TEST(durability, restart_recovers_exactly_and_keeps_idempotency_keys) {
  pg_database db{shared_cluster_uri()};
  auto data = make_temp_dir("doorbuster-durable");
  std::vector<std::string> args{"--demo.products=0",
                                "--persistence.pg-uri=" + db.uri()};
  std::string first_body, product_before;
  {
    node_process node{args, data};
    http_client client{node.port()};
    client.admin(verb::put, "/v1/admin/products/TV-2", tv);
    auto first = client.request(verb::post, "/v1/products/TV-2/purchase",
                                buy_body(3), {{"Idempotency-Key", "retry-me"}});
    ASSERT_EQ(first.status, 201u);
    first_body = first.body;
    product_before = client.get("/v1/products/TV-2").body;
    EXPECT_EQ(node.stop(), 0);
    // SIGTERM drains write-behind before exit.
    EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 1);
    EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'TV-2'"), 97);
  }
  node_process node{args, data};
  http_client client{node.port()};
  EXPECT_EQ(client.get("/v1/products/TV-2").body, product_before);
  auto retry = client.request(verb::post, "/v1/products/TV-2/purchase",
                              buy_body(3), {{"Idempotency-Key", "retry-me"}});
  EXPECT_EQ(retry.status, 201u);
  EXPECT_EQ(retry.body, first_body) << "same key after restart: same order";
  auto fresh = client.request(verb::post, "/v1/products/TV-2/purchase",
                              buy_body(1));
  ASSERT_EQ(fresh.status, 201u);
  EXPECT_NE(fresh.json()["order_id"], retry.json()["order_id"]);
  EXPECT_EQ(fresh.json()["remaining"], 96);
  ASSERT_TRUE(wait_caught_up(client));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 2);
  node.stop();
  std::filesystem::remove_all(data);
}

TEST(durability, recovery_from_postgres_alone_when_the_journal_is_gone) {
  pg_database db{shared_cluster_uri()};
  std::vector<std::string> args{"--demo.products=0",
                                "--persistence.pg-uri=" + db.uri()};
  std::string before;
  {
    node_process node{args};
    http_client client{node.port()};
    client.admin(verb::put, "/v1/admin/products/TV-3", tv);
    client.request(verb::post, "/v1/products/TV-3/purchase", buy_body(4));
    ASSERT_TRUE(wait_caught_up(client));
    before = client.get("/v1/products/TV-3").body;
  } // its data directory, journal included, is deleted here
  node_process node{args};
  http_client client{node.port()};
  EXPECT_EQ(client.get("/v1/products/TV-3").body, before);
  auto next = client.request(verb::post, "/v1/products/TV-3/purchase",
                             buy_body(1));
  ASSERT_EQ(next.status, 201u);
  ASSERT_TRUE(wait_caught_up(client));
  EXPECT_EQ(db.scalar("SELECT count(DISTINCT order_id) FROM orders"), 2)
    << "order ids continue without reuse";
}

} // namespace
} // namespace doorbuster::testing
