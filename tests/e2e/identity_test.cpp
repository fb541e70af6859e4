// Who a client is, against a real node over loopback HTTP: a direct client
// is its address whatever it says of itself; behind trusted proxies it is
// the address they forward; a trusted gateway may name the customer. Rate
// limits, the per-client cap of live reservations and max_per_customer
// count that identity, so one client cannot hoard a sale.
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"

#include <gtest/gtest.h>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

const std::string tv_body = R"({"name":"TV","description":"d","category":)"
                            R"("tv","price":100,"currency":"USD","stock":100})";

std::string purchase(int n) {
  return R"({"quantity":1,"customer_id":"buyer-)" + std::to_string(n) + "\"}";
}

std::string reservation(const std::string& sku, const std::string& customer,
                        int ttl_s) {
  return R"({"customer_id":")" + customer + R"(","items":[{"sku":")" + sku
         + R"(","quantity":2}],"ttl_seconds":)" + std::to_string(ttl_s) + "}";
}

int64_t errors_counted(http_client& client, const std::string& code) {
  return metric_sample(client.get("/metrics").body,
                       "doorbuster_http_errors_total{code=\"" + code + "\"}")
    .value_or(0);
}

TEST(identity, a_direct_client_is_its_address_whatever_it_sends) {
  // The defaults: 100 purchases a minute per client, bursts of 20; no
  // trusted proxies. Rotating keys, forwarded addresses and customer ids
  // all come from one address: one budget.
  node_process node{{"--demo.products=0", "--limits.write-rate-per-min=100",
                     "--limits.write-burst=20"}};
  http_client client{node.port()};
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/ID-1", tv_body).status,
            201u);
  int created = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto n = std::to_string(i);
    auto r = client.request(verb::post, "/v1/products/ID-1/purchase",
                            purchase(i),
                            {{"X-Api-Key", "key-" + n},
                             {"X-Forwarded-For", "203.0.113." + n},
                             {"X-Real-IP", "203.0.113." + n}});
    if (r.status == 201)
      ++created;
    else if (r.status == 429)
      ++limited;
  }
  EXPECT_GE(created, 20);
  EXPECT_LE(created, 22) << "a burst of 20, refilled at 100 a minute";
  EXPECT_EQ(created + limited, 30);
  EXPECT_EQ(client.get("/v1/products/ID-1").json()["stock"], 100 - created);
  EXPECT_EQ(errors_counted(client, "rate_limited"), limited);
}

TEST(identity, behind_trusted_proxies_the_forwarded_client_counts) {
  node_process node{{"--demo.products=0", "--limits.write-rate-per-min=100",
                     "--limits.write-burst=3",
                     "--http.trusted-proxies=10.0.0.0/8, 127.0.0.1"}};
  http_client client{node.port()};
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/ID-2", tv_body).status,
            201u);
  auto buy = [&](const std::string& forwarded) {
    return client
      .request(verb::post, "/v1/products/ID-2/purchase", purchase(1),
               {{"X-Forwarded-For", forwarded}})
      .status;
  };
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(buy("198.51.100.1"), 201u);
  EXPECT_EQ(buy("198.51.100.1"), 429u);
  // The client's own X-Forwarded-For comes first; the edge proxy appends
  // what it saw, and an inner proxy (10.0.0.5) its own hop.
  EXPECT_EQ(buy("6.6.6.6, 198.51.100.1, 10.0.0.5"), 429u)
    << "a forged entry does not make a new client";
  EXPECT_EQ(buy("198.51.100.2, 10.0.0.5"), 201u) << "another client";
}

TEST(identity, a_trusted_gateway_names_the_customer) {
  node_process node{{"--demo.products=0", "--http.trusted-proxies=127.0.0.1",
                     "--http.identity-header=X-Authenticated-User"}};
  http_client client{node.port()};
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/ID-3", tv_body).status,
            201u);
  ASSERT_EQ(client
              .admin(verb::patch, "/v1/admin/products/ID-3",
                     R"({"max_per_customer":2})")
              .status,
            200u);
  const std::map<std::string, std::string> alice{
    {"X-Authenticated-User", "alice"}};
  auto buy = [&](const std::string& body) {
    return client.request(verb::post, "/v1/products/ID-3/purchase", body,
                          alice);
  };
  EXPECT_EQ(buy(R"({"quantity":1})").status, 201u)
    << "customer_id comes from the gateway";
  auto other = buy(R"({"quantity":1,"customer_id":"bob"})");
  EXPECT_EQ(other.status, 403u);
  EXPECT_EQ(other.error_code(), "customer_mismatch");
  EXPECT_EQ(buy(R"({"quantity":1,"customer_id":"alice"})").status, 201u);
  auto third = buy(R"({"quantity":1})");
  EXPECT_EQ(third.status, 409u);
  EXPECT_EQ(third.error_code(), "limit_exceeded")
    << "max_per_customer counts the authenticated customer";
  // A reservation is hers too.
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/ID-4", tv_body).status,
            201u);
  auto held = client.request(verb::post, "/v1/reservations",
                             R"({"items":[{"sku":"ID-4","quantity":1}]})",
                             alice);
  ASSERT_EQ(held.status, 201u) << held.body;
  EXPECT_EQ(held.json()["customer_id"], "alice");
  // A gateway header that is no customer id: 400, nothing applied.
  auto bad = client.request(verb::post, "/v1/products/ID-4/purchase",
                            R"({"quantity":1})",
                            {{"X-Authenticated-User", "a l i c e"}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.error_code(), "invalid_identity");
  EXPECT_EQ(errors_counted(client, "invalid_identity"), 1);
  EXPECT_EQ(client.get("/v1/products/ID-4").json()["available"], 99);
}

