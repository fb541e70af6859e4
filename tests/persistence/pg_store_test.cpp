// pg_store against a real PostgreSQL (the CTest fixture's cluster).
#include "persistence/migrations.hpp"
#include "persistence/pg_store.hpp"

#include "support/pg_database.hpp"

#include <gtest/gtest.h>

namespace doorbuster::persistence {
namespace {

using testing::pg_database;
using testing::shared_cluster_uri;

journal_record product(uint64_t seq, const std::string& sku, int64_t stock,
                       uint64_t version) {
  return {seq, domain::product_state{
                 .sku = sku,
                 .fields = {"Name", "Desc", "cat", 100, "USD", stock},
                 .version = version}};
}

journal_record order(uint64_t seq, uint64_t id, const std::string& sku,
                     int64_t stock_after, uint64_t version_after,
                     std::string key = {}) {
  return {seq, domain::order{.order_id = id,
                             .sku = sku,
                             .quantity = 1,
                             .customer_id = "c",
                             .idempotency_key = std::move(key),
                             .unit_price = 100,
                             .currency = "USD",
                             .created_at_ms = 1700000000000,
                             .after = {.stock = stock_after,
                                       .version = version_after}}};
}

TEST(pg_store, migrates_once_and_is_idempotent) {
  pg_database db{shared_cluster_uri()};
  pg_store{db.uri(), "n1"}.migrate();
  pg_store{db.uri(), "n1"}.migrate();
  auto versions = static_cast<int64_t>(migrations().size());
  EXPECT_EQ(db.scalar("SELECT count(*) FROM schema_version"), versions);
  EXPECT_EQ(db.scalar("SELECT max(version) FROM schema_version"), versions);
}

TEST(pg_store, applies_a_batch_with_its_watermark_exactly_once) {
  pg_database db{shared_cluster_uri()};
  pg_store store{db.uri(), "n1"};
  store.migrate();
  std::vector<journal_record> batch{product(1, "A", 10, 1),
                                    order(2, 100, "A", 9, 2, "k1"),
                                    order(3, 101, "A", 8, 3),
                                    product(4, "B", 5, 1)};
  store.apply(batch);
  store.apply(batch); // a retried batch changes nothing
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 2);
  EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'A'"), 8);
  EXPECT_EQ(db.scalar("SELECT version FROM products WHERE sku = 'A'"), 3);
  EXPECT_EQ(db.scalar("SELECT last_seq FROM flush_watermark "
                      "WHERE node_id = 'n1'"),
            4);
  // An older state never overwrites a newer one.
  store.apply({product(5, "A", 50, 2)});
  EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'A'"), 8);
}

TEST(pg_store, quotes_text_safely) {
  pg_database db{shared_cluster_uri()};
  pg_store store{db.uri(), "n1"};
  store.migrate();
  journal_record tricky{
    1, domain::product_state{.sku = "Q",
                             .fields = {"it's a \"test\"; DROP TABLE x",
                                        "back\\slash", "c", 1, "USD", 1},
                             .version = 1}};
  store.apply({tricky});
  recovered_state state{10};
  store.load(state, 10);
  EXPECT_EQ(state.product("Q").value().state.fields.name,
            "it's a \"test\"; DROP TABLE x");
  EXPECT_EQ(state.product("Q").value().state.fields.description,
            "back\\slash");
}

TEST(pg_store, loads_products_recent_keys_and_watermark) {
  pg_database db{shared_cluster_uri()};
  pg_store store{db.uri(), "n1"};
  store.migrate();
  store.apply({product(1, "A", 10, 1), order(2, 100, "A", 9, 2, "k1"),
               order(3, 101, "A", 8, 3, "k2"), order(4, 102, "A", 7, 4, "k3"),
               order(5, 103, "A", 6, 5)});
  recovered_state state{2};
  EXPECT_EQ(store.load(state, 2), 5u);
  const auto a = state.product("A").value();
  EXPECT_EQ(a.state.fields.stock, 6);
  ASSERT_EQ(a.purchases.size(), 2u);
  EXPECT_EQ(a.purchases[0].key, "k2");
  EXPECT_EQ(a.purchases[1].key, "k3");
  EXPECT_EQ(a.purchases[1].remaining, 7);
  EXPECT_EQ(store.max_order_id(), 103u);
}

/// A hold placed, with the product's counters afterwards.
journal_record held(uint64_t seq, uint64_t checkout, const std::string& sku,
                    const std::string& customer, int64_t qty, int64_t stock,
                    int64_t reserved, uint64_t version) {
  domain::hold_record h;
  h.placed.checkout_id = checkout;
  h.placed.sku = sku;
  h.placed.customer_id = customer;
  h.placed.quantity = qty;
  h.placed.expires_at_ms = 1'900'000'000'000;
  h.placed.kind = domain::checkout_kind::reservation;
  h.after = {stock, reserved, version};
  return {seq, h};
}

journal_record sold(uint64_t seq, uint64_t checkout, uint64_t order_id,
                    const std::string& sku, const std::string& customer,
                    int64_t qty, int64_t stock, int64_t reserved,
                    uint64_t version) {
  return {seq, domain::order{.order_id = order_id,
                             .sku = sku,
                             .quantity = qty,
                             .customer_id = customer,
                             .unit_price = 100,
                             .currency = "USD",
                             .created_at_ms = 1'700'000'000'000,
                             .after = {stock, reserved, version},
                             .checkout_id = checkout}};
}

TEST(pg_store, holds_decisions_and_sales_load_as_they_were_journaled) {
  pg_database db{shared_cluster_uri()};
  pg_store store{db.uri(), "n1"};
  store.migrate();
  std::vector<journal_record> journal{
    product(1, "A", 10, 1),
    product(2, "B", 10, 1),
    held(3, 7, "A", "ann", 2, 10, 2, 2),           // checkout 7: A and B
    held(4, 7, "B", "ann", 1, 10, 1, 2),
    held(5, 8, "A", "bob", 3, 10, 5, 3),           // checkout 8: released
    {6, domain::checkout_decision{7, "ann", {{"A", 500}, {"B", 501}}}},
    sold(7, 7, 500, "A", "ann", 2, 8, 3, 4),       // A sold, B not yet
    {8, domain::release_record{8, "A", {8, 0, 5}}},
    held(9, 9, "B", "cy", 4, 10, 5, 3),            // checkout 9: live
  };
  // Two batches, split inside checkout 7, as write-behind may do.
  store.apply({journal.begin(), journal.begin() + 6});
  store.apply({journal.begin() + 6, journal.end()});
  recovered_state folded{10};
  for (const auto& rec : journal)
    folded.apply(rec);
  recovered_state loaded{10};
  EXPECT_EQ(store.load(loaded, 10), 9u);
  for (const auto* state : {&folded, &loaded}) {
    const auto a = state->product("A").value();
    const auto b = state->product("B").value();
    EXPECT_EQ(a.state.fields.stock, 8);
    EXPECT_EQ(a.state.reserved, 0);
    EXPECT_TRUE(a.holds.empty());
    EXPECT_EQ(a.customers.at("ann"), 2);
    EXPECT_EQ(a.customers.count("bob"), 0u) << "released units are not taken";
    EXPECT_EQ(b.state.reserved, 5);
    ASSERT_EQ(b.holds.size(), 2u);
    EXPECT_EQ(b.holds.at(7).placed.order_id, 501u)
      << "decided but not sold: recovery must sell it";
    EXPECT_EQ(b.holds.at(9).placed.order_id, 0u);
    EXPECT_EQ(b.holds.at(9).placed.expires_at_ms, 1'900'000'000'000);
    EXPECT_EQ(b.customers.at("ann"), 1);
    EXPECT_EQ(b.customers.at("cy"), 4);
  }
  EXPECT_EQ(store.max_order_id(), 501u) << "decided ids count as used";
  for (const auto* state : {&folded, &loaded}) {
    ASSERT_EQ(state->checkouts().count(7), 1u) << "its sold line is kept";
    const auto& sold = state->checkouts().at(7);
    EXPECT_EQ(sold.customer_id, "ann");
    ASSERT_EQ(sold.lines.size(), 1u);
    EXPECT_EQ(sold.lines[0].order_id, 500u);
  }
}

} // namespace
} // namespace doorbuster::persistence
