// Reservations, multi-item orders, limits and sale windows against a real
// node over loopback HTTP: lifecycle, expiry by timer, restart with live
// reservations, and every bad input.
#include "support/http_client.hpp"
#include "support/node_process.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;
using nlohmann::json;

class checkout_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    node = std::make_unique<node_process>(std::vector<std::string>{
      "--demo.products=0", "--products.shards=16", "--checkout.max-ttl-s=60",
      "--checkout.default-ttl-s=30"});
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(node->stop(), 0);
    node.reset();
  }

  /// A fresh product with `stock` units; its SKU is unique per call.
  std::string make_product(int64_t stock, const std::string& rules = {}) {
    auto sku = "C-" + std::to_string(++counter);
    auto put = client.admin(verb::put, "/v1/admin/products/" + sku,
                            R"({"name":"Item","description":"d",)"
                            R"("category":"c","price":500,"currency":"USD",)"
                            R"("stock":)" + std::to_string(stock) + "}");
    EXPECT_EQ(put.status, 201u) << put.body;
    if (!rules.empty())
      EXPECT_EQ(
        client.admin(verb::patch, "/v1/admin/products/" + sku, rules).status,
        200u);
    return sku;
  }

  json product(const std::string& sku) {
    return client.get("/v1/products/" + sku).json();
  }

  reply reserve(const std::string& customer, const std::vector<json>& items,
                int ttl_s = 30,
                std::map<std::string, std::string> headers = {}) {
    json body{{"customer_id", customer}, {"items", json(items)},
              {"ttl_seconds", ttl_s}};
    return client.request(verb::post, "/v1/reservations", body.dump(),
                          headers);
  }

  reply on(const std::string& id, const std::string& action,
           const std::string& body = {},
           std::map<std::string, std::string> headers = {}) {
    return client.request(verb::post,
                          "/v1/reservations/" + id + "/" + action, body,
                          headers);
  }

  static json line(const std::string& sku, int64_t quantity) {
    return {{"sku", sku}, {"quantity", quantity}};
  }

  static inline std::unique_ptr<node_process> node;
  static inline int counter = 0;
  http_client client{node->port()};
};

TEST_F(checkout_test, reservation_holds_units_until_confirmed) {
  auto a = make_product(10);
  auto b = make_product(5);
  auto res = reserve("alice", {line(b, 2), line(a, 3)});
  ASSERT_EQ(res.status, 201u) << res.body;
  auto r = res.json();
  auto id = r["reservation_id"].get<std::string>();
  EXPECT_EQ(r["status"], "held");
  EXPECT_EQ(res.header("Location"), "/v1/reservations/" + id);
  EXPECT_EQ(r["items"].size(), 2u);
  EXPECT_EQ(product(a)["stock"], 10);
  EXPECT_EQ(product(a)["reserved"], 3);
  EXPECT_EQ(product(a)["available"], 7);
  EXPECT_EQ(product(b)["available"], 3);
  EXPECT_EQ(client.get("/v1/reservations/" + id).json()["status"], "held");

  auto confirm = on(id, "confirm", "", {{"Idempotency-Key", "pay-1"}});
  ASSERT_EQ(confirm.status, 201u) << confirm.body;
  auto orders = confirm.json()["orders"];
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_NE(orders[0]["order_id"], orders[1]["order_id"]);
  EXPECT_EQ(product(a)["stock"], 7);
  EXPECT_EQ(product(a)["reserved"], 0);
  EXPECT_EQ(product(b)["stock"], 3);

  // Confirming twice: the same key gets the first answer, others a 409.
  auto again = on(id, "confirm", "", {{"Idempotency-Key", "pay-1"}});
  EXPECT_EQ(again.status, 201u);
  EXPECT_EQ(again.json()["orders"], orders);
  auto twice = on(id, "confirm");
  EXPECT_EQ(twice.status, 409u);
  EXPECT_EQ(twice.error_code(), "reservation_confirmed");
  EXPECT_EQ(product(a)["stock"], 7) << "nothing sold twice";
}

TEST_F(checkout_test, cancel_returns_units_once) {
  auto a = make_product(4);
  auto id = reserve("bob", {line(a, 4)}).json()["reservation_id"]
              .get<std::string>();
  EXPECT_EQ(product(a)["available"], 0);
  auto cancel = client.request(verb::delete_, "/v1/reservations/" + id);
  EXPECT_EQ(cancel.status, 204u);
  EXPECT_TRUE(cancel.body.empty());
  EXPECT_EQ(product(a)["available"], 4);
  EXPECT_EQ(client.request(verb::delete_, "/v1/reservations/" + id)
              .error_code(),
            "reservation_cancelled");
  EXPECT_EQ(on(id, "confirm").error_code(), "reservation_cancelled");
  EXPECT_EQ(product(a)["stock"], 4);
}

