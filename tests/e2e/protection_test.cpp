// Surviving a spike: per-client rate limits, load shedding on a hot SKU,
// request deadlines, slow clients, and what operators see (/metrics,
// request ids, cache headers, run-time logging switches).
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

std::string product_body(int stock) {
  return R"({"name":"Deal","description":"d","category":"deals",)"
         R"("price":100,"currency":"USD","stock":)"
         + std::to_string(stock) + "}";
}

const std::string one_unit = R"({"quantity":1,"customer_id":"c"})";

TEST(protection, rate_limit_answers_429_per_client_and_refills) {
  // The test's requests pass as a trusted proxy's, so that each
  // X-Forwarded-For address is a client of its own.
  node_process node{{"--demo.products=0", "--limits.write-rate-per-min=60",
                     "--limits.write-burst=3",
                     "--http.trusted-proxies=127.0.0.1"}};
  http_client client{node.port()};
  client.admin(verb::put, "/v1/admin/products/RL-1", product_body(100));
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(client.request(verb::post, "/v1/products/RL-1/purchase",
                             one_unit)
                .status,
              201u);
  auto limited = client.request(verb::post, "/v1/products/RL-1/purchase",
                                one_unit);
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.error_code(), "rate_limited");
  EXPECT_EQ(limited.header("Retry-After"), "1");
  EXPECT_EQ(limited.header("RateLimit-Limit"), "3");
  EXPECT_EQ(limited.header("RateLimit-Remaining"), "0");
  EXPECT_FALSE(limited.header("RateLimit-Reset").empty());
  auto other = client.request(verb::post, "/v1/products/RL-1/purchase",
                              one_unit,
                              {{"X-Forwarded-For", "198.51.100.2"}});
  EXPECT_EQ(other.status, 201u) << "another client is unaffected";
  EXPECT_EQ(client.get("/v1/products/RL-1").status, 200u)
    << "reads have their own budget";
  std::this_thread::sleep_for(std::chrono::milliseconds{1100});
  EXPECT_EQ(client.request(verb::post, "/v1/products/RL-1/purchase", one_unit)
              .status,
            201u)
    << "the budget refills";
  EXPECT_EQ(client.get("/v1/products/RL-1").json()["stock"], 95)
    << "a refused request changes nothing";
}

TEST(protection, searches_pay_from_a_budget_of_their_own) {
  // The defaults: 5 searches per second per client, bursts of 10; other
  // reads are not limited. (A search scans every name; its own catalog
  // actor serves it, so product pages never wait behind one.)
  node_process node{{"--demo.products=50", "--http.trusted-proxies=127.0.0.1"}};
  http_client client{node.port()};
  const std::map<std::string, std::string> eve{
    {"X-Forwarded-For", "198.51.100.5"}};
  int ok = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = client.get("/v1/products?q=item&limit=5", eve);
    if (r.status == 200)
      ++ok;
    else if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.error_code(), "rate_limited");
      EXPECT_FALSE(r.header("Retry-After").empty());
    }
  }
  EXPECT_GE(ok, 10);
  EXPECT_LE(ok, 12) << "a burst of 10, refilled at 5/s";
  EXPECT_EQ(ok + limited, 30);
  // Her product pages and listings by category are not searches.
  EXPECT_EQ(client.get("/v1/products/SKU-000001", eve).status, 200u);
  EXPECT_EQ(client.get("/v1/products?limit=5", eve).status, 200u);
  // Another client still searches.
  EXPECT_EQ(client
              .get("/v1/products?q=item&limit=5",
                   {{"X-Forwarded-For", "198.51.100.6"}})
              .status,
            200u);
}

