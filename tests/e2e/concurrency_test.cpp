// Many connections buying one SKU at once: no oversell, no lost or repeated
// order, every refusal a 409.
#include "support/http_client.hpp"
#include "support/node_process.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

TEST(concurrency, many_connections_never_oversell_one_sku) {
  constexpr int stock = 1000;
  constexpr int connections = 64;
  constexpr int attempts = 4 * stock;
  node_process node{{"--demo.products=0"}};
  http_client admin{node.port()};
  ASSERT_EQ(admin
              .admin(verb::put, "/v1/admin/products/HOT",
                     R"({"name":"Console","description":"d","category":"c",)"
                     R"("price":49900,"currency":"USD","stock":)"
                       + std::to_string(stock) + "}")
              .status,
            201u);

  std::mutex mtx;
  std::set<uint64_t> order_ids;
  int64_t sold = 0;
  int created = 0, conflicts = 0, others = 0;
  std::vector<std::thread> buyers;
  for (int c = 0; c < connections; ++c)
    buyers.emplace_back([&, c] {
      http_client client{node.port()};
      std::mt19937 rng(c);
      for (int i = c; i < attempts; i += connections) {
        int q = static_cast<int>(rng() % 3) + 1;
        auto res = client.request(
          verb::post, "/v1/products/HOT/purchase",
          R"({"quantity":)" + std::to_string(q) + R"(,"customer_id":"c)"
            + std::to_string(c) + "\"}");
        std::lock_guard<std::mutex> guard{mtx};
        if (res.status == 201) {
          ++created;
          sold += res.json()["quantity"].get<int64_t>();
          EXPECT_TRUE(order_ids.insert(res.json()["order_id"].get<uint64_t>()).second)
            << "order id repeated";
        } else if (res.status == 409) {
          ++conflicts;
        } else {
          ++others;
        }
      }
    });
  for (auto& b : buyers)
    b.join();

  auto final_stock = admin.get("/v1/products/HOT").json()["stock"]
                       .get<int64_t>();
  EXPECT_GE(final_stock, 0);
  EXPECT_EQ(sold, stock - final_stock);
  EXPECT_EQ(order_ids.size(), static_cast<size_t>(created));
  EXPECT_EQ(others, 0);
  EXPECT_EQ(created + conflicts, attempts);
  EXPECT_LT(final_stock, 3) << "demand was 4x stock; at most a remainder "
                               "smaller than the largest quantity may stay";
}

} // namespace
} // namespace doorbuster::testing
