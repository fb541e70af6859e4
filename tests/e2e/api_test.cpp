// Every endpoint of the JSON API against a real node over loopback HTTP.
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"
#include "support/read_file.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>

#ifndef DOORBUSTER_VERSION
#define DOORBUSTER_VERSION "0.0.0"
#endif

namespace doorbuster::testing {
namespace {

using bhttp::verb;

const std::string lamp = R"({"name":"Desk Lamp","description":"Bright",)"
                         R"("category":"lighting","price":2599,)"
                         R"("currency":"EUR","stock":5})";

class api_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    node = std::make_unique<node_process>(std::vector<std::string>{
      "--demo.products=200", "--demo.categories=5", "--products.shards=16"});
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(node->stop(), 0) << "SIGTERM must end the node cleanly";
    node.reset();
  }

  static inline std::unique_ptr<node_process> node;
  http_client client{node->port()};
};

TEST_F(api_test, health_and_readiness_answer_ok) {
  EXPECT_EQ(client.get("/healthz").status, 200u);
  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_TRUE(ready.json()["ready"].get<bool>());
}

TEST_F(api_test, serves_the_openapi_document_of_this_version) {
  auto res = client.get("/openapi.yaml");
  ASSERT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("Content-Type"), "application/yaml");
  auto file = read_file(DOORBUSTER_OPENAPI);
  EXPECT_EQ(res.body, file) << "the node serves the document it was built with";
  // The document's version is the project's (CMakeLists.txt).
  EXPECT_NE(file.find("\n  version: " DOORBUSTER_VERSION "\n"),
            std::string::npos)
    << "api/openapi.yaml's info.version differs from " DOORBUSTER_VERSION;
}

TEST_F(api_test, product_page_has_every_field_and_an_etag) {
  auto res = client.get("/v1/products/SKU-000007");
  ASSERT_EQ(res.status, 200u);
  auto p = res.json();
  for (auto field : {"sku", "name", "description", "category", "price",
                     "currency", "stock", "version"})
    EXPECT_TRUE(p.contains(field)) << field;
  EXPECT_EQ(p["sku"], "SKU-000007");
  EXPECT_EQ(res.header("ETag"),
            "\"" + std::to_string(p["version"].get<int>()) + "\"");
  EXPECT_EQ(res.header("Content-Type"), "application/json");
}

