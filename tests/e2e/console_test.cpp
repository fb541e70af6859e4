// doorbuster-console against a real node: each command's effect checked
// through the HTTP API, refusals (wrong token, unreachable node, malformed
// arguments) with their exit status and no state change, and the
// interactive shell driven through a real terminal (tmux): completion,
// history and a refreshing `top`.
#include "support/http_client.hpp"
#include "support/metrics_check.hpp"
#include "support/node_process.hpp"
#include "support/read_file.hpp"
#include "support/shell_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <thread>


namespace doorbuster::testing {
namespace {

using bhttp::verb;

class console_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    node = std::make_unique<node_process>(
      std::vector<std::string>{"--demo.products=30", "--products.shards=8"});
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(node->stop(), 0);
    node.reset();
  }

  /// doorbuster-console -c `command` with the node's token.
  command_output console(const std::string& command,
                      const std::string& token = admin_token,
                      const std::string& extra = {}) {
    return run_shell("DOORBUSTER_ADMIN_TOKEN='" + token + "' "
                     + node->console_command() + " " + extra + " -c '"
                     + command + "'");
  }

  int64_t stock(const std::string& sku) {
    return client.get("/v1/products/" + sku).json()["stock"];
  }

  reply buy(const std::string& sku) {
    return client.request(verb::post, "/v1/products/" + sku + "/purchase",
                          R"({"quantity":1,"customer_id":"op"})");
  }

  static inline std::unique_ptr<node_process> node;
  http_client client{node->port()};
};

TEST_F(console_test, status_and_product_show_the_node) {
  auto status = console("status");
  EXPECT_EQ(status.status, 0) << status.output;
  for (auto field : {"uptime_s", "products", "shards", "node.connections",
                     "node.persistence.lag_records"})
    EXPECT_NE(status.output.find(field), std::string::npos) << field;
  auto product = console("product SKU-000003");
  EXPECT_EQ(product.status, 0);
  EXPECT_NE(product.output.find("SKU-000003"), std::string::npos);
  EXPECT_NE(product.output.find("orders_since_start"), std::string::npos);
  auto json = console("product SKU-000003", admin_token, "--json");
  EXPECT_EQ(nlohmann::json::parse(json.output)["product"]["sku"],
            "SKU-000003");
  auto shards = console("shards");
  EXPECT_EQ(shards.status, 0);
  EXPECT_NE(shards.output.find("max_mailbox"), std::string::npos);
}

TEST_F(console_test, stock_and_price_changes_show_in_the_api_at_once) {
  EXPECT_EQ(console("set-stock SKU-000004 77").status, 0);
  EXPECT_EQ(stock("SKU-000004"), 77);
  EXPECT_EQ(console("adjust-stock SKU-000004 -7").status, 0);
  EXPECT_EQ(stock("SKU-000004"), 70);
  EXPECT_EQ(console("adjust-stock SKU-000004 +5").status, 0);
  EXPECT_EQ(stock("SKU-000004"), 75);
  EXPECT_EQ(console("set-price SKU-000004 1234").status, 0);
  EXPECT_EQ(client.get("/v1/products/SKU-000004").json()["price"], 1234);
  auto shown = console("product SKU-000004");
  EXPECT_NE(shown.output.find("75"), std::string::npos);
}

/// doorbuster_admin_commands_total{result="accepted"} from /metrics.
int64_t accepted_commands(http_client& client) {
  return metric_sample(client.get("/metrics").body,
                       "doorbuster_admin_commands_total{result=\"accepted\"}")
    .value_or(-1);
}

TEST_F(console_test, http_admin_calls_go_through_the_admin_actor_too) {
  auto before = accepted_commands(client);
  ASSERT_GE(before, 0);
  ASSERT_EQ(client
              .admin(verb::patch, "/v1/admin/products/SKU-000008",
                     R"({"stock":12})")
              .status,
            200u);
  ASSERT_EQ(client
              .admin(verb::put, "/v1/admin/logging", R"({"level":"warn"})")
              .status,
            200u);
  EXPECT_EQ(accepted_commands(client), before + 2);
  EXPECT_NE(console("product SKU-000008", admin_token, "--json")
              .output.find("\"stock\":12"),
            std::string::npos);
}

TEST_F(console_test, pause_resume_and_sale_window_gate_purchases) {
  ASSERT_EQ(console("pause SKU-000005").status, 0);
  EXPECT_EQ(buy("SKU-000005").error_code(), "not_on_sale");
  EXPECT_EQ(client.get("/v1/products/SKU-000005").status, 200u);
  ASSERT_EQ(console("resume SKU-000005").status, 0);
  EXPECT_EQ(buy("SKU-000005").status, 201u);
  ASSERT_EQ(console("sale-window SKU-000005 2099-01-01T00:00:00Z none").status,
            0);
  EXPECT_EQ(buy("SKU-000005").error_code(), "not_on_sale");
  ASSERT_EQ(console("sale-window SKU-000005 none none").status, 0);
  EXPECT_EQ(buy("SKU-000005").status, 201u);
}

TEST_F(console_test, drain_refuses_writes_and_keeps_reads) {
  ASSERT_EQ(console("drain").status, 0);
  auto refused = buy("SKU-000006");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.error_code(), "draining");
  EXPECT_EQ(client.get("/v1/products/SKU-000006").status, 200u);
  EXPECT_EQ(client.get("/readyz").status, 503u);
  ASSERT_EQ(console("undrain").status, 0);
  EXPECT_EQ(buy("SKU-000006").status, 201u);
  EXPECT_EQ(client.get("/readyz").status, 200u);
}

