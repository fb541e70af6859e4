// The shipped Grafana dashboard and alert rules name only series that
// nodes export: every metric an expression uses is a family in the
// /metrics of a journal node or a cluster node (between them, every
// family), or a recording rule of deploy/prometheus/doorbuster-rules.yml.
// promtool accepts both nodes' expositions.
#include "support/cluster_nodes.hpp"
#include "support/http_client.hpp"
#include "support/node_process.hpp"
#include "support/metrics_check.hpp"
#include "support/pg_database.hpp"
#include "support/read_file.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#ifndef DOORBUSTER_DEPLOY
#define DOORBUSTER_DEPLOY "deploy"
#endif

namespace doorbuster::testing {
namespace {

/// Every name matching `pattern`'s first group in `text`.
std::set<std::string> matches(const std::string& text, const std::regex& re) {
  std::set<std::string> found;
  for (std::sregex_iterator i{text.begin(), text.end(), re}, end; i != end; ++i)
    found.insert((*i)[1].str());
  return found;
}

/// The families a node's /metrics declares, with the series names a
/// histogram adds; promtool must accept the exposition as it is.
void add_families(uint16_t port, std::set<std::string>& names) {
  http_client c{port};
  auto text = c.get("/metrics").body;
  auto lint = promtool_check_metrics(text);
  EXPECT_EQ(lint.status, 0) << lint.output;
  EXPECT_EQ(lint.output, "") << "port " << port;
  std::regex type{R"(# TYPE (\S+) (\S+))"};
  for (std::sregex_iterator i{text.begin(), text.end(), type}, end; i != end;
       ++i) {
    auto name = (*i)[1].str();
    names.insert(name);
    if ((*i)[2] == "histogram")
      for (const char* suffix : {"_bucket", "_sum", "_count"})
        names.insert(name + suffix);
  }
}

TEST(dashboard, every_expression_names_series_the_nodes_export) {
  std::set<std::string> exported{"up"}; // Prometheus's own, per target
  node_process journal_node{{"--demo.products=10"}};
  add_families(journal_node.port(), exported);
  pg_database db{shared_cluster_uri()};
  cluster_nodes cluster{db.uri(), 1, 8};
  ASSERT_TRUE(cluster.wait_settled());
  add_families(cluster.node(0).port(), exported);

  auto rules = read_file(DOORBUSTER_DEPLOY "/prometheus/doorbuster-rules.yml");
  auto recorded = matches(rules, std::regex{R"(record: (\S+))"});
  ASSERT_FALSE(recorded.empty());

  // Metric names in expressions: doorbuster_… and doorbuster:… (recording
  // rules), and `up`.
  std::regex metric{R"(\b(doorbuster[_:][a-z0-9_:]+|up)\b)"};
  auto check = [&](const std::string& where, const std::string& expr) {
    for (const auto& name : matches(expr, metric))
      EXPECT_TRUE(exported.count(name) || recorded.count(name))
        << where << " uses " << name << ", which no node exports: " << expr;
  };

  auto dashboard = nlohmann::json::parse(
    read_file(DOORBUSTER_DEPLOY "/grafana/doorbuster.json"));
  size_t expressions = 0;
  for (const auto& panel : dashboard["panels"])
    for (const auto& target : panel.value("targets", nlohmann::json::array())) {
      check("panel \"" + panel["title"].get<std::string>() + "\"",
            target["expr"]);
      ++expressions;
    }
  EXPECT_GT(expressions, 20u);
  for (const auto& var : dashboard["templating"]["list"])
    if (var["type"] == "query")
      check("variable " + var["name"].get<std::string>(), var["query"]);

  // The rules' expressions too (lines after "expr:", folded or not).
  std::regex expr{R"(expr: ([^\n]*(\n {10,}[^\n]*)*))"};
  size_t rule_exprs = 0;
  for (std::sregex_iterator i{rules.begin(), rules.end(), expr}, end; i != end;
       ++i, ++rule_exprs)
    check("rule", (*i)[1].str());
  EXPECT_EQ(rule_exprs, 18u);
}

} // namespace
} // namespace doorbuster::testing