TEST_F(api_test, if_none_match_with_current_etag_answers_304) {
  auto etag = client.get("/v1/products/SKU-000008").header("ETag");
  auto again = client.get("/v1/products/SKU-000008", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  auto stale = client.get("/v1/products/SKU-000008",
                          {{"If-None-Match", "\"999999\""}});
  EXPECT_EQ(stale.status, 200u);
}

TEST_F(api_test, unknown_product_is_404_unknown_sku) {
  auto res = client.get("/v1/products/NO-SUCH-SKU");
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(res.error_code(), "unknown_sku");
}

TEST_F(api_test, listing_pages_through_every_product_once) {
  std::set<std::string> seen;
  std::string target = "/v1/products?limit=37";
  for (int pages = 0; pages < 20; ++pages) {
    auto res = client.get(target);
    ASSERT_EQ(res.status, 200u) << res.body;
    auto page = res.json();
    EXPECT_LE(page["items"].size(), 37u);
    for (auto& item : page["items"])
      EXPECT_TRUE(seen.insert(item["sku"].get<std::string>()).second);
    if (page["next_cursor"].is_null())
      break;
    target = "/v1/products?limit=37&cursor="
             + page["next_cursor"].get<std::string>();
  }
  EXPECT_GE(seen.size(), 200u);
}

TEST_F(api_test, listing_defaults_to_50_and_caps_limit_at_500) {
  auto page = client.get("/v1/products").json();
  EXPECT_EQ(page["items"].size(), 50u);
  EXPECT_EQ(client.get("/v1/products?limit=500").status, 200u);
  auto over = client.get("/v1/products?limit=501");
  EXPECT_EQ(over.status, 400u);
  EXPECT_EQ(over.error_code(), "invalid_parameter");
  EXPECT_EQ(client.get("/v1/products?limit=abc").status, 400u);
  EXPECT_EQ(client.get("/v1/products?cursor=zz").error_code(),
            "invalid_cursor");
}

TEST_F(api_test, listing_filters_by_category_and_searches_names) {
  auto cats = client.get("/v1/categories").json();
  ASSERT_FALSE(cats.empty());
  std::string category = cats[0]["name"];
  auto page = client.get("/v1/products?limit=500&category=" + category).json();
  EXPECT_EQ(page["items"].size(), cats[0]["count"].get<size_t>());
  for (auto& item : page["items"])
    EXPECT_EQ(item["category"], category);
  auto name = client.get("/v1/products/SKU-000010").json()["name"]
                .get<std::string>();
  auto word = name.substr(0, name.find(' '));
  for (auto& c : word)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto found = client.get("/v1/products?limit=500&q=" + word).json();
  bool has_10 = false;
  for (auto& item : found["items"])
    has_10 = has_10 || item["sku"] == "SKU-000010";
  EXPECT_TRUE(has_10) << "case-insensitive search for " << word;
}

TEST_F(api_test, categories_count_every_product) {
  auto res = client.get("/v1/categories");
  ASSERT_EQ(res.status, 200u);
  size_t total = 0;
  for (auto& c : res.json())
    total += c["count"].get<size_t>();
  EXPECT_GE(total, 200u);
}

TEST_F(api_test, purchase_answers_201_and_next_read_shows_new_stock) {
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/BUY-1", lamp).status,
            201u);
  auto res = client.request(verb::post, "/v1/products/BUY-1/purchase",
                            R"({"quantity":2,"customer_id":"alice"})");
  ASSERT_EQ(res.status, 201u) << res.body;
  auto order = res.json();
  EXPECT_EQ(order["sku"], "BUY-1");
  EXPECT_EQ(order["quantity"], 2);
  EXPECT_EQ(order["remaining"], 3);
  EXPECT_TRUE(order["order_id"].is_number_unsigned());
  // Read-after-write on the same node: the very next GET sees it.
  auto page = client.get("/v1/products/BUY-1").json();
  EXPECT_EQ(page["stock"], 3);
  EXPECT_EQ(page["version"], 2);
}

TEST_F(api_test, purchase_beyond_stock_is_409_with_available) {
  client.admin(verb::put, "/v1/admin/products/BUY-2", lamp);
  auto res = client.request(verb::post, "/v1/products/BUY-2/purchase",
                            R"({"quantity":6,"customer_id":"bob"})");
  EXPECT_EQ(res.status, 409u);
  EXPECT_EQ(res.error_code(), "insufficient_stock");
  EXPECT_EQ(res.json()["error"]["available"], 5);
  EXPECT_EQ(client.get("/v1/products/BUY-2").json()["stock"], 5);
}