TEST(protection, cors_lets_only_configured_origins_read_public_answers) {
  node_process node{{"--demo.products=5",
                     "--http.cors-origins=https://shop.example, https://m.shop.example"}};
  http_client client{node.port()};
  const std::map<std::string, std::string> shop{{"Origin", "https://shop.example"}};
  auto page = client.get("/v1/products/SKU-000001", shop);
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.header("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(page.header("Vary"), "Origin");
  EXPECT_NE(page.header("Access-Control-Expose-Headers").find("ETag"),
            std::string::npos);
  // Another origin, or no origin: nothing that lets a browser read it.
  auto evil = client.get("/v1/products/SKU-000001",
                         {{"Origin", "https://evil.example"}});
  EXPECT_EQ(evil.status, 200u);
  EXPECT_EQ(evil.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(client.get("/v1/products/SKU-000001")
              .header("Access-Control-Allow-Origin"),
            "");

  // A preflight of a purchase from the storefront.
  auto pre = client.request(
    verb::options, "/v1/products/SKU-000001/purchase", {},
    {{"Origin", "https://m.shop.example"},
     {"Access-Control-Request-Method", "POST"},
     {"Access-Control-Request-Headers", "content-type, idempotency-key"}});
  ASSERT_EQ(pre.status, 204u) << pre.body;
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), "https://m.shop.example");
  EXPECT_EQ(pre.header("Access-Control-Allow-Methods"), "POST");
  EXPECT_NE(pre.header("Access-Control-Allow-Headers").find("Idempotency-Key"),
            std::string::npos);
  EXPECT_EQ(pre.header("Access-Control-Max-Age"), "600");
  // From another origin the preflight fails, so the browser never sends it.
  EXPECT_EQ(client
              .request(verb::options, "/v1/products/SKU-000001/purchase", {},
                       {{"Origin", "https://evil.example"},
                        {"Access-Control-Request-Method", "POST"}})
              .status,
            405u);
  // Admin paths never answer cross-origin.
  auto admin = client.request(verb::options, "/v1/admin/products/SKU-000001",
                              {},
                              {{"Origin", "https://shop.example"},
                               {"Access-Control-Request-Method", "PUT"}});
  EXPECT_EQ(admin.status, 405u);
  EXPECT_EQ(admin.header("Access-Control-Allow-Origin"), "");
}

TEST(protection, cors_is_off_by_default) {
  node_process node{{"--demo.products=5"}};
  http_client client{node.port()};
  auto page = client.get("/v1/products/SKU-000001",
                         {{"Origin", "https://shop.example"}});
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(client
              .request(verb::options, "/v1/products/SKU-000001", {},
                       {{"Origin", "https://shop.example"},
                        {"Access-Control-Request-Method", "GET"}})
              .status,
            405u);
}

TEST(protection, hot_sku_sheds_load_without_slowing_other_skus) {
  constexpr int stock = 1000000;
  node_process node{{"--demo.products=0", "--products.max-mailbox=2",
                     "--scheduler.max-threads=1"}};
  http_client admin{node.port()};
  admin.admin(verb::put, "/v1/admin/products/HOT", product_body(stock));
  admin.admin(verb::put, "/v1/admin/products/COLD", product_body(stock));
  std::atomic<int> created{0}, shed{0}, other{0};
  std::atomic<bool> retry_after_ok{true};
  std::atomic<bool> done{false};
  std::vector<std::thread> flood;
  for (int t = 0; t < 64; ++t)
    flood.emplace_back([&] {
      http_client c{node.port()};
      for (int i = 0; i < 60; ++i) {
        auto res = c.request(verb::post, "/v1/products/HOT/purchase", one_unit);
        if (res.status == 201)
          ++created;
        else if (res.status == 503 && res.error_code() == "overloaded") {
          ++shed;
          retry_after_ok = retry_after_ok && res.header("Retry-After") == "1";
        } else
          ++other;
      }
    });
  int cold_ok = 0, cold_total = 0, reads_ok = 0, reads_total = 0;
  std::thread bystander([&] {
    http_client c{node.port()};
    while (!done) {
      cold_ok += c.request(verb::post, "/v1/products/COLD/purchase", one_unit)
                   .status
                 == 201;
      ++cold_total;
      reads_ok += c.get("/v1/products/HOT").status == 200;
      ++reads_total;
    }
  });
  for (auto& t : flood)
    t.join();
  done = true;
  bystander.join();
  EXPECT_GT(shed.load(), 0) << "the hot SKU's queue must overflow";
  EXPECT_TRUE(retry_after_ok);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(cold_ok, cold_total) << "another SKU keeps selling";
  EXPECT_EQ(reads_ok, reads_total) << "reads keep answering";
  auto final_stock = admin.get("/v1/products/HOT").json()["stock"].get<int>();
  EXPECT_EQ(created.load(), stock - final_stock) << "no oversell, no loss";
  auto text = admin.get("/metrics").body;
  EXPECT_NE(text.find("doorbuster_purchases_overloaded_total "
                      + std::to_string(shed.load())),
            std::string::npos);
}

