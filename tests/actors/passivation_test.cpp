// Passivation with real actors and a real journal: products at rest keep
// their state, wake on demand, and race purchases without losing or
// doubling one.
#include "inventory_fixture.hpp"

#include <mutex>
#include <optional>
#include <set>

namespace doorbuster::actors::test {
namespace {

/// Products rest 500 ms after the shard last sent them something: the
/// shards tick every 125 ms.
class spread_passivation_test : public passivation_test {
protected:
  spread_passivation_test() : passivation_test(500) {}
};

// Products woken together must not all offer to rest at the same moment
// (a hundred thousand offers at once held up the worker for over a
// second): each of the 8 shards asks at most 64 of them per tick, so 2000
// take at least 4 ticks, 375 ms from the first to rest to the last.
TEST_F(spread_passivation_test, products_woken_together_rest_a_few_per_tick) {
  constexpr uint64_t n = 2000;
  std::vector<product_entry> entries;
  for (uint64_t i = 0; i < n; ++i)
    entries.push_back({"W" + std::to_string(i), fields(5)});
  ASSERT_EQ(inv.put_all(std::move(entries)).size(), n);
  { // a look at a product at rest wakes it: all of them at once
    caf::scoped_actor self{sys};
    for (uint64_t i = 0; i < n; ++i) {
      auto sku = "W" + std::to_string(i);
      self->send(inv.shard_for(sku), inspect_atom::value, sku);
    }
    for (uint64_t i = 0; i < n; ++i)
      self->receive([](const std::string& json) { EXPECT_FALSE(json.empty()); },
                    caf::after(std::chrono::seconds{10}) >>
                      [] { ADD_FAILURE() << "no answer"; });
  }
  ASSERT_EQ(active_and_passive().first, n);
  using clock = std::chrono::steady_clock;
  std::optional<clock::time_point> first;
  auto until = clock::now() + std::chrono::seconds{10};
  for (;;) {
    auto rested = metric("doorbuster_passivations_total");
    if (rested > 0 && !first)
      first = clock::now();
    if (rested == n)
      break;
    ASSERT_LT(clock::now(), until) << rested << " of " << n << " rested";
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  EXPECT_GE(clock::now() - *first, std::chrono::milliseconds{250})
    << "products woken together rested at once";
  EXPECT_EQ(active_and_passive(), (std::pair<uint64_t, uint64_t>{0, n}));
}

TEST_F(passivation_test, a_product_at_rest_keeps_its_state_limits_and_keys) {
  put("A", fields(10));
  product_patch rules;
  rules.max_per_customer = 5;
  ASSERT_EQ(ask<write_result>(inv.shard_for("A"), patch_atom::value,
                              std::string{"A"}, rules)
              .error,
            errc::ok);
  auto first = buy("A", 2, "k1", "alice");
  ASSERT_EQ(first.error, errc::ok);
  wait_until_all_rest(1);
  EXPECT_GE(metric("doorbuster_passivations_total"), 1u);
  // Each request below wakes the product: its first message is its state.
  auto again = buy("A", 2, "k1", "alice");
  EXPECT_EQ(again.error, errc::ok);
  EXPECT_EQ(again.order_id, first.order_id) << "the key's first answer";
  wait_until_all_rest(1);
  EXPECT_EQ(buy("A", 4, "k2", "alice").error, errc::limit_exceeded)
    << "alice's 2 units are remembered at rest";
  wait_until_all_rest(1);
  auto third = buy("A", 3, "k3", "alice");
  ASSERT_EQ(third.error, errc::ok);
  auto doc = read("A");
  EXPECT_NE(doc->json().find(R"("stock":5)"), std::string::npos) << doc->json();
  EXPECT_EQ(doc->version, 4u) << "put, patch, two sales";
  EXPECT_GE(metric("doorbuster_activations_total"), 3u);
  EXPECT_EQ(journaled().size(), 4u) << "resting journals nothing";
}

TEST_F(passivation_test, a_reservation_keeps_its_product_active_until_it_ends) {
  put("A", fields(10));
  put("B", fields(10));
  checkout_request req;
  req.customer_id = "c";
  req.items = {{"A", 2}};
  req.ttl_ms = 60000;
  auto held = ask<checkout_result>(inv.checkout_for({}), checkout_atom::value,
                                   req);
  ASSERT_EQ(held.error, errc::ok);
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  EXPECT_EQ(active_and_passive(), (std::pair<uint64_t, uint64_t>{1, 1}))
    << "B rests, A holds units";
  reservation_request cancel;
  cancel.checkout_id = held.checkout_id;
  cancel.op = reservation_op::cancel;
  ASSERT_EQ(ask<checkout_result>(inv.reservation_owner(held.checkout_id),
                                 resv_atom::value, cancel)
              .error,
            errc::ok);
  wait_until_all_rest(2);
  EXPECT_NE(read("A")->json().find(R"("reserved":0,"available":10)"),
            std::string::npos);
}

/// Products rest after 1 ms idle: thousands of offers to rest within a
/// test, many of them crossing a purchase on its way.
class racing_passivation_test : public passivation_test {
protected:
  racing_passivation_test() : passivation_test(1) {}
};

TEST_F(racing_passivation_test, purchases_apply_exactly_once) {
  // Buyers pause around the 1 ms idle time, so products go to rest and
  // wake while purchases and retries of the same keys arrive.
  constexpr int64_t stock = 100000;
  const std::vector<std::string> skus{"R1", "R2", "R3"};
  for (const auto& sku : skus)
    put(sku, fields(stock));
  std::atomic<int64_t> sold{0};
  std::mutex ids_mtx;
  std::set<uint64_t> ids;
  std::vector<std::thread> buyers;
  for (int t = 0; t < 6; ++t)
    buyers.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const auto& sku = skus[(t + i) % skus.size()];
        auto key = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto first = buy(sku, 1, key);
        ASSERT_EQ(first.error, errc::ok);
        std::this_thread::sleep_for(
          std::chrono::microseconds{(t * 337 + i * 211) % 2000});
        auto retry = buy(sku, 1, key);
        ASSERT_EQ(retry.order_id, first.order_id) << key;
        ++sold;
        std::lock_guard<std::mutex> guard{ids_mtx};
        EXPECT_TRUE(ids.insert(first.order_id).second);
      }
    });
  for (auto& b : buyers)
    b.join();
  EXPECT_GT(metric("doorbuster_passivations_total"), 20u)
    << "the race did not happen: products never rested";
  int64_t left = 0;
  for (const auto& sku : skus) {
    auto json = read(sku)->json();
    auto at = json.find("\"stock\":");
    left += std::stoll(json.substr(at + 8));
  }
  EXPECT_EQ(left, 3 * stock - sold.load());
  size_t orders = 0;
  for (const auto& r : journaled())
    orders += std::holds_alternative<domain::order>(r.entry);
  EXPECT_EQ(orders, static_cast<size_t>(sold.load()))
    << "every sale journaled once";
}

TEST_F(passivation_test, restored_products_start_at_rest_and_wake_on_demand) {
  std::vector<stored_product> saved(3);
  for (size_t i = 0; i < saved.size(); ++i) {
    saved[i].state.sku = "S" + std::to_string(i);
    saved[i].state.fields = fields(5);
    saved[i].state.version = 7;
  }
  saved[0].purchases.push_back({"k", 1, "c", 99, 4});
  EXPECT_EQ(inv.restore(saved, {}), 3u);
  EXPECT_EQ(active_and_passive(), (std::pair<uint64_t, uint64_t>{0, 3}));
  EXPECT_EQ(read("S2")->version, 7u) << "in the catalog while at rest";
  EXPECT_EQ(buy("S0", 1, "k").order_id, 99u);
  EXPECT_EQ(buy("S1", 1).error, errc::ok);
  EXPECT_EQ(metric("doorbuster_activations_total"), 2u)
    << "S2 rests until asked";
}

} // namespace
} // namespace doorbuster::actors::test
