// Bad input of every kind: a precise 4xx JSON error, counted in /metrics,
// and no change of state. The node must survive all of it.
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

class errors_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    node = std::make_unique<node_process>(std::vector<std::string>{
      "--demo.products=0", "--products.shards=4", "--products.max-quantity=10",
      "--http.max-body-bytes=1024", "--http.max-header-bytes=2048",
      "--http.idle-timeout-ms=700", "--http.header-timeout-ms=700"});
    http_client c{node->port()};
    auto res = c.admin(verb::put, "/v1/admin/products/ERR-1",
                       R"({"name":"Mug","description":"d","category":"c",)"
                       R"("price":5,"currency":"USD","stock":20})");
    ASSERT_EQ(res.status, 201u);
  }
  static void TearDownTestSuite() { node.reset(); }

  void SetUp() override { before = client.get("/v1/products/ERR-1").body; }

  void TearDown() override {
    EXPECT_EQ(client.get("/v1/products/ERR-1").body, before)
      << "a refused request must leave state untouched";
  }

  reply buy(const std::string& body) {
    return client.request(verb::post, "/v1/products/ERR-1/purchase", body);
  }

  void expect_error(const reply& res, unsigned status,
                    const std::string& code) {
    EXPECT_EQ(res.status, status) << res.body;
    ASSERT_NO_THROW(res.json()) << res.body;
    EXPECT_EQ(res.error_code(), code) << res.body;
    EXPECT_FALSE(res.json()["error"]["message"].get<std::string>().empty());
  }

  static inline std::unique_ptr<node_process> node;
  http_client client{node->port()};
  std::string before;
};

TEST_F(errors_test, malformed_json_is_400) {
  expect_error(buy("{\"quantity\":"), 400, "malformed_json");
  expect_error(buy("[]"), 400, "malformed_json");
  expect_error(buy(""), 400, "malformed_json");
}

TEST_F(errors_test, wrong_types_and_missing_fields_are_400) {
  expect_error(buy(R"({"quantity":"2","customer_id":"c"})"), 400,
               "invalid_quantity");
  expect_error(buy(R"({"quantity":2,"customer_id":["c"]})"), 400,
               "invalid_field");
  expect_error(buy(R"({"customer_id":"c"})"), 400, "missing_field");
  expect_error(buy(R"({"quantity":2,"customer_id":"c","coupon":1})"), 400,
               "unknown_field");
}

TEST_F(errors_test, quantities_out_of_range_are_400) {
  for (auto q : {"0", "-1", "11", "1.5", "1e1", "18446744073709551616",
                 "-9223372036854775809"})
    expect_error(buy(std::string{R"({"quantity":)"} + q
                     + R"(,"customer_id":"c"})"),
                 400, "invalid_quantity");
}

TEST_F(errors_test, unknown_sku_is_404) {
  auto res = client.request(verb::post, "/v1/products/NOPE/purchase",
                            R"({"quantity":1,"customer_id":"c"})");
  expect_error(res, 404, "unknown_sku");
}

TEST_F(errors_test, oversized_body_is_413) {
  std::string body = R"({"quantity":1,"customer_id":")"
                     + std::string(2000, 'x') + "\"}";
  expect_error(buy(body), 413, "body_too_large");
}

TEST_F(errors_test, oversized_header_is_431) {
  auto res = client.get("/v1/products/ERR-1",
                        {{"X-Filler", std::string(4000, 'h')}});
  expect_error(res, 431, "headers_too_large");
}

TEST_F(errors_test, unknown_path_is_404_and_wrong_method_405_with_allow) {
  expect_error(client.get("/v2/nothing"), 404, "not_found");
  auto res = client.get("/v1/products/ERR-1/purchase");
  expect_error(res, 405, "method_not_allowed");
  EXPECT_EQ(res.header("Allow"), "POST");
  auto admin = client.request(verb::delete_, "/v1/admin/products/ERR-1");
  expect_error(admin, 405, "method_not_allowed");
  EXPECT_EQ(admin.header("Allow"), "PUT, PATCH");
}

TEST_F(errors_test, admin_without_or_with_wrong_token_is_401) {
  auto body = R"({"stock":0})";
  expect_error(client.request(verb::patch, "/v1/admin/products/ERR-1", body),
               401, "unauthorized");
  expect_error(client.request(verb::patch, "/v1/admin/products/ERR-1", body,
                              {{"Authorization", "Bearer wrong"}}),
               401, "unauthorized");
  expect_error(client.request(verb::post, "/v1/admin/products:bulk", "",
                              {{"Authorization", "test-admin-token"}}),
               401, "unauthorized");
}

TEST_F(errors_test, admin_field_errors_are_400) {
  expect_error(client.admin(verb::patch, "/v1/admin/products/ERR-1",
                            R"({"stock":1,"stock_delta":1})"),
               400, "invalid_field");
  expect_error(client.admin(verb::patch, "/v1/admin/products/ERR-1",
                            R"({"price":-5})"),
               400, "invalid_field");
  expect_error(client.admin(verb::put, "/v1/admin/products/ERR-1",
                            R"({"name":"x"})"),
               400, "missing_field");
  expect_error(client.admin(verb::patch, "/v1/admin/products/ERR-1",
                            R"({"stock_delta":99999999999999999999})"),
               400, "invalid_field");
}

TEST_F(errors_test, malformed_http_is_400_and_the_node_keeps_serving) {
  auto answer = raw_exchange(node->port(), "GARBAGE\r\n\r\n");
  EXPECT_NE(answer.find("400 Bad Request"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"bad_request\""), std::string::npos) << answer;
  auto binary = raw_exchange(node->port(), std::string("\x00\xff\x13\n\n", 5));
  EXPECT_EQ(client.get("/healthz").status, 200u);
}

TEST_F(errors_test, slow_or_silent_clients_are_disconnected) {
  // Half a request head, then silence (header timeout), and a connection
  // that sends nothing (idle timeout): the server hangs up by itself.
  for (std::string bytes : {"GET /healthz HTTP/1.1\r\nHo", ""}) {
    auto start = std::chrono::steady_clock::now();
    auto answer = raw_exchange(node->port(), bytes, 5000);
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(answer, "") << bytes;
    EXPECT_LT(waited, std::chrono::milliseconds{4000}) << bytes;
  }
  EXPECT_EQ(client.get("/healthz").status, 200u);
}

TEST_F(errors_test, refused_requests_are_counted_in_metrics) {
  auto count = [&](const std::string& code) {
    return metric_sample(client.get("/metrics").body,
                         "doorbuster_http_errors_total{code=\"" + code
                           + "\"}")
      .value_or(0);
  };
  auto before_count = count("malformed_json");
  buy("{");
  buy("nope");
  EXPECT_EQ(count("malformed_json"), before_count + 2);
}

} // namespace
} // namespace doorbuster::testing