TEST_F(api_test, idempotency_key_replays_and_refuses_a_different_body) {
  client.admin(verb::put, "/v1/admin/products/BUY-3", lamp);
  auto body = R"({"quantity":1,"customer_id":"carol"})";
  auto first = client.request(verb::post, "/v1/products/BUY-3/purchase", body,
                              {{"Idempotency-Key", "k-1"}});
  auto again = client.request(verb::post, "/v1/products/BUY-3/purchase", body,
                              {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201u);
  EXPECT_EQ(again.status, 201u);
  EXPECT_EQ(first.body, again.body);
  auto other = client.request(verb::post, "/v1/products/BUY-3/purchase",
                              R"({"quantity":2,"customer_id":"carol"})",
                              {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(other.status, 422u);
  EXPECT_EQ(other.error_code(), "idempotency_key_reused");
  EXPECT_EQ(client.get("/v1/products/BUY-3").json()["stock"], 4);
}

TEST_F(api_test, admin_put_creates_then_replaces) {
  auto created = client.admin(verb::put, "/v1/admin/products/ADM-1", lamp);
  EXPECT_EQ(created.status, 201u);
  EXPECT_EQ(created.json()["name"], "Desk Lamp");
  auto replaced = client.admin(
    verb::put, "/v1/admin/products/ADM-1",
    R"({"name":"Floor Lamp","description":"Tall","category":"lighting",)"
    R"("price":9900,"currency":"EUR","stock":1})");
  EXPECT_EQ(replaced.status, 200u);
  auto page = client.get("/v1/products/ADM-1").json();
  EXPECT_EQ(page["name"], "Floor Lamp");
  EXPECT_EQ(page["price"], 9900);
  EXPECT_EQ(page["version"], 2);
}

TEST_F(api_test, admin_patch_changes_fields_and_adjusts_stock) {
  client.admin(verb::put, "/v1/admin/products/ADM-2", lamp);
  auto res = client.admin(verb::patch, "/v1/admin/products/ADM-2",
                          R"({"price":100,"stock_delta":10})");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json()["stock"], 15);
  EXPECT_EQ(res.json()["price"], 100);
  auto below = client.admin(verb::patch, "/v1/admin/products/ADM-2",
                            R"({"stock_delta":-16})");
  EXPECT_EQ(below.status, 409u);
  EXPECT_EQ(below.error_code(), "insufficient_stock");
  auto unknown = client.admin(verb::patch, "/v1/admin/products/ADM-404",
                              R"({"stock":1})");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(client.get("/v1/products/ADM-2").json()["stock"], 15);
}

TEST_F(api_test, bulk_load_reports_loaded_count_and_rejected_lines) {
  std::string ndjson
    = R"({"sku":"BULK-1","name":"A","description":"d","category":"bulk","price":1,"currency":"USD","stock":1})"
      "\n"
      R"({"sku":"BULK-2","name":"B"})"
      "\n\n"
      R"({"sku":"BULK-3","name":"C","description":"d","category":"bulk","price":1,"currency":"USD","stock":3})"
      "\n"
      "not json\n";
  auto counted = [&](const std::string& code) -> int64_t {
    return metric_sample(client.get("/metrics").body,
                         "doorbuster_http_errors_total{code=\"" + code
                           + "\"}")
      .value_or(0);
  };
  auto malformed_before = counted("malformed_json");
  auto missing_before = counted("missing_field");
  auto res = client.admin(verb::post, "/v1/admin/products:bulk", ndjson);
  ASSERT_EQ(res.status, 200u) << res.body;
  auto out = res.json();
  EXPECT_EQ(out["loaded"], 2);
  ASSERT_EQ(out["rejected"].size(), 2u);
  EXPECT_EQ(out["rejected"][0]["line"], 2);
  EXPECT_EQ(out["rejected"][0]["error"]["code"], "missing_field");
  EXPECT_EQ(out["rejected"][1]["line"], 5);
  EXPECT_EQ(out["rejected"][1]["error"]["code"], "malformed_json");
  EXPECT_EQ(client.get("/v1/products/BULK-3").json()["stock"], 3);
  EXPECT_EQ(client.get("/v1/products/BULK-2").status, 404u);
  EXPECT_EQ(counted("malformed_json"), malformed_before + 1)
    << "rejected lines are counted like any refusal";
  EXPECT_EQ(counted("missing_field"), missing_before + 1);
}

TEST(bulk_load, outlives_the_request_timeout_of_other_calls) {
  // 100 ms for any other request; a bulk load of 20,000 products takes
  // longer and still answers with its result (its deadline is the admin
  // actor's bulk timeout), instead of 504 while the load goes on.
  node_process node{{"--demo.products=0", "--http.request-timeout-ms=100"}};
  http_client client{node.port()};
  std::string ndjson;
  for (int i = 0; i < 20000; ++i)
    ndjson += R"({"sku":"LONG-)" + std::to_string(i)
              + R"(","name":"N","description":"d","category":"c","price":1,)"
                R"("currency":"USD","stock":1})" "\n";
  auto started = std::chrono::steady_clock::now();
  auto res = client.admin(verb::post, "/v1/admin/products:bulk", ndjson);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json()["loaded"], 20000);
  EXPECT_GT(took, std::chrono::milliseconds{100})
    << "the load must outlast the other calls' timeout to show anything";
}

TEST_F(api_test, keep_alive_serves_many_requests_on_one_connection) {
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(client.get("/v1/products/SKU-000001").status, 200u);
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(api_test, metrics_count_requests_by_route_and_status) {
  auto count = [&](const std::string& series) {
    return metric_sample(client.get("/metrics").body, series).value_or(0);
  };
  auto key = R"(doorbuster_http_requests_total{route="product",status="404"})";
  auto before = count(key);
  client.get("/v1/products/NOPE-1");
  client.get("/v1/products/NOPE-2");
  EXPECT_EQ(count(key), before + 2);
}

} // namespace
} // namespace doorbuster::testing