TEST(identity, the_gateway_header_is_not_believed_from_anyone_else) {
  // Only 127.0.0.2 is trusted; the test connects from 127.0.0.1.
  node_process node{{"--demo.products=0", "--http.trusted-proxies=127.0.0.2",
                     "--http.identity-header=X-Authenticated-User"}};
  http_client client{node.port()};
  ASSERT_EQ(client.admin(verb::put, "/v1/admin/products/ID-5", tv_body).status,
            201u);
  auto r = client.request(verb::post, "/v1/products/ID-5/purchase",
                          R"({"quantity":1})",
                          {{"X-Authenticated-User", "alice"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.error_code(), "missing_field") << "customer_id is required";
}

TEST(identity, one_client_cannot_hoard_a_sale_and_a_restart_keeps_it_so) {
  // The attack: 50 anonymous reservations, each under a fresh customer_id
  // and the longest TTL, to hold every unit of a limited product. With
  // PostgreSQL, so that the restart reads the holds back from it.
  pg_database db{shared_cluster_uri()};
  auto data = make_temp_dir("doorbuster-hoard");
  std::vector<std::string> args{"--demo.products=0",
                                "--persistence.pg-uri=" + db.uri(),
                                "--http.trusted-proxies=127.0.0.1",
                                "--checkout.max-holds-per-client=4"};
  const std::map<std::string, std::string> bot{
    {"X-Forwarded-For", "203.0.113.66"}};
  const std::map<std::string, std::string> buyer{
    {"X-Forwarded-For", "198.51.100.9"}};
  std::string first_id;
  {
    node_process node{args, data};
    http_client client{node.port()};
    ASSERT_EQ(
      client.admin(verb::put, "/v1/admin/products/SALE-1", tv_body).status,
      201u);
    ASSERT_EQ(client
                .admin(verb::patch, "/v1/admin/products/SALE-1",
                       R"({"max_per_customer":2,"max_hold_seconds":300})")
                .status,
              200u);
    EXPECT_EQ(client.get("/v1/products/SALE-1").json()["max_hold_seconds"],
              300);
    auto too_long = client.request(verb::post, "/v1/reservations",
                                   reservation("SALE-1", "bot-0", 1800), bot);
    EXPECT_EQ(too_long.status, 400u);
    EXPECT_EQ(too_long.error_code(), "ttl_out_of_range");
    EXPECT_EQ(too_long.json()["error"]["sku"], "SALE-1");
    int held = 0, capped = 0;
    for (int i = 0; i < 50; ++i) {
      auto r = client.request(
        verb::post, "/v1/reservations",
        reservation("SALE-1", "bot-" + std::to_string(i), 300), bot);
      if (r.status == 201) {
        ++held;
        if (first_id.empty())
          first_id = r.json()["reservation_id"];
      } else if (r.status == 409 && r.error_code() == "too_many_holds") {
        ++capped;
      }
    }
    EXPECT_EQ(held, 4) << "checkout.max-holds-per-client (4, the default)";
    EXPECT_EQ(capped, 46);
    EXPECT_EQ(client.get("/v1/products/SALE-1").json()["available"], 92);
    EXPECT_EQ(errors_counted(client, "too_many_holds"), 46);
    // An extension past the product's maximum: refused, expiry unchanged.
    auto before = client.get("/v1/reservations/" + first_id).json();
    auto longer = client.request(verb::post,
                                 "/v1/reservations/" + first_id + "/extend",
                                 R"({"ttl_seconds":600})", bot);
    EXPECT_EQ(longer.status, 400u);
    EXPECT_EQ(longer.error_code(), "ttl_out_of_range");
    EXPECT_EQ(client.get("/v1/reservations/" + first_id).json()["expires_at"],
              before["expires_at"]);
    EXPECT_EQ(client
                .request(verb::post, "/v1/reservations",
                         reservation("SALE-1", "me", 300), buyer)
                .status,
              201u)
      << "another client still gets a hold";
    EXPECT_EQ(node.stop(), 0);
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM holds WHERE holder = "
                      "'203.0.113.66' AND placed_at IS NOT NULL"),
            4);
  EXPECT_EQ(db.scalar("SELECT max_hold_s FROM products"), 300);
  node_process node{args, data};
  http_client client{node.port()};
  auto again = client.request(verb::post, "/v1/reservations",
                              reservation("SALE-1", "bot-99", 300), bot);
  EXPECT_EQ(again.status, 409u) << "the cap survives a restart";
  EXPECT_EQ(again.error_code(), "too_many_holds");
  ASSERT_EQ(client
              .request(verb::delete_, "/v1/reservations/" + first_id, {}, bot)
              .status,
            204u);
  EXPECT_EQ(client
              .request(verb::post, "/v1/reservations",
                       reservation("SALE-1", "bot-100", 300), bot)
              .status,
            201u)
    << "a cancelled reservation frees its place";
}

} // namespace
} // namespace doorbuster::testing
