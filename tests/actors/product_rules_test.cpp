// Holds, purchase limits and the sale window of one product.
#include "actors/product.hpp"
#include "actors/purchase_helper.hpp"

#include <gtest/gtest.h>

namespace doorbuster::actors {
namespace {

using namespace domain;

constexpr int64_t now = 1'800'000'000'000; // Unix ms, 2027

product make_product(int64_t stock) {
  product p{"HOT", 16};
  product_fields f;
  f.name = "TV";
  f.price = 49900;
  f.currency = "USD";
  f.stock = stock;
  p.replace(f);
  return p;
}

hold hold_for(uint64_t id, std::string customer, int64_t quantity,
              int64_t ttl_ms = 60'000) {
  hold h;
  h.checkout_id = id;
  h.sku = "HOT";
  h.customer_id = std::move(customer);
  h.quantity = quantity;
  h.expires_at_ms = now + ttl_ms;
  return h;
}

purchase_request buy(std::string customer, int64_t quantity) {
  return {"HOT", quantity, std::move(customer), {}};
}

TEST(product_rules, hold_takes_units_from_available_not_from_stock) {
  auto p = make_product(10);
  auto res = p.place_hold(hold_for(1, "a", 4), now);
  ASSERT_EQ(res.error, errc::ok);
  EXPECT_EQ(p.fields().stock, 10);
  EXPECT_EQ(p.reserved(), 4);
  EXPECT_EQ(p.available(), 6);
  EXPECT_EQ(res.available, 6);
  // A purchase sees only what is not held.
  order_ids ids{1};
  bool changed = false;
  EXPECT_EQ(purchase(p, buy("b", 7), now, ids, changed).error,
            errc::insufficient_stock);
  EXPECT_EQ(p.place_hold(hold_for(2, "b", 7), now).error,
            errc::insufficient_stock);
  EXPECT_EQ(p.reserved(), 4);
}

TEST(product_rules, release_returns_units_and_sell_moves_them_to_sold) {
  auto p = make_product(10);
  p.place_hold(hold_for(1, "a", 3), now);
  p.place_hold(hold_for(2, "b", 2), now);
  EXPECT_TRUE(p.release(1));
  EXPECT_FALSE(p.release(1)) << "a hold is released once";
  EXPECT_EQ(p.reserved(), 2);
  EXPECT_EQ(p.units_of("a"), 0);
  line_result sold;
  ASSERT_TRUE(p.sell_hold(2, 77, now, sold));
  EXPECT_EQ(sold.order_id, 77u);
  EXPECT_EQ(sold.quantity, 2);
  EXPECT_EQ(p.fields().stock, 8);
  EXPECT_EQ(p.reserved(), 0);
  EXPECT_EQ(p.units_of("b"), 2) << "sold units still count for the buyer";
  EXPECT_FALSE(p.sell_hold(2, 78, now, sold)) << "a hold is sold once";
}

TEST(product_rules, max_per_customer_counts_orders_and_holds) {
  auto p = make_product(100);
  product_patch limit;
  limit.max_per_customer = 3;
  ASSERT_EQ(p.apply(limit), errc::ok);
  order_ids ids{1};
  bool changed = false;
  ASSERT_EQ(purchase(p, buy("a", 2), now, ids, changed).error, errc::ok);
  auto refused = p.place_hold(hold_for(1, "a", 2), now);
  EXPECT_EQ(refused.error, errc::limit_exceeded);
  EXPECT_EQ(refused.allowance, 1);
  ASSERT_EQ(p.place_hold(hold_for(2, "a", 1), now).error, errc::ok);
  auto none_left = purchase(p, buy("a", 1), now, ids, changed);
  EXPECT_EQ(none_left.error, errc::limit_exceeded);
  EXPECT_EQ(none_left.allowance, 0);
  EXPECT_FALSE(changed);
  // Releasing the hold gives the allowance back; other buyers are apart.
  p.release(2);
  EXPECT_EQ(purchase(p, buy("a", 1), now, ids, changed).error, errc::ok);
  EXPECT_EQ(purchase(p, buy("b", 3), now, ids, changed).error, errc::ok);
}

TEST(product_rules, max_per_order_bounds_each_request) {
  auto p = make_product(100);
  product_patch limit;
  limit.max_per_order = 2;
  p.apply(limit);
  order_ids ids{1};
  bool changed = false;
  auto res = purchase(p, buy("a", 3), now, ids, changed);
  EXPECT_EQ(res.error, errc::limit_exceeded);
  EXPECT_EQ(res.allowance, 2);
  EXPECT_EQ(purchase(p, buy("a", 2), now, ids, changed).error, errc::ok);
  EXPECT_EQ(purchase(p, buy("a", 2), now, ids, changed).error, errc::ok)
    << "max_per_order alone does not limit a customer's total";
}

TEST(product_rules, sale_window_and_pause_refuse_purchases_and_holds) {
  auto p = make_product(10);
  product_patch window;
  window.sale_starts_at_ms = now + 1000;
  window.sale_ends_at_ms = now + 2000;
  p.apply(window);
  order_ids ids{1};
  bool changed = false;
  EXPECT_EQ(purchase(p, buy("a", 1), now, ids, changed).error,
            errc::not_on_sale);
  EXPECT_EQ(p.place_hold(hold_for(1, "a", 1), now).error, errc::not_on_sale);
  EXPECT_EQ(purchase(p, buy("a", 1), now + 1000, ids, changed).error,
            errc::ok);
  EXPECT_EQ(purchase(p, buy("a", 1), now + 2000, ids, changed).error,
            errc::not_on_sale)
    << "the end is exclusive";
  product_patch pause;
  pause.paused = true;
  pause.sale_starts_at_ms = 0; // cleared
  pause.sale_ends_at_ms = 0;
  p.apply(pause);
  EXPECT_EQ(purchase(p, buy("a", 1), now + 1500, ids, changed).error,
            errc::not_on_sale);
  EXPECT_EQ(p.fields().stock, 9);
}

TEST(product_rules, lock_refuses_expired_holds_and_extend_moves_expiry) {
  auto p = make_product(10);
  p.place_hold(hold_for(1, "a", 1, 1000), now);
  EXPECT_EQ(p.extend(1, now + 5000, now + 500), errc::ok);
  EXPECT_EQ(p.lock(1, now + 2000), errc::ok) << "extended past 1 s";
  EXPECT_EQ(p.extend(1, now + 9000, now + 2000), errc::reservation_busy);
  p.unlock(1);
  EXPECT_EQ(p.lock(1, now + 5000), errc::reservation_expired);
  EXPECT_EQ(p.lock(99, now), errc::reservation_expired);
}

TEST(product_rules, stock_cannot_drop_below_reserved) {
  auto p = make_product(10);
  p.place_hold(hold_for(1, "a", 6), now);
  product_patch cut;
  cut.stock_delta = -5;
  EXPECT_EQ(p.apply(cut), errc::insufficient_stock);
  cut.stock_delta = -4;
  EXPECT_EQ(p.apply(cut), errc::ok);
  EXPECT_EQ(p.available(), 0);
}

} // namespace
} // namespace doorbuster::actors
