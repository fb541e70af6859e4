// The inventory with its real actors and a real journal on disk: routing,
// catalog updates, durability before answers, and many threads purchasing
// one SKU at once.
#include "actors/inventory.hpp"
#include "persistence/journal_actor.hpp"
#include "persistence/journal_files.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <set>
#include <thread>

namespace doorbuster::actors {
namespace {

/// Waits for a reply_fn's value; tests only (blocks the calling thread).
template <class T>
struct awaited {
  std::promise<T> promise;
  reply_fn<T> fn() {
    return [this](T value) { promise.set_value(std::move(value)); };
  }
  T get() {
    auto future = promise.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds{10}),
              std::future_status::ready);
    return future.get();
  }
};

product_fields fields(int64_t stock, std::string category = "toys") {
  return {"Ball", "round", std::move(category), 500, "EUR", stock};
}

std::string temp_dir() {
  return testing::make_temp_dir("doorbuster-inv");
}

class inventory_test : public ::testing::Test {
protected:
  std::string dir = temp_dir();
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  persistence::status stat;
  caf::actor journal = persistence::spawn_journal(sys, {dir}, 1, {}, &stat);
  inventory inv{sys, journal, {8, 2, 100, 3}};

  ~inventory_test() override {
    inv.stop();
    caf::anon_send(journal, persistence::stop_atom::value);
    sys.await_all_actors_done();
    std::filesystem::remove_all(dir);
  }

  /// Every record in the journal files, in order.
  std::vector<persistence::journal_record> journaled() {
    std::vector<persistence::journal_record> out;
    persistence::scan_journal(dir, false, [&](persistence::journal_record& r) {
      out.push_back(r);
    });
    return out;
  }

  write_result put(const std::string& sku, product_fields f) {
    awaited<write_result> w;
    inv.put_product(sku, std::move(f), w.fn());
    return w.get();
  }

  purchase_result buy(const std::string& sku, int64_t q,
                      std::string key = {}) {
    awaited<purchase_result> w;
    inv.purchase({sku, q, "c", std::move(key)}, w.fn());
    return w.get();
  }

  product_doc_ptr read(const std::string& sku) {
    awaited<product_doc_ptr> w;
    inv.get_product(sku, w.fn());
    return w.get();
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
  awaited<write_result> w;
  inv.patch_product("NOPE", {}, w.fn());
  EXPECT_EQ(w.get().error, errc::unknown_sku);
}

TEST_F(inventory_test, read_after_write_sees_the_new_stock_at_once) {
  put("A", fields(10));
  for (int i = 1; i <= 5; ++i) {
    auto res = buy("A", 1);
    ASSERT_EQ(res.error, errc::ok);
    auto doc = read("A");
    ASSERT_NE(doc, nullptr);
    EXPECT_NE(doc->json.find("\"stock\":" + std::to_string(10 - i)),
              std::string::npos)
      << doc->json;
  }
}

TEST_F(inventory_test, every_answered_change_is_already_in_the_journal) {
  put("A", fields(10));
  auto res = buy("A", 3, "key-1");
  ASSERT_EQ(res.error, errc::ok);
  EXPECT_GE(stat.durable_seq.load(), 2u);
  auto records = journaled();
  ASSERT_EQ(records.size(), 2u);
  const auto& order = std::get<persistence::order_record>(records[1].entry);
  EXPECT_EQ(order.order_id, res.order_id);
  EXPECT_EQ(order.quantity, 3);
  EXPECT_EQ(order.stock_after, 7);
  EXPECT_EQ(order.idempotency_key, "key-1");
  auto again = buy("A", 3, "key-1");
  EXPECT_EQ(again.order_id, res.order_id);
  EXPECT_EQ(journaled().size(), 2u) << "a replayed key is not journaled again";
}

TEST_F(inventory_test, restore_brings_back_state_version_and_keys) {
  restored_product saved;
  saved.sku = "R";
  saved.fields = fields(9);
  saved.version = 41;
  purchase_result answer;
  answer.order_id = 77;
  answer.sku = "R";
  answer.quantity = 2;
  answer.remaining = 9;
  saved.orders.push_back({"k", 2, "c", answer});
  awaited<size_t> done;
  inv.restore({saved}, done.fn());
  EXPECT_EQ(done.get(), 1u);
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
  EXPECT_NE(doc->json.find("\"stock\":0"), std::string::npos);
}

TEST_F(inventory_test, put_many_answers_once_with_every_result) {
  std::vector<inventory::product_entry> entries;
  for (int i = 0; i < 300; ++i)
    entries.emplace_back("P" + std::to_string(i), fields(i));
  awaited<std::vector<write_result>> w;
  inv.put_many(std::move(entries), w.fn());
  auto results = w.get();
  ASSERT_EQ(results.size(), 300u);
  for (const auto& r : results)
    EXPECT_TRUE(r.created);
  awaited<std::string> cats;
  inv.categories(cats.fn());
  EXPECT_EQ(cats.get(), R"([{"name":"toys","count":300}])");
}

checkout_result order(inventory& inv, std::vector<checkout_line> items,
                      int64_t deadline_ns = 0) {
  checkout_request req;
  req.customer_id = "c";
  req.items = std::move(items);
  req.reserve_only = false;
  req.deadline_ns = deadline_ns;
  awaited<checkout_result> w;
  inv.checkout(std::move(req), w.fn());
  return w.get();
}

TEST_F(inventory_test, order_journals_holds_then_its_decision_then_sales) {
  put("A", fields(5));
  put("B", fields(5));
  auto res = order(inv, {{"B", 2}, {"A", 1}});
  ASSERT_EQ(res.error, errc::ok);
  ASSERT_EQ(res.lines.size(), 2u);
  EXPECT_EQ(res.lines[0].sku, "A") << "lines are taken in SKU order";
  // Recovery relies on this order: the decision follows every durable
  // hold and precedes every sale.
  size_t last_hold = 0, decision = 0, first_sale = SIZE_MAX, sales = 0;
  auto records = journaled();
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& e = records[i].entry;
    if (std::holds_alternative<persistence::hold_record>(e))
      last_hold = i;
    if (std::holds_alternative<persistence::checkout_record>(e))
      decision = i;
    if (auto* o = std::get_if<persistence::order_record>(&e);
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
  auto past = std::chrono::steady_clock::now().time_since_epoch().count() - 1;
  auto res = order(inv, {{"A", 1}, {"B", 1}}, past);
  EXPECT_EQ(res.error, errc::deadline_exceeded);
  for (const auto* sku : {"A", "B"}) {
    awaited<product_doc_ptr> doc;
    inv.get_product(sku, doc.fn());
    EXPECT_NE(doc.get()->json.find(R"("reserved":0,"available":5)"),
              std::string::npos)
      << sku;
  }
}

} // namespace
} // namespace doorbuster::actors
