// The inventory with its real actors and a real journal on disk: routing,
// catalog updates, durability before answers, and many threads purchasing
// one SKU at once. The test thread asks through a scoped actor (tests may
// block; request paths never do).
#include "actors/inventory.hpp"
#include "actors/product_actor.hpp"
#include "persistence/journal_actor.hpp"
#include "persistence/journal_files.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace doorbuster::actors {
namespace {

using namespace domain;

product_fields fields(int64_t stock, std::string category = "toys") {
  return {"Ball", "round", std::move(category), 500, "EUR", stock};
}

config::options small_node() {
  config::options opts;
  opts.products.shards = 8;
  opts.catalog.workers = 2;
  opts.products.idempotency_keys = 100;
  return opts;
}

struct registered : caf::actor_system_config {
  registered() { add_message_types<caf::id_block::doorbuster>(); }
};

class inventory_test : public ::testing::Test {
protected:
  inventory_test() : inventory_test(small_node()) {}
  explicit inventory_test(const config::options& opts)
    : inv{sys, journal, opts, 3} {}

  std::string dir = testing::make_temp_dir("doorbuster-inv");
  registered cfg;
  caf::actor_system sys{cfg};
  persistence::status stat;
  persistence::journal_actor journal = persistence::spawn_journal(
    sys, dir, {}, 1, {}, &stat);
  inventory inv;

  ~inventory_test() override {
    inv.stop();
    caf::anon_send(journal, persistence::stop_atom::value);
    sys.await_all_actors_done();
    std::filesystem::remove_all(dir);
  }

  /// Asks `handle` and waits for the answer (10 s at most).
  template <class Result, class Handle, class... Ts>
  Result ask(const Handle& handle, Ts&&... xs) {
    caf::scoped_actor self{sys};
    Result out{};
    self->request(handle, std::chrono::seconds{10}, std::forward<Ts>(xs)...)
      .receive([&](Result& value) { out = std::move(value); },
               [&](caf::error& err) { ADD_FAILURE() << sys.render(err); });
    return out;
  }

  /// Every record in the journal files, in order.
  std::vector<persistence::journal_record> journaled() {
    std::vector<persistence::journal_record> out;
    persistence::scan_journal(dir, 0, false, [&](persistence::journal_record& r) {
      out.push_back(r);
    });
    return out;
  }

  write_result put(const std::string& sku, product_fields f) {
    return ask<write_result>(inv.shard_for(sku), put_atom::value, sku,
                             std::move(f));
  }

  purchase_result buy(const std::string& sku, int64_t q,
                      std::string key = {}, std::string customer = "c") {
    return ask<purchase_result>(inv.shard_for(sku), purchase_atom::value,
                                purchase_request{sku, q, std::move(customer),
                                                 std::move(key)});
  }

  product_doc_ptr read(const std::string& sku) {
    return ask<product_doc_ptr>(inv.catalog(), get_atom::value, sku);
  }

  checkout_result order(std::vector<checkout_line> items, deadline due = {}) {
    checkout_request req;
    req.customer_id = "c";
    req.items = std::move(items);
    req.reserve_only = false;
    req.due = due;
    return ask<checkout_result>(inv.checkout_for({}), checkout_atom::value,
                                std::move(req));
  }
};

TEST_F(inventory_test, put_creates_then_replaces) {
  auto first = put("A", fields(3));
  EXPECT_TRUE(first.created);
  auto second = put("A", fields(4));
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.doc->version, 2u);
}

TEST_F(inventory_test, purchase_of_unknown_sku_is_refused) {
  EXPECT_EQ(buy("NOPE", 1).error, errc::unknown_sku);
  auto patched = ask<write_result>(inv.shard_for("NOPE"), patch_atom::value,
                                   std::string{"NOPE"}, product_patch{});
  EXPECT_EQ(patched.error, errc::unknown_sku);
}

TEST_F(inventory_test, read_after_write_sees_the_new_stock_at_once) {
  put("A", fields(10));
  for (int i = 1; i <= 5; ++i) {
    auto res = buy("A", 1);
    ASSERT_EQ(res.error, errc::ok);
    auto doc = read("A");
    ASSERT_NE(doc, nullptr);
    EXPECT_NE(doc->json().find("\"stock\":" + std::to_string(10 - i)),
              std::string::npos)
      << doc->json();
  }
}