TEST_F(checkout_test, expiry_releases_units_by_timer_and_confirm_gets_410) {
  auto a = make_product(3);
  auto id = reserve("carol", {line(a, 2)}, 1).json()["reservation_id"]
              .get<std::string>();
  EXPECT_EQ(product(a)["reserved"], 2);
  // No request touches the reservation: the product actor's timer acts.
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  EXPECT_EQ(product(a)["reserved"], 0);
  EXPECT_EQ(product(a)["available"], 3);
  auto late = on(id, "confirm");
  EXPECT_EQ(late.status, 410u);
  EXPECT_EQ(late.error_code(), "reservation_expired");
  EXPECT_EQ(client.get("/v1/reservations/" + id).json()["status"], "expired");
  EXPECT_EQ(product(a)["stock"], 3);
}

TEST_F(checkout_test, extend_moves_expiry_within_the_maximum_ttl) {
  auto a = make_product(3);
  auto made = reserve("dan", {line(a, 1)}, 1).json();
  auto id = made["reservation_id"].get<std::string>();
  auto longer = on(id, "extend", R"({"ttl_seconds":20})");
  ASSERT_EQ(longer.status, 200u) << longer.body;
  EXPECT_GT(longer.json()["expires_at"].get<std::string>(),
            made["expires_at"].get<std::string>());
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  EXPECT_EQ(product(a)["reserved"], 1) << "the first expiry no longer holds";
  // The node's maximum is 60 s from creation.
  auto too_long = on(id, "extend", R"({"ttl_seconds":60})");
  EXPECT_EQ(too_long.status, 400u);
  EXPECT_EQ(too_long.error_code(), "ttl_out_of_range");
  EXPECT_EQ(on(id, "extend", R"({"ttl_seconds":0})").error_code(),
            "ttl_out_of_range");
  EXPECT_EQ(on(id, "extend", R"({})").error_code(), "missing_field");
  EXPECT_EQ(on(id, "confirm").status, 201u);
}

TEST_F(checkout_test, order_sells_every_line_or_none) {
  auto a = make_product(5);
  auto b = make_product(1);
  json body{{"customer_id", "erin"},
            {"items", json::array({line(a, 2), line(b, 2)})}};
  auto refused = client.request(verb::post, "/v1/orders", body.dump());
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(refused.error_code(), "insufficient_stock");
  EXPECT_EQ(refused.json()["error"]["sku"], b);
  EXPECT_EQ(refused.json()["error"]["available"], 1);
  EXPECT_EQ(product(a)["available"], 5) << "the held line was released";
  EXPECT_EQ(product(a)["stock"], 5);

  body["items"] = json::array({line(a, 2), line(b, 1)});
  auto ok = client.request(verb::post, "/v1/orders", body.dump(),
                           {{"Idempotency-Key", "order-1"}});
  ASSERT_EQ(ok.status, 201u) << ok.body;
  EXPECT_EQ(ok.json()["orders"].size(), 2u);
  EXPECT_EQ(ok.json()["status"], "confirmed");
  EXPECT_EQ(product(a)["stock"], 3);
  EXPECT_EQ(product(b)["stock"], 0);
  auto replay = client.request(verb::post, "/v1/orders", body.dump(),
                               {{"Idempotency-Key", "order-1"}});
  EXPECT_EQ(replay.status, 201u);
  EXPECT_EQ(replay.json()["orders"], ok.json()["orders"]);
  EXPECT_EQ(product(a)["stock"], 3) << "a replay sells nothing";
  body["items"] = json::array({line(a, 1)});
  EXPECT_EQ(client
              .request(verb::post, "/v1/orders", body.dump(),
                       {{"Idempotency-Key", "order-1"}})
              .error_code(),
            "idempotency_key_reused");
}

