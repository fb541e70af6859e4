#include "actors/product.hpp"
#include "actors/product_doc.hpp"
#include "actors/purchase_helper.hpp"

#include <gtest/gtest.h>

namespace doorbuster::actors {
namespace {

using namespace domain;

product make_product(int64_t stock, size_t keys = 16) {
  product p{"SKU-1", keys};
  product_fields f;
  f.name = "Lamp";
  f.category = "home";
  f.price = 1999;
  f.currency = "USD";
  f.stock = stock;
  p.replace(f);
  return p;
}

constexpr int64_t now = 1'800'000'000'000; // Unix ms, 2027

purchase_request buy(int64_t quantity, std::string key = {},
                     std::string customer = "c1") {
  return {"SKU-1", quantity, std::move(customer), std::move(key)};
}

TEST(product, sells_when_enough_stock_and_bumps_version) {
  auto p = make_product(5);
  order_ids ids{7};
  bool changed = false;
  auto res = purchase(p, buy(3), now, ids, changed);
  EXPECT_EQ(res.error, errc::ok);
  EXPECT_TRUE(changed);
  EXPECT_EQ(res.remaining, 2);
  EXPECT_EQ(p.fields().stock, 2);
  EXPECT_EQ(p.version(), 2u);
  EXPECT_EQ(res.order_id >> 32, 7u);
}

TEST(product, rejects_purchase_beyond_stock_and_changes_nothing) {
  auto p = make_product(2);
  order_ids ids{1};
  bool changed = true;
  auto res = purchase(p, buy(3), now, ids, changed);
  EXPECT_EQ(res.error, errc::insufficient_stock);
  EXPECT_FALSE(changed);
  EXPECT_EQ(res.remaining, 2);
  EXPECT_EQ(p.fields().stock, 2);
  EXPECT_EQ(p.version(), 1u);
}

TEST(product, stock_never_goes_negative_over_many_purchases) {
  auto p = make_product(10);
  order_ids ids{1};
  int64_t sold = 0;
  for (int q = 1; q <= 20; ++q) {
    bool changed = false;
    if (purchase(p, buy(q % 4 + 1), now, ids, changed).error == errc::ok)
      sold += q % 4 + 1;
    ASSERT_GE(p.fields().stock, 0);
  }
  EXPECT_EQ(sold + p.fields().stock, 10);
}

TEST(product, same_idempotency_key_returns_the_first_answer_once) {
  auto p = make_product(10);
  order_ids ids{1};
  bool changed = false;
  auto first = purchase(p, buy(2, "k1"), now, ids, changed);
  auto again = purchase(p, buy(2, "k1"), now, ids, changed);
  EXPECT_FALSE(changed);
  EXPECT_EQ(first.order_id, again.order_id);
  EXPECT_EQ(again.remaining, 8);
  EXPECT_EQ(p.fields().stock, 8);
}

TEST(product, same_idempotency_key_with_other_request_is_refused) {
  auto p = make_product(10);
  order_ids ids{1};
  bool changed = false;
  purchase(p, buy(2, "k1"), now, ids, changed);
  EXPECT_EQ(purchase(p, buy(3, "k1"), now, ids, changed).error,
            errc::idempotency_key_reused);
  EXPECT_EQ(purchase(p, buy(2, "k1", "c2"), now, ids, changed).error,
            errc::idempotency_key_reused);
  EXPECT_EQ(p.fields().stock, 8);
}

TEST(product, idempotency_cache_forgets_oldest_key_when_full) {
  auto p = make_product(10, 2);
  order_ids ids{1};
  bool changed = false;
  purchase(p, buy(1, "a"), now, ids, changed);
  purchase(p, buy(1, "b"), now, ids, changed);
  purchase(p, buy(1, "c"), now, ids, changed);
  purchase(p, buy(1, "a"), now, ids, changed);
  EXPECT_TRUE(changed) << "key a was evicted, so it applies again";
  purchase(p, buy(1, "c"), now, ids, changed);
  EXPECT_FALSE(changed);
}

TEST(product, patch_applies_all_or_nothing) {
  auto p = make_product(3);
  product_patch patch;
  patch.name = "Renamed";
  patch.stock_delta = -4;
  EXPECT_EQ(p.apply(patch), errc::insufficient_stock);
  EXPECT_EQ(p.fields().name, "Lamp");
  EXPECT_EQ(p.version(), 1u);
  patch.stock_delta = 7;
  EXPECT_EQ(p.apply(patch), errc::ok);
  EXPECT_EQ(p.fields().name, "Renamed");
  EXPECT_EQ(p.fields().stock, 10);
  EXPECT_EQ(p.version(), 2u);
}

TEST(product, patch_refuses_stock_above_maximum) {
  auto p = make_product(max_amount);
  product_patch patch;
  patch.stock_delta = 1;
  EXPECT_EQ(p.apply(patch), errc::stock_out_of_range);
  EXPECT_EQ(p.fields().stock, max_amount);
}

TEST(product, renders_document_with_version_and_folded_name) {
  auto p = make_product(4);
  auto doc = p.render();
  EXPECT_EQ(doc->version, 1u);
  EXPECT_EQ(doc->folded_name(), "lamp");
  EXPECT_EQ(doc->category(), "home");
  EXPECT_EQ(doc->json(),
            R"({"sku":"SKU-1","name":"Lamp","description":"","category":"home",)"
            R"("price":1999,"currency":"USD","stock":4,"reserved":0,)"
            R"("available":4,"version":1,"max_per_order":null,)"
            R"("max_per_customer":null,"max_hold_seconds":null,)"
            R"("sale_starts_at":null,"sale_ends_at":null,"paused":false})");
  EXPECT_EQ(doc->rules, domain::default_rules_json())
    << "products without rules share their part of the document";
}

TEST(product, the_shared_rules_part_is_what_default_rules_render_to) {
  EXPECT_EQ(render_rules_json(domain::sale_rules{}),
            *domain::default_rules_json());
  domain::sale_rules rules;
  rules.max_per_order = 2;
  rules.paused = true;
  EXPECT_EQ(render_rules_json(rules),
            R"("max_per_order":2,"max_per_customer":null,)"
            R"("max_hold_seconds":null,"sale_starts_at":null,)"
            R"("sale_ends_at":null,"paused":true})");
}

} // namespace
} // namespace doorbuster::actors
