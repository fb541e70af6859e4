// The inventory with its real actors and a real journal on disk: routing,
// catalog updates, durability before answers, and many threads purchasing
// one SKU at once.
#include "inventory_fixture.hpp"

#include <mutex>
#include <set>

namespace doorbuster::actors::test {
namespace {

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
  // No write was under way: every page was read on the calling thread.
  EXPECT_NE(text.find("doorbuster_catalog_pages_passed_on_total 0\n"),
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
} // namespace doorbuster::actors::test