// A product page read on the caller's thread, without a message to a
// catalog actor (what an io thread does), sees every answered change too,
// and is counted like the catalog actors' reads.
TEST_F(inventory_test, pages_read_without_a_message_see_answered_changes) {
  auto unknown = inv.try_find_product("A");
  ASSERT_TRUE(unknown.has_value()); // nobody writes: the view was free
  EXPECT_EQ(*unknown, nullptr);
  put("A", fields(10));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(buy("A", 1).error, errc::ok);
    auto doc = inv.try_find_product("A");
    ASSERT_TRUE(doc.has_value());
    ASSERT_NE(*doc, nullptr);
    EXPECT_EQ((*doc)->version, 1u + i);
    EXPECT_NE((*doc)->json().find("\"stock\":" + std::to_string(10 - i)),
              std::string::npos)
      << (*doc)->json();
  }
  auto text = inv.metrics();
  EXPECT_NE(text.find("doorbuster_catalog_lookups_total{result=\"hit\"} 3"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find("doorbuster_catalog_lookups_total{result=\"miss\"} 1"),
            std::string::npos)
    << text;
}

TEST_F(inventory_test, every_answered_change_is_already_in_the_journal) {
  put("A", fields(10));
  auto res = buy("A", 3, "key-1");
  ASSERT_EQ(res.error, errc::ok);
  EXPECT_GE(stat.durable_seq.load(), 2u);
  auto records = journaled();
  ASSERT_EQ(records.size(), 2u);
  const auto& sale = std::get<domain::order>(records[1].entry);
  EXPECT_EQ(sale.order_id, res.order_id);
  EXPECT_EQ(sale.quantity, 3);
  EXPECT_EQ(sale.after.stock, 7);
  EXPECT_EQ(sale.idempotency_key, "key-1");
  auto again = buy("A", 3, "key-1");
  EXPECT_EQ(again.order_id, res.order_id);
  EXPECT_EQ(journaled().size(), 2u) << "a replayed key is not journaled again";
}

TEST_F(inventory_test, restore_brings_back_state_version_and_keys) {
  stored_product saved;
  saved.state.sku = "R";
  saved.state.fields = fields(9);
  saved.state.version = 41;
  saved.purchases.push_back({"k", 2, "c", 77, 9});
  EXPECT_EQ(inv.restore({saved}, {}), 1u);
  EXPECT_EQ(read("R")->version, 41u);
  EXPECT_EQ(buy("R", 2, "k").order_id, 77u);
  EXPECT_EQ(journaled().size(), 0u) << "restoring journals nothing";
}

TEST_F(inventory_test, order_ids_carry_the_boot_generation_and_are_distinct) {
  put("A", fields(10));
  put("B", fields(10));
  auto a = buy("A", 1);
  auto b = buy("B", 1);
  EXPECT_EQ(a.order_id >> 32, 3u);
  EXPECT_NE(a.order_id, b.order_id);
}

TEST_F(inventory_test, concurrent_purchases_never_oversell) {
  constexpr int64_t stock = 500;
  put("HOT", fields(stock));
  std::atomic<int64_t> sold{0};
  std::mutex ids_mtx;
  std::set<uint64_t> ids;
  std::vector<std::thread> buyers;
  for (int t = 0; t < 8; ++t)
    buyers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto q = (t + i) % 3 + 1;
        auto res = buy("HOT", q);
        if (res.error == errc::ok) {
          sold += q;
          std::lock_guard<std::mutex> guard{ids_mtx};
          EXPECT_TRUE(ids.insert(res.order_id).second);
        } else {
          EXPECT_EQ(res.error, errc::insufficient_stock);
        }
      }
    });
  for (auto& b : buyers)
    b.join();
  auto doc = read("HOT");
  EXPECT_EQ(sold.load(), stock) << "4x demand must sell out exactly";
  EXPECT_NE(doc->json().find("\"stock\":0"), std::string::npos);
}

TEST_F(inventory_test, put_all_answers_once_with_every_result) {
  std::vector<product_entry> entries;
  for (int i = 0; i < 300; ++i)
    entries.push_back({"P" + std::to_string(i), fields(i)});
  auto results = inv.put_all(std::move(entries));
  ASSERT_EQ(results.size(), 300u);
  for (const auto& r : results)
    EXPECT_TRUE(r.created);
  EXPECT_EQ(ask<std::string>(inv.catalog(), categ_atom::value),
            R"([{"name":"toys","count":300}])");
}

TEST_F(inventory_test, order_journals_holds_then_its_decision_then_sales) {
  put("A", fields(5));
  put("B", fields(5));
  auto res = order({{"B", 2}, {"A", 1}});
  ASSERT_EQ(res.error, errc::ok);
  ASSERT_EQ(res.lines.size(), 2u);
  EXPECT_EQ(res.lines[0].sku, "A") << "lines are taken in SKU order";
  // Recovery relies on this order: the decision follows every durable
  // hold and precedes every sale.
  size_t last_hold = 0, decision = 0, first_sale = SIZE_MAX, sales = 0;
  auto records = journaled();
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& e = records[i].entry;
    if (std::holds_alternative<hold_record>(e))
      last_hold = i;
    if (std::holds_alternative<checkout_decision>(e))
      decision = i;
    if (auto* o = std::get_if<domain::order>(&e);
        o && o->checkout_id == res.checkout_id) {
      first_sale = std::min(first_sale, i);
      ++sales;
    }
  }
  EXPECT_LT(last_hold, decision);
  EXPECT_LT(decision, first_sale);
  EXPECT_EQ(sales, 2u);
}

