// doorbuster-console's flush against a node writing behind to a real
// PostgreSQL: with the write-behind period far away, PostgreSQL is current
// right after `flush` answers.
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/pg_database.hpp"
#include "support/shell_command.hpp"

#include <gtest/gtest.h>


namespace doorbuster::testing {
namespace {

int run_console(const node_process& node, const std::string& command,
                std::string& output) {
  auto run = run_shell("DOORBUSTER_ADMIN_TOKEN=" + std::string{admin_token}
                       + " " + node.console_command() + " -c '" + command
                       + "'");
  output += run.output;
  return run.status;
}

TEST(console_flush, flush_makes_postgres_current) {
  pg_database db{shared_cluster_uri()};
  node_process node{{"--demo.products=5", "--persistence.pg-uri=" + db.uri(),
                     "--persistence.flush-interval-ms=600000"}};
  http_client client{node.port()};
  // The first write-behind round at start-up has run; wait for it.
  std::string out;
  ASSERT_EQ(run_console(node, "flush", out), 0) << out;
  auto before = db.scalar("SELECT count(*) FROM orders");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(client
                .request(bhttp::verb::post,
                         "/v1/products/SKU-000001/purchase",
                         R"({"quantity":1,"customer_id":"op"})")
                .status,
              201u);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), before)
    << "write-behind runs only every 10 minutes here";
  out.clear();
  EXPECT_EQ(run_console(node, "flush", out), 0) << out;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM orders"), before + 3);
  EXPECT_EQ(db.scalar("SELECT stock FROM products WHERE sku = 'SKU-000001'"),
            client.get("/v1/products/SKU-000001").json()["stock"]);
  out.clear();
  EXPECT_EQ(run_console(node, "snapshot", out), 1);
  EXPECT_NE(out.find("keeps no snapshots"), std::string::npos) << out;
  EXPECT_EQ(node.stop(), 0);
}

} // namespace
} // namespace doorbuster::testing
