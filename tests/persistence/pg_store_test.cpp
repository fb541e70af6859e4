// pg_store against a real PostgreSQL (the CTest fixture's cluster).
#include "persistence/pg_store.hpp"

#include "support/pg_database.hpp"

#include <gtest/gtest.h>

namespace doorbuster::persistence {
namespace {

using testing::pg_database;
using testing::shared_cluster_uri;

journal_record product(uint64_t seq, const std::string& sku, int64_t stock,
                       uint64_t version) {
  return {seq, product_record{sku, "Name", "Desc", "cat", 100, "USD", stock,
                              version}};
}

journal_record order(uint64_t seq, uint64_t id, const std::string& sku,
                     int64_t stock_after, uint64_t version_after,
                     std::string key = {}) {
  return {seq, order_record{id, sku, 1, "c", std::move(key), 100, "USD",
                            1700000000000, stock_after, version_after}};
}

TEST(pg_store, migrates_once_and_is_idempotent) {
  pg_database db{shared_cluster_uri()};
  pg_store{db.uri(), "n1"}.migrate();
  pg_store{db.uri(), "n1"}.migrate();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM schema_version"), 1);
  EXPECT_EQ(db.scalar("SELECT max(version) FROM schema_version"), 1);
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
  journal_record tricky{1, product_record{"Q", "it's a \"test\"; DROP TABLE x",
                                          "back\\slash", "c", 1, "USD", 1, 1}};
  store.apply({tricky});
  recovered_state state{10};
  store.load(state, 10);
  EXPECT_EQ(state.products().at("Q").state.name,
            "it's a \"test\"; DROP TABLE x");
  EXPECT_EQ(state.products().at("Q").state.description, "back\\slash");
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
  const auto& a = state.products().at("A");
  EXPECT_EQ(a.state.stock, 6);
  ASSERT_EQ(a.orders.size(), 2u);
  EXPECT_EQ(a.orders[0].key, "k2");
  EXPECT_EQ(a.orders[1].key, "k3");
  EXPECT_EQ(a.orders[1].remaining, 7);
  EXPECT_EQ(store.max_order_id(), 103u);
}

} // namespace
} // namespace doorbuster::persistence