TEST_F(inventory_test, checkout_past_its_deadline_holds_nothing) {
  put("A", fields(5));
  put("B", fields(5));
  auto past = deadline::at(std::chrono::steady_clock::now()
                           - std::chrono::milliseconds{1});
  auto res = order({{"A", 1}, {"B", 1}}, past);
  EXPECT_EQ(res.error, errc::deadline_exceeded);
  for (const auto* sku : {"A", "B"})
    EXPECT_NE(read(sku)->json().find(R"("reserved":0,"available":5)"),
              std::string::npos)
      << sku;
}

} // namespace
} // namespace doorbuster::actors

namespace doorbuster::actors {
namespace {

TEST_F(inventory_test, a_lost_answer_releases_what_was_held_and_frees_the_key) {
  // Two SKUs on different shards; the second one's shard dies, so its
  // answers are lost (a real actor failure, not a fake).
  std::string alive = "A", dead = "B0";
  for (int i = 1; inv.shard_for(dead) == inv.shard_for(alive); ++i)
    dead = "B" + std::to_string(i);
  put(alive, fields(5));
  put(dead, fields(5));
  {
    caf::scoped_actor self{sys};
    self->monitor(inv.shard_for(dead));
    caf::anon_send_exit(inv.shard_for(dead), caf::exit_reason::kill);
    self->receive([](const caf::down_msg&) {});
  }
  checkout_request req;
  req.customer_id = "c";
  req.items = {{alive, 1}, {dead, 1}};
  req.reserve_only = false;
  req.idempotency_key = "lost-1";
  req.due = deadline::after(std::chrono::seconds{5});
  auto& coordinator = inv.checkout_for(req.idempotency_key);
  auto first = ask<checkout_result>(coordinator, checkout_atom::value, req);
  EXPECT_EQ(first.error, errc::unavailable);
  ASSERT_EQ(first.lines.size(), 1u);
  EXPECT_EQ(first.lines[0].sku, dead);
  EXPECT_NE(read(alive)->json().find(R"("reserved":0,"available":5)"),
            std::string::npos)
    << "the line that was held is given back before the answer";
  auto again = ask<checkout_result>(coordinator, checkout_atom::value, req);
  EXPECT_EQ(again.error, errc::unavailable) << "the key is not left busy";
}

} // namespace
} // namespace doorbuster::actors

namespace doorbuster::actors {
namespace {

/// Products rest after `idle_ms` idle: passivation and activation happen
/// many times within a test.
config::options resting_node(int64_t idle_ms) {
  auto opts = small_node();
  opts.products.passivate_after_ms = idle_ms;
  return opts;
}

// Products created together (a catalog loaded, a node started) must not
// all offer to rest at the same moment: their first idle checks spread
// over half a passivation period, each SKU always at the same point.
TEST(first_idle_check, spreads_products_created_together) {
  using std::chrono::milliseconds;
  const milliseconds after{60000};
  std::vector<size_t> per_tenth(5);
  for (int i = 1; i <= 10000; ++i) {
    char sku[16];
    std::snprintf(sku, sizeof(sku), "SKU-%06d", i);
    auto at = first_idle_check(sku, after);
    ASSERT_GE(at, after) << sku;
    ASSERT_LT(at, after + after / 2) << sku;
    ASSERT_EQ(at, first_idle_check(sku, after)) << sku;
    ++per_tenth[(at - after) * 10 / after];
  }
  // Each tenth of the period after `after` takes about a fifth of them.
  for (auto n : per_tenth) {
    EXPECT_GT(n, 1500u);
    EXPECT_LT(n, 2500u);
  }
}

class passivation_test : public inventory_test {
protected:
  explicit passivation_test(int64_t idle_ms = 30)
    : inventory_test(resting_node(idle_ms)) {}

  /// Products served by an actor and at rest, over every shard.
  std::pair<uint64_t, uint64_t> active_and_passive() {
    uint64_t active = 0, products = 0;
    for (const auto& shard : inv.shards()) {
      auto r = ask<shard_report>(shard, report_atom::value);
      active += r.active;
      products += r.products;
    }
    return {active, products - active};
  }

  /// Waits (5 s at most) until `n` products rest and none is active.
  void wait_until_all_rest(uint64_t n) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (active_and_passive() != std::pair<uint64_t, uint64_t>{0, n}) {
      ASSERT_LT(std::chrono::steady_clock::now(), until)
        << "still active: " << active_and_passive().first;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
  }

  uint64_t metric(const std::string& name) {
    auto text = inv.metrics();
    auto at = text.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos
             ? 0
             : std::stoull(text.substr(at + name.size() + 2));
  }
};

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
} // namespace doorbuster::actors