TEST(protection, late_requests_get_504_and_are_never_half_applied) {
  constexpr int stock = 1000000;
  // Group commits wait 0.5 ms, so a durable purchase takes about as long
  // as the 1 ms deadline: some are answered, some are late, whatever the
  // machine's speed.
  node_process node{{"--demo.products=0", "--http.request-timeout-ms=1",
                     "--scheduler.max-threads=1",
                     "--persistence.group-commit-delay-us=500"}};
  http_client admin{node.port()};
  // With a 1 ms deadline even this set-up and the read-back may be answered
  // 504 (the first write waits for the journal's first segment); they are
  // retried for a while, the purchases are not.
  auto until_ok = [](auto call) {
    unsigned last = 0;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (std::chrono::steady_clock::now() < give_up) {
      auto res = call();
      if (res.status / 100 == 2)
        return res;
      last = res.status;
    }
    ADD_FAILURE() << "no 2xx answer in 10 s (last " << last << ")";
    return reply{};
  };
  until_ok([&] {
    return admin.admin(verb::put, "/v1/admin/products/LATE",
                       product_body(stock));
  });
  std::atomic<int> created{0}, late{0}, other{0};
  std::vector<std::thread> buyers;
  for (int t = 0; t < 32; ++t)
    buyers.emplace_back([&] {
      http_client c{node.port()};
      for (int i = 0; i < 50; ++i) {
        auto res = c.request(verb::post, "/v1/products/LATE/purchase",
                             one_unit);
        if (res.status == 201)
          ++created;
        else if (res.status == 504 && res.error_code() == "deadline_exceeded")
          ++late;
        else
          ++other;
      }
    });
  for (auto& b : buyers)
    b.join();
  // Wait until every purchase that was taken up is durable and visible.
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  auto page = until_ok([&] { return admin.get("/v1/products/LATE"); });
  ASSERT_EQ(page.status, 200u);
  auto sold = stock - page.json()["stock"].get<int>();
  EXPECT_GT(late.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GE(sold, created.load()) << "every 201 was applied";
  EXPECT_LE(sold, created.load() + late.load())
    << "a late request is applied whole or not at all";
}

TEST(protection, slow_clients_are_cut_off_while_others_are_served) {
  node_process node{{"--demo.products=10", "--http.header-timeout-ms=700"}};
  std::atomic<int> closed{0};
  std::vector<std::thread> slow;
  for (int i = 0; i < 20; ++i)
    slow.emplace_back([&] {
      // One byte of the request head every 100 ms: a slowloris.
      boost::asio::io_context ioc;
      boost::asio::ip::tcp::socket s{ioc};
      s.connect({boost::asio::ip::make_address("127.0.0.1"), node.port()});
      std::string head = "GET /v1/products/SKU-000001 HTTP/1.1\r\nHost: x\r\n";
      auto start = std::chrono::steady_clock::now();
      for (char ch : head) {
        boost::system::error_code ec;
        s.write_some(boost::asio::buffer(&ch, 1), ec);
        char sink[64];
        s.non_blocking(true);
        auto n = s.read_some(boost::asio::buffer(sink), ec);
        if (ec == boost::asio::error::eof || (n == 0 && !ec)
            || (ec && ec != boost::asio::error::would_block)) {
          if (std::chrono::steady_clock::now() - start
              < std::chrono::seconds{3})
            ++closed;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
      }
    });
  http_client client{node.port()};
  int ok = 0;
  for (int i = 0; i < 200; ++i)
    ok += client.get("/v1/products/SKU-000002").status == 200;
  for (auto& t : slow)
    t.join();
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(closed.load(), 20) << "every slow connection is closed";
}

TEST(protection, metrics_parse_strictly_and_move_with_requests) {
  node_process node{{"--demo.products=10"}};
  http_client client{node.port()};
  client.get("/v1/products/SKU-000001");
  client.get("/v1/products/NOPE");
  auto text = client.get("/metrics").body;
  EXPECT_EQ(check_metrics(text), 0) << text;
  for (auto needle :
       {"doorbuster_http_request_duration_seconds_bucket{route=\"product\"",
        "doorbuster_catalog_lookups_total{result=\"miss\"} 1",
        "doorbuster_catalog_products 10", "doorbuster_journal_appends_total",
        "doorbuster_writebehind_lag_records", "doorbuster_shard_queue_depth",
        "doorbuster_http_open_connections 1"})
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
}

TEST(protection, request_ids_cache_headers_and_logging_switch) {
  node_process node{{"--demo.products=10", "--http.cache-max-age-s=2"}};
  http_client client{node.port()};
  auto page = client.get("/v1/products/SKU-000001");
  EXPECT_EQ(page.header("Cache-Control"), "public, max-age=2");
  EXPECT_FALSE(page.header("X-Request-Id").empty());
  auto missing = client.get("/v1/products/NOPE", {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(missing.header("X-Request-Id"), "trace-42");
  EXPECT_EQ(missing.json()["error"]["request_id"], "trace-42");
  EXPECT_EQ(missing.error_code(), "unknown_sku");
  auto on = client.admin(verb::put, "/v1/admin/logging",
                         R"({"access_log":true,"level":"debug"})");
  EXPECT_EQ(on.status, 200u) << on.body;
  EXPECT_EQ(on.json()["access_log"], true);
  EXPECT_EQ(on.json()["level"], "debug");
  auto bad = client.admin(verb::put, "/v1/admin/logging", R"({"level":"loud"})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(client.request(verb::put, "/v1/admin/logging", "{}").status, 401u);
}

} // namespace
} // namespace doorbuster::testing
