// A real Prometheus (Debian's) scrapes a live node with the shipped rules
// loaded: the node's series arrive with the types and labels dashboards and
// alerts expect, every rule evaluates without error, and promtool accepts
// the node's exposition as it is.
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/metrics_check.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#ifndef DOORBUSTER_DEPLOY
#define DOORBUSTER_DEPLOY "deploy"
#endif
#ifndef DOORBUSTER_VERSION
#define DOORBUSTER_VERSION "0.0.0"
#endif

namespace doorbuster::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// A loopback port nobody listens on (Prometheus cannot report one it
/// picked itself).
uint16_t free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a{
    ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

/// Prometheus on a free loopback port, scraping `target` every second with
/// the shipped rules.
class prometheus {
public:
  explicit prometheus(uint16_t target)
    : dir_(make_temp_dir("doorbuster-prometheus")), port_(free_port()) {
    std::ofstream{dir_ + "/prometheus.yml"}
      << "global:\n"
         "  scrape_interval: 1s\n"
         "  evaluation_interval: 1s\n"
         "rule_files:\n"
         "  - " DOORBUSTER_DEPLOY "/prometheus/doorbuster-rules.yml\n"
         "scrape_configs:\n"
         "  - job_name: doorbuster\n"
         "    static_configs:\n"
         "      - targets: ['127.0.0.1:"
      << target << "']\n";
    process_ = std::make_unique<child_process>(
      std::vector<std::string>{
        "/usr/bin/prometheus", "--config.file=" + dir_ + "/prometheus.yml",
        "--storage.tsdb.path=" + dir_ + "/data",
        "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
      dir_ + "/log");
  }
  ~prometheus() {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }

  /// GET on its HTTP API; the "data" of a successful answer.
  json api(const std::string& target) {
    http_client c{port_, contract::ignore};
    auto r = c.get(target);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    auto body = json::parse(r.body);
    EXPECT_EQ(body["status"], "success") << r.body;
    return body["data"];
  }

  /// The same, or nullopt while it is not ready (503 as its storage
  /// starts) or the call did not succeed.
  std::optional<json> api_if_ready(const std::string& target) {
    http_client c{port_, contract::ignore};
    auto r = c.get(target);
    if (r.status != 200)
      return std::nullopt;
    auto body = json::parse(r.body);
    if (body["status"] != "success")
      return std::nullopt;
    return body["data"];
  }

  /// Waits until `ok(api(target))` holds; false after `timeout`.
  template <class Check>
  bool wait_for(const std::string& target, Check ok,
                std::chrono::seconds timeout = 30s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (!process_->running())
        return false;
      try {
        if (auto data = api_if_ready(target); data && ok(*data))
          return true;
      } catch (const std::exception&) { // not listening yet
      }
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  std::string log() const { return process_->log(); }

private:
  std::string dir_;
  uint16_t port_;
  std::unique_ptr<child_process> process_;
};

/// Label names of the series of `metric`, other than __name__.
std::set<std::string> label_names(const json& series) {
  std::set<std::string> names;
  for (const auto& s : series)
    for (const auto& [k, v] : s.items())
      if (k != "__name__")
        names.insert(k);
  return names;
}

TEST(prometheus, scrapes_the_node_with_the_expected_types_labels_and_rules) {
  node_process node{{"--demo.products=50"}};
  http_client client{node.port()};
  auto page = client.get("/v1/products/SKU-000001");
  ASSERT_EQ(page.status, 200u);
  int64_t stock = page.json()["stock"];
  ASSERT_EQ(client
              .request(bhttp::verb::post, "/v1/products/SKU-000001/purchase",
                       R"({"quantity":1,"customer_id":"p"})")
              .status,
            201u);
  ASSERT_EQ(client.get("/v1/products/NO-SUCH").status, 404u);

  // promtool's lint of the exposition as the node serves it.
  auto scrape = client.get("/metrics");
  ASSERT_EQ(scrape.status, 200u);
  auto lint = promtool_check_metrics(scrape.body);
  EXPECT_EQ(lint.status, 0) << lint.output;
  EXPECT_EQ(lint.output, "");

  prometheus prom{node.port()};
  ASSERT_TRUE(prom.wait_for("/api/v1/targets", [](const json& d) {
    return d["activeTargets"].size() == 1
           && d["activeTargets"][0]["health"] == "up";
  })) << prom.log();

  // Types as Prometheus recorded them from the scrape.
  std::map<std::string, std::string> types{
    {"doorbuster_http_requests_total", "counter"},
    {"doorbuster_http_request_duration_seconds", "histogram"},
    {"doorbuster_http_errors_total", "counter"},
    {"doorbuster_http_open_connections", "gauge"},
    {"doorbuster_orders_total", "counter"},
    {"doorbuster_queue_depth_max", "gauge"},
    {"doorbuster_product_queue_limit", "gauge"},
    {"doorbuster_ready", "gauge"},
    {"doorbuster_build_info", "gauge"},
    {"doorbuster_writebehind_lag_seconds", "gauge"},
    {"doorbuster_data_disk_free_bytes", "gauge"},
    {"doorbuster_data_disk_size_bytes", "gauge"},
    {"doorbuster_product_orders_total", "counter"},
    {"doorbuster_product_stock", "gauge"}};
  ASSERT_TRUE(prom.wait_for("/api/v1/metadata", [&](const json& d) {
    for (const auto& [name, type] : types)
      if (!d.contains(name))
        return false;
    return true;
  }));
  auto metadata = prom.api("/api/v1/metadata");
  for (const auto& [name, type] : types)
    EXPECT_EQ(metadata[name][0]["type"], type) << name;

  // Labels, and the values a dashboard selects on.
  auto requests =
    prom.api("/api/v1/series?match%5B%5D=doorbuster_http_requests_total");
  EXPECT_EQ(label_names(requests),
            (std::set<std::string>{"instance", "job", "route", "status"}));
  bool purchase_201 = false;
  for (const auto& s : requests)
    purchase_201 |= s["route"] == "purchase" && s["status"] == "201";
  EXPECT_TRUE(purchase_201) << requests.dump();
  EXPECT_EQ(label_names(prom.api("/api/v1/series?match%5B%5D="
                                 "doorbuster_http_request_duration_seconds_"
                                 "bucket")),
            (std::set<std::string>{"instance", "job", "le", "route"}));
  auto errors =
    prom.api("/api/v1/series?match%5B%5D=doorbuster_http_errors_total");
  EXPECT_EQ(label_names(errors),
            (std::set<std::string>{"code", "instance", "job"}));
  EXPECT_EQ(errors[0]["code"], "unknown_sku");
  auto build = prom.api("/api/v1/query?query=doorbuster_build_info");
  ASSERT_EQ(build["result"].size(), 1u);
  EXPECT_EQ(build["result"][0]["metric"]["version"], DOORBUSTER_VERSION);
  // The best seller, with its stock left.
  auto sold = prom.api("/api/v1/query?query=doorbuster_product_orders_total");
  ASSERT_EQ(sold["result"].size(), 1u) << sold.dump();
  EXPECT_EQ(sold["result"][0]["metric"]["sku"], "SKU-000001");
  EXPECT_EQ(sold["result"][0]["value"][1], "1");
  auto left = prom.api("/api/v1/query?query=doorbuster_product_stock");
  ASSERT_EQ(left["result"].size(), 1u) << left.dump();
  EXPECT_EQ(left["result"][0]["value"][1], std::to_string(stock - 1));
  auto ready = prom.api("/api/v1/query?query=doorbuster_ready");
  ASSERT_EQ(ready["result"].size(), 1u);
  EXPECT_EQ(ready["result"][0]["value"][1], "1");

  // Every alert evaluated without error, none firing on a healthy node.
  ASSERT_TRUE(prom.wait_for("/api/v1/rules", [](const json& d) {
    for (const auto& g : d["groups"])
      for (const auto& r : g["rules"])
        if (r["lastEvaluation"].get<std::string>().rfind("0001-", 0) == 0)
          return false;
    return !d["groups"].empty();
  })) << prom.log();
  size_t alerts = 0;
  auto rules = prom.api("/api/v1/rules");
  for (const auto& g : rules["groups"])
    for (const auto& r : g["rules"]) {
      EXPECT_EQ(r["health"], "ok") << r.dump();
      if (r["type"] == "alerting") {
        ++alerts;
        EXPECT_EQ(r["state"], "inactive") << r.dump();
      }
    }
  EXPECT_EQ(alerts, 11u);
}

} // namespace
} // namespace doorbuster::testing
