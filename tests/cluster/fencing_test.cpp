// Fencing: a write made under a lease that is no longer held commits
// nothing, at PostgreSQL and at a real node whose lease was taken away.
#include "cluster/membership.hpp"
#include "domain/shard.hpp"
#include "persistence/pg_store.hpp"
#include "support/cluster_nodes.hpp"
#include "support/pg_database.hpp"

#include <gtest/gtest.h>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

domain::order order_of(const std::string& sku, uint64_t id) {
  domain::order o;
  o.order_id = id;
  o.sku = sku;
  o.quantity = 1;
  o.customer_id = "c";
  o.unit_price = 100;
  o.currency = "USD";
  o.created_at_ms = 1;
  return o;
}

TEST(fencing, a_commit_under_an_old_epoch_writes_nothing) {
  pg_database db{shared_cluster_uri()};
  persistence::pg_store store{db.uri(), "a"};
  store.migrate();
  cluster::membership a{db.uri(), "a", 4, 60000};
  cluster::membership b{db.uri(), "b", 4, 60000};
  a.prepare();
  a.join(1);
  b.join(1);
  const std::string sku = "FENCED-1";
  auto shard = static_cast<uint32_t>(domain::shard_of(sku, 4));
  auto taken = a.acquire({shard});
  ASSERT_EQ(taken.size(), 1u);
  persistence::lease_holder holder{"a", a.generation()};
  auto epoch = taken[0].epoch;
  auto first = store.apply_fenced({{order_of(sku, 1), shard, epoch}}, holder);
  EXPECT_TRUE(first[0]);
  // The lease expires and another node takes it: the old owner's next
  // commit, at its old epoch, is refused and writes nothing.
  db.scalar("UPDATE shard_lease SET expires_at = clock_timestamp() - "
            "interval '1 second' WHERE shard = "
            + std::to_string(shard) + " RETURNING 0");
  ASSERT_EQ(b.acquire({shard}).size(), 1u);
  auto late = store.apply_fenced(
    {{order_of(sku, 2), shard, epoch}, {order_of("UNFENCED", 3), 0, 0}},
    holder);
  EXPECT_FALSE(late[0]);
  EXPECT_TRUE(late[1]); // a record without a fence still commits
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE sku = 'FENCED-1'"),
            1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE order_id = 2"), 0);
}

TEST(fencing, a_node_whose_lease_was_taken_acknowledges_no_write) {
  pg_database db{shared_cluster_uri()};
  // A long TTL: the node does not notice the theft through its renewal
  // before the purchase below reaches its committer.
  cluster_nodes nodes{db.uri(), 1, 4, {"--cluster.lease-ttl-ms=60000"}};
  ASSERT_TRUE(nodes.wait_settled());
  http_client client{nodes.node(0).port()};
  const std::string sku = "STOLEN-1";
  ASSERT_EQ(client
              .admin(verb::put, "/v1/admin/products/" + sku,
                     R"({"name":"TV","description":"x","category":"tv",)"
                     R"("price":100,"currency":"USD","stock":10})")
              .status,
            201u);
  const std::string buy = R"({"quantity":1,"customer_id":"c"})";
  ASSERT_EQ(client.request(verb::post, "/v1/products/" + sku + "/purchase", buy)
              .status,
            201u);
  auto shard = domain::shard_of(sku, 4);
  // Another owner takes the lease behind the node's back (as a node that
  // took over an expired lease would).
  db.scalar("UPDATE shard_lease SET owner = 'thief', owner_generation = 999, "
            "epoch = epoch + 1, expires_at = clock_timestamp() + interval '1 "
            "hour' WHERE shard = "
            + std::to_string(shard) + " RETURNING 0");
  auto refused = client.request(verb::post, "/v1/products/" + sku + "/purchase",
                                buy);
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.error_code(), "moved");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders WHERE sku = 'STOLEN-1'"), 1);
  EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'STOLEN-1'"), 9);
}

} // namespace
} // namespace doorbuster::testing
