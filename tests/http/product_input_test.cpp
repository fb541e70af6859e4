#include "http/product_input.hpp"

#include <gtest/gtest.h>

namespace doorbuster::http {
namespace {

std::string code_of(const std::optional<api_error>& err) {
  return err ? err->code : "ok";
}

std::string purchase_code(std::string_view body) {
  domain::purchase_request req;
  return code_of(decode_purchase(body, 10, "", req));
}

TEST(decode_purchase, accepts_a_valid_body) {
  domain::purchase_request req;
  EXPECT_FALSE(
    decode_purchase(R"({"quantity":3,"customer_id":"c"})", 10, "", req));
  EXPECT_EQ(req.quantity, 3);
  EXPECT_EQ(req.customer_id, "c");
}

TEST(decode_purchase, takes_the_customer_a_gateway_vouched_for) {
  domain::purchase_request req;
  EXPECT_FALSE(decode_purchase(R"({"quantity":1})", 10, "alice", req));
  EXPECT_EQ(req.customer_id, "alice");
  EXPECT_FALSE(decode_purchase(R"({"quantity":1,"customer_id":"alice"})", 10,
                               "alice", req));
  EXPECT_EQ(req.customer_id, "alice");
  auto err = decode_purchase(R"({"quantity":1,"customer_id":"mallory"})", 10,
                             "alice", req);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, "customer_mismatch");
  EXPECT_EQ(err->status, bhttp::status::forbidden);
}

TEST(decode_purchase, names_each_kind_of_bad_input) {
  EXPECT_EQ(purchase_code("{"), "malformed_json");
  EXPECT_EQ(purchase_code("[1]"), "malformed_json");
  EXPECT_EQ(purchase_code("{\"quantity\":1,\"customer_id\":\"\xff\"}"),
            "malformed_json");
  EXPECT_EQ(purchase_code(R"({"customer_id":"c"})"), "missing_field");
  EXPECT_EQ(purchase_code(R"({"quantity":1})"), "missing_field");
  EXPECT_EQ(purchase_code(R"({"quantity":"1","customer_id":"c"})"),
            "invalid_quantity");
  EXPECT_EQ(purchase_code(R"({"quantity":0,"customer_id":"c"})"),
            "invalid_quantity");
  EXPECT_EQ(purchase_code(R"({"quantity":-2,"customer_id":"c"})"),
            "invalid_quantity");
  EXPECT_EQ(purchase_code(R"({"quantity":11,"customer_id":"c"})"),
            "invalid_quantity");
  EXPECT_EQ(purchase_code(R"({"quantity":1.5,"customer_id":"c"})"),
            "invalid_quantity");
  EXPECT_EQ(purchase_code(R"({"quantity":1e2,"customer_id":"c"})"),
            "invalid_quantity");
  EXPECT_EQ(
    purchase_code(R"({"quantity":99999999999999999999999,"customer_id":"c"})"),
    "invalid_quantity");
  EXPECT_EQ(purchase_code(R"({"quantity":1,"customer_id":7})"),
            "invalid_field");
  EXPECT_EQ(purchase_code(R"({"quantity":1,"customer_id":"c","x":1})"),
            "unknown_field");
  EXPECT_EQ(purchase_code(R"({"quantity":1,"quantity":2,"customer_id":"c"})"),
            "duplicate_field");
}

TEST(decode_product, requires_every_field_and_checks_currency) {
  domain::product_fields f;
  EXPECT_EQ(code_of(decode_product(
              R"({"name":"n","description":"d","category":"c","price":1,)"
              R"("currency":"USD","stock":2})",
              f)),
            "ok");
  EXPECT_EQ(f.stock, 2);
  EXPECT_EQ(code_of(decode_product(
              R"({"name":"n","description":"d","category":"c","price":1,)"
              R"("currency":"usd","stock":2})",
              f)),
            "invalid_field");
  EXPECT_EQ(code_of(decode_product(R"({"name":"n"})", f)), "missing_field");
  EXPECT_EQ(code_of(decode_product(
              R"({"name":"n","description":"d","category":"c","price":-1,)"
              R"("currency":"USD","stock":2})",
              f)),
            "invalid_field");
}

TEST(decode_patch, refuses_stock_together_with_stock_delta) {
  domain::product_patch p;
  EXPECT_EQ(code_of(decode_patch(R"({"stock":1,"stock_delta":2})", p)),
            "invalid_field");
  domain::product_patch q;
  EXPECT_EQ(code_of(decode_patch(R"({"stock_delta":-2,"price":5})", q)), "ok");
  EXPECT_EQ(*q.stock_delta, -2);
  EXPECT_EQ(*q.price, 5);
  EXPECT_FALSE(q.name);
}

TEST(decode_bulk_line, requires_a_valid_sku) {
  std::string sku;
  domain::product_fields f;
  auto line = R"({"sku":"bad sku","name":"n","description":"d",)"
              R"("category":"c","price":1,"currency":"USD","stock":2})";
  EXPECT_EQ(code_of(decode_bulk_line(line, sku, f)), "invalid_field");
}

TEST(valid_sku, accepts_only_the_documented_alphabet) {
  EXPECT_TRUE(valid_sku("SKU-1_a.b"));
  EXPECT_FALSE(valid_sku(""));
  EXPECT_FALSE(valid_sku("a/b"));
  EXPECT_FALSE(valid_sku("a%20b"));
  EXPECT_FALSE(valid_sku(std::string(65, 'a')));
}

} // namespace
} // namespace doorbuster::http