TEST_F(console_test, snapshot_and_log_level_act_on_the_node) {
  auto snap = console("snapshot");
  EXPECT_EQ(snap.status, 0) << snap.output;
  bool found = false;
  for (const auto& f : std::filesystem::directory_iterator{
         node->data_dir() + "/snapshots"})
    found = found || f.path().extension() == ".msgpack";
  EXPECT_TRUE(found);
  EXPECT_EQ(console("log-level debug").status, 0);
  EXPECT_EQ(console("log-level warn").status, 0);
  EXPECT_NE(console("log-level loud").status, 0);
}

TEST_F(console_test, refusals_are_clear_and_change_nothing) {
  auto before = stock("SKU-000007");
  auto wrong = console("set-stock SKU-000007 1", "not-the-token");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.output.find("wrong admin token"), std::string::npos);
  EXPECT_EQ(wrong.output.find("not-the-token"), std::string::npos)
    << "the token is never echoed";
  auto bad_number = console("set-stock SKU-000007 lots");
  EXPECT_EQ(bad_number.status, 1);
  EXPECT_NE(bad_number.output.find("not a whole number"), std::string::npos);
  auto missing = console("set-stock SKU-000007");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find("usage: set-stock"), std::string::npos);
  EXPECT_EQ(console("frobnicate").status, 2);
  auto unknown = console("product NO-SUCH-SKU");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.output.find("unknown_sku"), std::string::npos);
  EXPECT_EQ(stock("SKU-000007"), before);
  auto metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find("doorbuster_admin_commands_total{result="
                         "\"unauthorized\"} "),
            std::string::npos);
  EXPECT_EQ(metrics.find("doorbuster_admin_commands_total{result="
                         "\"unauthorized\"} 0\n"),
            std::string::npos)
    << "the wrong token was counted";

  auto away = run_shell("DOORBUSTER_ADMIN_TOKEN=x " DOORBUSTER_CONSOLE
                        " --connect=127.0.0.1:1 --tls-dir="
                        + node->tls_dir() + " -c status");
  EXPECT_EQ(away.status, 3);
  EXPECT_NE(away.output.find("node unreachable"), std::string::npos);
  auto no_token = run_shell("env -u DOORBUSTER_ADMIN_TOKEN " DOORBUSTER_CONSOLE
                            " --connect=127.0.0.1:1 --tls-dir="
                            + node->tls_dir() + " -c status");
  EXPECT_EQ(no_token.status, 2);
  EXPECT_NE(no_token.output.find("no admin token"), std::string::npos);
}

/// The interactive shell in a tmux session, read back from its screen.
class tmux_session {
public:
  tmux_session(const std::string& name, const std::string& command)
    : name_(name) {
    run_shell("tmux kill-session -t " + name_);
    EXPECT_EQ(run_shell("tmux new-session -d -x 120 -y 40 -s " + name_ + " \""
                    + command + "\"")
                .status,
              0);
  }
  ~tmux_session() { run_shell("tmux kill-session -t " + name_); }

  void keys(const std::string& keys) {
    run_shell("tmux send-keys -t " + name_ + " " + keys);
  }
  std::string screen() {
    return run_shell("tmux capture-pane -p -t " + name_).output;
  }
  /// Waits until the screen shows `text`; returns the screen.
  std::string wait_for(const std::string& text) {
    std::string now;
    for (int i = 0; i < 100; ++i) {
      now = screen();
      if (now.find(text) != std::string::npos)
        return now;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    ADD_FAILURE() << "screen never showed \"" << text << "\":\n" << now;
    return now;
  }

private:
  std::string name_;
};

TEST_F(console_test, interactive_shell_completes_remembers_and_runs_top) {
  ASSERT_EQ(client
              .admin(verb::put, "/v1/admin/products/ZEBRA-1",
                     R"({"name":"Zebra","description":"d","category":"c",)"
                     R"("price":1,"currency":"USD","stock":500})")
              .status,
            201u);
  auto dir = make_temp_dir("doorbuster-console");
  auto history = dir + "/history";
  tmux_session tmux{"dbconsole" + std::to_string(getpid()),
                    "DOORBUSTER_ADMIN_TOKEN=" + std::string{admin_token}
                      + " " + node->console_command()
                      + " --history-file=" + history};
  // (capture-pane drops trailing blanks, so no trailing space below)
  tmux.wait_for("doorbuster>");
  // Tab completes the command, then the SKU (asked of the node).
  tmux.keys("'pro' Tab");
  tmux.wait_for("doorbuster> product");
  tmux.keys("'ZEB' Tab");
  tmux.wait_for("doorbuster> product ZEBRA-1");
  tmux.keys("Enter");
  tmux.wait_for("orders_since_start");
  // History: Up brings the last line back; it is also in the file.
  tmux.keys("Up");
  auto recalled = tmux.wait_for("doorbuster> product ZEBRA-1");
  tmux.keys("C-u");
  auto saved = read_file(history);
  EXPECT_NE(saved.find("product ZEBRA-1"), std::string::npos);
  // top refreshes: purchases made while it runs appear without a key.
  tmux.keys("'top' Enter");
  tmux.wait_for("q quits");
  for (int i = 0; i < 20; ++i)
    buy("ZEBRA-1");
  auto refreshed = tmux.wait_for("ZEBRA-1");
  EXPECT_NE(refreshed.find("requests_per_s"), std::string::npos);
  tmux.keys("q");
  tmux.keys("'help' Enter");
  auto after = tmux.wait_for("sale-window <sku>");
  EXPECT_NE(after.find("doorbuster> help"), std::string::npos)
    << "q left top and the prompt took the next command";
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace doorbuster::testing
