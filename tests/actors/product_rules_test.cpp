// Holds, purchase limits and the sale window of one product.
#include "actors/passive_product.hpp"
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

TEST(product_rules, a_key_belongs_to_one_checkout_held_or_sold) {
  auto p = make_product(10);
  auto keyed = [](uint64_t id) {
    auto h = hold_for(id, "a", 1);
    h.idempotency_key = "k";
    return h;
  };
  ASSERT_EQ(p.place_hold(keyed(1), now).error, errc::ok);
  // A retry that reached another coordinator makes another checkout id.
  auto other = p.place_hold(keyed(2), now);
  EXPECT_EQ(other.error, errc::checkout_elsewhere);
  EXPECT_EQ(other.held_by, 1u);
  EXPECT_EQ(other.order_id, 0u) << "it sold nothing";
  EXPECT_EQ(p.reserved(), 1) << "the refused hold took nothing";
  // A hold nobody keeps any more gives the key to one that supersedes it.
  ASSERT_EQ(p.place_hold(keyed(2), now, 1).error, errc::ok);
  EXPECT_EQ(p.place_hold(keyed(8), now).held_by, 2u);
  p.release(2);
  line_result sold;
  ASSERT_TRUE(p.sell_hold(1, 77, now, sold));
  auto sold_key = p.place_hold(keyed(3), now);
  EXPECT_EQ(sold_key.held_by, 1u) << "forgot a sold key";
  EXPECT_EQ(sold_key.order_id, 77u);
  EXPECT_EQ(p.place_hold(keyed(3), now, 1).error, errc::checkout_elsewhere)
    << "a sale is never superseded";
  // A purchase cannot take a checkout's key, nor a checkout a purchase's.
  order_ids ids{1};
  bool changed = false;
  purchase_request with_key{"HOT", 1, "a", "k"};
  EXPECT_EQ(purchase(p, with_key, now, ids, changed).error,
            errc::idempotency_key_reused);
  purchase(p, {"HOT", 1, "a", "bought"}, now, ids, changed);
  auto h = hold_for(4, "a", 1);
  h.idempotency_key = "bought";
  EXPECT_EQ(p.place_hold(h, now).error, errc::idempotency_key_reused);
  // A released hold keeps its key for its checkout, until one that
  // supersedes it (its coordinator says it is not live) takes it.
  auto fresh = hold_for(5, "a", 1);
  fresh.idempotency_key = "again";
  ASSERT_EQ(p.place_hold(fresh, now).error, errc::ok);
  p.release(5);
  fresh.checkout_id = 6;
  EXPECT_EQ(p.place_hold(fresh, now).held_by, 5u);
  EXPECT_EQ(p.place_hold(fresh, now, 5).error, errc::ok);
  // An order's hold is locked from the start: it may be sold any moment.
  auto order = hold_for(9, "a", 1);
  order.kind = checkout_kind::order;
  order.idempotency_key = "order";
  ASSERT_EQ(p.place_hold(order, now).error, errc::ok);
  order.checkout_id = 10;
  auto busy = p.place_hold(order, now, 9);
  EXPECT_EQ(busy.error, errc::checkout_elsewhere);
  EXPECT_TRUE(busy.held_busy);
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

TEST(product_rules, a_client_holds_at_most_its_cap_of_live_reservations) {
  auto p = make_product(100);
  auto from = [](uint64_t id, std::string holder) {
    auto h = hold_for(id, "customer-" + std::to_string(id), 1);
    h.holder = std::move(holder);
    return h;
  };
  // Fresh customer ids do not help: the cap counts the client (holder).
  for (uint64_t id = 1; id <= 3; ++id)
    ASSERT_EQ(p.place_hold(from(id, "10.0.0.1"), now, 0, 3).error, errc::ok);
  auto refused = p.place_hold(from(4, "10.0.0.1"), now, 0, 3);
  EXPECT_EQ(refused.error, errc::too_many_holds);
  EXPECT_EQ(p.reserved(), 3) << "a refused hold takes nothing";
  EXPECT_EQ(p.place_hold(from(5, "10.0.0.2"), now, 0, 3).error, errc::ok)
    << "another client is not affected";
  // An order's hold is decided at once by its coordinator: not counted.
  auto order = from(6, "10.0.0.1");
  order.kind = checkout_kind::order;
  EXPECT_EQ(p.place_hold(order, now, 0, 3).error, errc::ok);
  // A reservation that ends, by release or sale, frees its place.
  ASSERT_TRUE(p.release(1));
  EXPECT_EQ(p.holds_of("10.0.0.1"), 2u);
  line_result sold;
  ASSERT_TRUE(p.sell_hold(2, 900, now, sold));
  EXPECT_EQ(p.place_hold(from(7, "10.0.0.1"), now, 0, 3).error, errc::ok);
  EXPECT_EQ(p.place_hold(from(8, "10.0.0.1"), now, 0, 3).error, errc::ok);
  EXPECT_EQ(p.place_hold(from(9, "10.0.0.1"), now, 0, 3).error,
            errc::too_many_holds);
  // A restart restores the count with the holds.
  product again{"HOT", 16};
  again.restore(p.save());
  EXPECT_EQ(again.holds_of("10.0.0.1"), 3u);
  EXPECT_EQ(again.place_hold(from(10, "10.0.0.1"), now, 0, 3).error,
            errc::too_many_holds);
  // No cap, or no holder: not counted.
  EXPECT_EQ(p.place_hold(from(11, "10.0.0.1"), now, 0, 0).error, errc::ok);
  EXPECT_EQ(p.place_hold(from(12, ""), now, 0, 3).error, errc::ok);
}

TEST(product_rules, max_hold_s_bounds_a_reservations_life_here) {
  auto p = make_product(10);
  product_patch rule;
  rule.max_hold_s = 60;
  ASSERT_EQ(p.apply(rule), errc::ok);
  EXPECT_EQ(p.place_hold(hold_for(1, "a", 1, 61'000), now).error,
            errc::ttl_out_of_range);
  EXPECT_EQ(p.reserved(), 0);
  ASSERT_EQ(p.place_hold(hold_for(2, "a", 1, 60'000), now).error, errc::ok);
  EXPECT_EQ(p.find_hold(2)->placed_at_ms, now);
  // Extensions count from when it was placed, not from now.
  EXPECT_EQ(p.extend(2, now + 60'000, now + 30'000), errc::ok);
  EXPECT_EQ(p.extend(2, now + 60'001, now + 30'000), errc::ttl_out_of_range);
  EXPECT_EQ(p.find_hold(2)->expires_at_ms, now + 60'000);
  // An order's hold has the node's order-hold-s instead.
  auto order = hold_for(3, "b", 1, 120'000);
  order.kind = checkout_kind::order;
  EXPECT_EQ(p.place_hold(order, now).error, errc::ok);
  // 0 clears the rule.
  rule.max_hold_s = 0;
  ASSERT_EQ(p.apply(rule), errc::ok);
  EXPECT_EQ(p.place_hold(hold_for(4, "a", 1, 3'600'000), now).error,
            errc::ok);
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

TEST(product_rules, at_rest_a_product_keeps_keys_holds_and_customers) {
  auto p = make_product(10);
  product_patch rule;
  rule.max_per_customer = 3;
  ASSERT_EQ(p.apply(rule), errc::ok);
  order_ids ids{1};
  bool changed = false;
  auto first = purchase(p, {"HOT", 2, "ann", "key-1"}, now, ids, changed);
  ASSERT_EQ(first.error, errc::ok);
  ASSERT_EQ(p.place_hold(hold_for(5, "bob", 1), now).error, errc::ok);
  // Packed the way a shard keeps it, then unpacked for a new actor.
  auto packed = passive_product::pack(p.save());
  EXPECT_GT(packed.bytes(), 0u);
  product woken{"HOT", 16};
  woken.restore(packed.unpack());
  EXPECT_EQ(woken.save(), p.save());
  EXPECT_EQ(purchase(woken, {"HOT", 2, "ann", "key-1"}, now, ids, changed)
              .order_id,
            first.order_id);
  EXPECT_FALSE(changed) << "the key's first answer, no second order";
  EXPECT_EQ(purchase(woken, buy("ann", 2), now, ids, changed).error,
            errc::limit_exceeded);
  EXPECT_EQ(woken.available(), 7) << "10 - 2 sold - 1 held";
  EXPECT_NE(woken.find_hold(5), nullptr);
}

} // namespace
} // namespace doorbuster::actors
