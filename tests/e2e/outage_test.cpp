// PostgreSQL goes away under load: purchases keep succeeding from the
// journal, /readyz shows the lag, and once PostgreSQL is back the backlog
// drains with nothing lost or applied twice. Uses a private cluster, since
// it stops it.
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"
#include "support/readiness.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

int pg_cluster(const std::string& cmd, const std::string& state) {
  return std::system((std::string{DOORBUSTER_PG_CLUSTER} + " " + cmd + " "
                      + state)
                       .c_str());
}

/// Stops and deletes the private cluster however the test ends.
struct cluster_guard {
  std::string dir;
  std::string state;
  ~cluster_guard() {
    pg_cluster("stop", state);
    std::filesystem::remove_all(dir);
  }
};

TEST(outage, purchases_continue_while_postgres_is_down_and_backlog_drains) {
  auto dir = make_temp_dir("doorbuster-outage");
  auto state = dir + "/cluster";
  cluster_guard guard{dir, state};
  ASSERT_EQ(pg_cluster("start", state), 0);
  {
    pg_database db{cluster_uri(state)};
    node_process node{{"--demo.products=0", "--persistence.pg-uri=" + db.uri(),
                       "--persistence.max-ready-lag-s=1",
                       "--persistence.max-backoff-ms=200"}};
    http_client client{node.port()};
    ASSERT_EQ(client
                .admin(verb::put, "/v1/admin/products/OUT-1",
                       R"({"name":"Hot","description":"d","category":"c",)"
                       R"("price":100,"currency":"USD","stock":100000})")
                .status,
              201u);
    auto buy = [&](int n) {
      int ok = 0;
      for (int i = 0; i < n; ++i)
        ok += client.request(verb::post, "/v1/products/OUT-1/purchase",
                             R"({"quantity":2,"customer_id":"c"})")
                  .status
              == 201;
      return ok;
    };
    EXPECT_EQ(buy(100), 100);
    ASSERT_TRUE(wait_caught_up(client));

    ASSERT_EQ(pg_cluster("halt", state), 0);
    EXPECT_EQ(buy(300), 300) << "writes keep succeeding from the journal";
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    auto ready = client.get("/readyz");
    EXPECT_EQ(ready.status, 503u) << ready.body;
    EXPECT_GE(ready.json()["persistence"]["lag_records"].get<int64_t>(), 300);
    EXPECT_FALSE(ready.json()["persistence"]["sink_up"].get<bool>());

    ASSERT_EQ(pg_cluster("resume", state), 0);
    EXPECT_EQ(buy(100), 100);
    ASSERT_TRUE(wait_caught_up(client));
    EXPECT_EQ(client.get("/readyz").status, 200u);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 500);
    EXPECT_EQ(db.scalar("SELECT sum(quantity) FROM orders"), 1000);
    EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'OUT-1'"),
              99000);
    auto text = client.get("/metrics").body;
    EXPECT_EQ(text.find("doorbuster_writebehind_errors_total 0"),
              std::string::npos)
      << "the outage's failed batches are counted";
  }
}

} // namespace
} // namespace doorbuster::testing