TEST_F(checkout_test, bad_checkouts_are_refused_and_hold_nothing) {
  auto a = make_product(5);
  auto expect = [&](const std::string& body, unsigned status,
                    const std::string& code) {
    auto res = client.request(verb::post, "/v1/reservations", body);
    EXPECT_EQ(res.status, status) << body << " -> " << res.body;
    EXPECT_EQ(res.error_code(), code) << body;
  };
  auto with = [&](const std::vector<json>& items, int ttl = 30) {
    return json{{"customer_id", "x"}, {"items", json(items)},
                {"ttl_seconds", ttl}}
      .dump();
  };
  expect(with({}), 400, "invalid_field");
  expect(with({line(a, 1), line(a, 2)}), 400, "duplicate_sku");
  expect(with({line(a, 0)}), 400, "invalid_quantity");
  expect(with({line(a, -3)}), 400, "invalid_quantity");
  expect(with({line(a, 1)}, 0), 400, "ttl_out_of_range");
  expect(with({line(a, 1)}, 61), 400, "ttl_out_of_range");
  expect(with({json{{"sku", a}}}), 400, "missing_field");
  expect(with({json{{"sku", a}, {"quantity", 1}, {"x", 1}}}), 400,
         "unknown_field");
  expect(with({line("bad sku!", 1)}), 400, "invalid_field");
  expect(R"({"customer_id":"x","items":"many"})", 400, "invalid_field");
  expect(R"({"items":[]})", 400, "missing_field");
  expect("{not json", 400, "malformed_json");
  // One unknown SKU fails the whole reservation; nothing stays held.
  expect(with({line(a, 1), line("ZZ-UNKNOWN", 1)}), 404, "unknown_sku");
  EXPECT_EQ(product(a)["reserved"], 0);
  EXPECT_EQ(product(a)["available"], 5);

  for (auto path : {"/v1/reservations/123456789", "/v1/reservations/abc"}) {
    auto res = client.get(path);
    EXPECT_EQ(res.status, 404u) << path;
    EXPECT_EQ(res.error_code(), "unknown_reservation") << path;
  }
  auto id = reserve("x", {line(a, 1)}).json()["reservation_id"]
              .get<std::string>();
  EXPECT_EQ(on(id, "confirm", R"({"force":true})").error_code(),
            "unknown_field");
  EXPECT_EQ(on(id, "nothing").status, 404u);
  EXPECT_EQ(client.request(verb::put, "/v1/reservations/" + id).status, 405u);
  EXPECT_EQ(product(a)["reserved"], 1);
}

TEST_F(checkout_test, limits_count_orders_and_live_reservations) {
  auto a = make_product(100, R"({"max_per_customer":3,"max_per_order":2})");
  auto view = product(a);
  EXPECT_EQ(view["max_per_customer"], 3);
  EXPECT_EQ(view["max_per_order"], 2);
  auto big = reserve("fay", {line(a, 3)});
  EXPECT_EQ(big.status, 409u);
  EXPECT_EQ(big.error_code(), "limit_exceeded");
  EXPECT_EQ(big.json()["error"]["remaining_allowance"], 2);
  ASSERT_EQ(reserve("fay", {line(a, 2)}).status, 201u);
  auto buy = client.request(verb::post, "/v1/products/" + a + "/purchase",
                            R"({"quantity":2,"customer_id":"fay"})");
  EXPECT_EQ(buy.status, 409u);
  EXPECT_EQ(buy.json()["error"]["remaining_allowance"], 1);
  EXPECT_EQ(client
              .request(verb::post, "/v1/products/" + a + "/purchase",
                       R"({"quantity":1,"customer_id":"fay"})")
              .status,
            201u);
  EXPECT_EQ(reserve("fay", {line(a, 1)}).error_code(), "limit_exceeded");
  EXPECT_EQ(reserve("gus", {line(a, 2)}).status, 201u)
    << "limits are per customer";
  EXPECT_EQ(product(a)["stock"], 99);
  EXPECT_EQ(product(a)["reserved"], 4);
}

