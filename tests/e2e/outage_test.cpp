// PostgreSQL goes away under load: purchases keep succeeding from the
// journal, /readyz shows the lag, and once PostgreSQL is back the backlog
// drains with nothing lost or applied twice; a node started while it is
// down waits for it. Uses a private cluster, since it stops it.
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"
#include "support/readiness.hpp"
#include "support/test_products.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include <sys/wait.h>

namespace doorbuster::testing {
namespace {

using bhttp::verb;

int pg_cluster(const std::string& cmd, const std::string& state) {
  return std::system((std::string{DOORBUSTER_PG_CLUSTER} + " " + cmd + " "
                      + state)
                       .c_str());
}

/// A private PostgreSQL cluster (the tests stop it), stopped and deleted
/// however the test ends.
struct private_cluster {
  std::string dir = make_temp_dir("doorbuster-outage");
  std::string state = dir + "/cluster";
  bool started = pg_cluster("start", state) == 0;
  ~private_cluster() {
    pg_cluster("stop", state);
    std::filesystem::remove_all(dir);
  }
};

TEST(outage, purchases_continue_while_postgres_is_down_and_backlog_drains) {
  private_cluster pg;
  ASSERT_TRUE(pg.started);
  const auto& state = pg.state;
  {
    pg_database db{cluster_uri(state)};
    node_process node{{"--demo.products=0", "--persistence.pg-uri=" + db.uri(),
                       "--persistence.max-ready-lag-s=1",
                       "--persistence.max-backoff-ms=200"}};
    http_client client{node.port()};
    ASSERT_EQ(put_products(client, "OUT", 1, 100000).size(), 1u);
    auto buy = [&](int n) {
      int ok = 0;
      for (int i = 0; i < n; ++i)
        ok += client.request(verb::post, "/v1/products/OUT-0/purchase",
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
    EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'OUT-0'"),
              99000);
    auto text = client.get("/metrics").body;
    EXPECT_EQ(text.find("doorbuster_writebehind_errors_total 0"),
              std::string::npos)
      << "the outage's failed batches are counted";
  }
}

TEST(outage, a_node_started_while_postgres_is_down_waits_for_it) {
  private_cluster pg;
  ASSERT_TRUE(pg.started);
  const auto& dir = pg.dir;
  const auto& state = pg.state;
  pg_database db{cluster_uri(state)};
  std::vector<std::string> args{"--demo.products=0",
                                "--persistence.pg-uri=" + db.uri()};
  ASSERT_EQ(pg_cluster("halt", state), 0);

  // SIGTERM ends the wait at once, cleanly.
  {
    auto pid = spawn({DOORBUSTER_BINARY, "--http.port=0", "--admin.port=0",
                      "--persistence.data-dir=" + dir + "/data0",
                      "--demo.products=0", "--persistence.pg-uri=" + db.uri()},
                     dir + "/log0");
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    ASSERT_EQ(::kill(pid, SIGTERM), 0);
    int status = -1;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (waitpid(pid, &status, WNOHANG) != pid) {
      ASSERT_LT(std::chrono::steady_clock::now(), until) << "SIGTERM ignored";
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  // It waits rather than exits, and serves once PostgreSQL is back.
  auto started = std::chrono::steady_clock::now();
  std::thread back{[&] {
    std::this_thread::sleep_for(std::chrono::seconds{3});
    pg_cluster("resume", state);
  }};
  launch_options launch;
  launch.log_to_file = true;
  std::unique_ptr<node_process> node;
  try {
    node = std::make_unique<node_process>(args, "", launch);
  } catch (const std::exception& ex) {
    back.join();
    FAIL() << ex.what();
  }
  back.join();
  EXPECT_GE(std::chrono::steady_clock::now() - started,
            std::chrono::seconds{3});
  EXPECT_NE(node->log().find("postgres: unreachable at start, retrying"),
            std::string::npos)
    << node->log();
  http_client client{node->port()};
  ASSERT_EQ(put_products(client, "LATE", 1, 10).size(), 1u);
  ASSERT_EQ(client
              .request(verb::post, "/v1/products/LATE-0/purchase",
                       R"({"quantity":1,"customer_id":"c"})")
              .status,
            201u);
  ASSERT_TRUE(wait_caught_up(client));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), 1);
}

} // namespace
} // namespace doorbuster::testing