TEST_F(checkout_test, pause_and_sale_window_refuse_sales_but_not_reads) {
  auto a = make_product(10);
  auto id = reserve("hal", {line(a, 1)}).json()["reservation_id"]
              .get<std::string>();
  ASSERT_EQ(client
              .admin(verb::patch, "/v1/admin/products/" + a,
                     R"({"paused":true})")
              .status,
            200u);
  auto buy = [&] {
    return client.request(verb::post, "/v1/products/" + a + "/purchase",
                          R"({"quantity":1,"customer_id":"hal"})");
  };
  EXPECT_EQ(buy().status, 409u);
  EXPECT_EQ(buy().error_code(), "not_on_sale");
  EXPECT_EQ(reserve("hal", {line(a, 1)}).error_code(), "not_on_sale");
  EXPECT_EQ(on(id, "confirm").error_code(), "not_on_sale")
    << "confirms wait for the resume; the hold stays";
  auto view = client.get("/v1/products/" + a);
  EXPECT_EQ(view.status, 200u);
  EXPECT_EQ(view.json()["paused"], true);
  EXPECT_EQ(view.json()["reserved"], 1);
  client.admin(verb::patch, "/v1/admin/products/" + a, R"({"paused":false})");
  EXPECT_EQ(on(id, "confirm").status, 201u);
  EXPECT_EQ(buy().status, 201u);

  ASSERT_EQ(client
              .admin(verb::patch, "/v1/admin/products/" + a,
                     R"({"sale_starts_at":"2099-11-27T08:00:00Z",)"
                     R"("sale_ends_at":"2099-11-28T08:00:00Z"})")
              .status,
            200u);
  EXPECT_EQ(product(a)["sale_starts_at"], "2099-11-27T08:00:00.000Z");
  EXPECT_EQ(buy().error_code(), "not_on_sale");
  EXPECT_EQ(client
              .admin(verb::patch, "/v1/admin/products/" + a,
                     R"({"sale_starts_at":"soon"})")
              .error_code(),
            "invalid_field");
  EXPECT_EQ(client
              .admin(verb::patch, "/v1/admin/products/" + a,
                     R"({"sale_starts_at":null,"sale_ends_at":null})")
              .status,
            200u);
  EXPECT_EQ(buy().status, 201u);
  EXPECT_EQ(product(a)["stock"], 7);
}

TEST(checkout_restart, live_reservations_survive_and_expire_on_time) {
  auto data = make_temp_dir("doorbuster-checkout");
  std::string keep, lapse, sold, sku = "R-1";
  reply first_order;
  auto order_body = json{{"customer_id", "ivy"},
                         {"items", json::array({{{"sku", sku},
                                                 {"quantity", 1}}})}}
                      .dump();
  {
    node_process node{{"--demo.products=0"}, data};
    http_client client{node.port()};
    ASSERT_EQ(client
                .admin(verb::put, "/v1/admin/products/" + sku,
                       R"({"name":"n","description":"d","category":"c",)"
                       R"("price":1,"currency":"USD","stock":10})")
                .status,
              201u);
    auto made = [&](int qty, int ttl) {
      json body{{"customer_id", "ivy"},
                {"items", json::array({{{"sku", sku}, {"quantity", qty}}})},
                {"ttl_seconds", ttl}};
      return client.request(verb::post, "/v1/reservations", body.dump())
        .json()["reservation_id"]
        .get<std::string>();
    };
    keep = made(3, 120);
    lapse = made(2, 3);
    sold = made(1, 120);
    ASSERT_EQ(client
                .request(verb::post, "/v1/reservations/" + sold + "/confirm")
                .status,
              201u);
    first_order = client.request(verb::post, "/v1/orders", order_body,
                                 {{"Idempotency-Key", "restart-order"}});
    ASSERT_EQ(first_order.status, 201u) << first_order.body;
    node.kill_hard(); // no orderly shutdown
  }
  node_process node{{"--demo.products=0"}, data};
  http_client client{node.port()};
  EXPECT_EQ(client.get("/v1/products/" + sku).json()["reserved"], 5);
  EXPECT_EQ(client.get("/v1/products/" + sku).json()["stock"], 8);
  // Sold checkouts are remembered: a retried order is answered, not sold
  // again, and a second confirm is refused.
  auto retried = client.request(verb::post, "/v1/orders", order_body,
                                {{"Idempotency-Key", "restart-order"}});
  EXPECT_EQ(retried.status, 201u);
  EXPECT_EQ(retried.json()["orders"], first_order.json()["orders"]);
  EXPECT_EQ(client.get("/v1/products/" + sku).json()["stock"], 8);
  EXPECT_EQ(client.request(verb::post, "/v1/reservations/" + sold + "/confirm")
              .error_code(),
            "reservation_confirmed");
  EXPECT_EQ(client.get("/v1/reservations/" + sold).json()["status"],
            "confirmed");
  EXPECT_EQ(client.get("/v1/reservations/" + keep).json()["status"], "held");
  std::this_thread::sleep_for(std::chrono::milliseconds{3500});
  EXPECT_EQ(client.get("/v1/products/" + sku).json()["reserved"], 3)
    << "the short reservation expired on time after the restart";
  auto confirm = client.request(verb::post,
                                "/v1/reservations/" + keep + "/confirm");
  EXPECT_EQ(confirm.status, 201u) << confirm.body;
  auto p = client.get("/v1/products/" + sku).json();
  EXPECT_EQ(p["stock"], 5);
  EXPECT_EQ(p["reserved"], 0);
  EXPECT_EQ(node.stop(), 0);
  std::filesystem::remove_all(data);
}

} // namespace
} // namespace doorbuster::testing
