// The load generator's schedule and accounting, without a clock: the
// profile is a pure function of elapsed time.
#include "bench/loadgen/profile.hpp"
#include "bench/loadgen/recorder.hpp"

#include <gtest/gtest.h>

namespace doorbuster::loadgen {
namespace {

/// Send times of a profile, as the open-loop driver schedules them.
size_t sends_between(const profile& p, double from, double to) {
  size_t n = 0;
  for (double t = 0; t < p.duration; t = p.next_send(t))
    n += t >= from && t < to;
  return n;
}

TEST(profile, a_steady_rate_sends_that_many_per_second) {
  profile p;
  p.base_rate = 1000;
  p.duration = 5;
  EXPECT_NEAR(sends_between(p, 0, 5), 5000, 2);
  EXPECT_NEAR(sends_between(p, 2, 3), 1000, 2);
}

TEST(profile, a_spike_ramps_holds_and_decays) {
  profile p{100, 20, 10, 5, 20, 5, 50};
  EXPECT_DOUBLE_EQ(p.rate_at(5), 100);
  EXPECT_DOUBLE_EQ(p.rate_at(12.5), 100 + (2000 - 100) * 0.5);
  EXPECT_DOUBLE_EQ(p.rate_at(20), 2000);
  EXPECT_DOUBLE_EQ(p.rate_at(37.5), 2000 - (2000 - 100) * 0.5);
  EXPECT_DOUBLE_EQ(p.rate_at(45), 100);
  EXPECT_NEAR(sends_between(p, 20, 30), 20000, 5);
  EXPECT_NEAR(sends_between(p, 0, 10), 1000, 2);
}

TEST(recorder, classifies_statuses_and_merges_per_second) {
  EXPECT_EQ(classify(201), outcome::ok);
  EXPECT_EQ(classify(304), outcome::ok);
  EXPECT_EQ(classify(409), outcome::conflict);
  EXPECT_EQ(classify(429), outcome::limited);
  EXPECT_EQ(classify(503), outcome::shed);
  EXPECT_EQ(classify(500), outcome::other);
  EXPECT_EQ(classify(0), outcome::failed);
  recorder a, b;
  a.offered(0);
  a.completed(0, "read", outcome::ok, 2.0);
  b.offered(1);
  b.completed(1, "read", outcome::shed, 4.0);
  b.completed(1, "read", outcome::failed, 0);
  a.merge(b);
  ASSERT_EQ(a.seconds().size(), 2u);
  EXPECT_EQ(a.seconds()[1].offered, 1u);
  auto totals = a.totals();
  EXPECT_EQ(totals["read"].latencies_ms.size(), 2u) << "failures have none";
  EXPECT_EQ(totals["read"].outcomes[static_cast<size_t>(outcome::shed)], 1u);
}

TEST(recorder, quantiles_are_nearest_rank) {
  std::vector<double> v{5, 1, 4, 2, 3};
  EXPECT_EQ(quantile(v, 0.5), 3);
  EXPECT_EQ(quantile(v, 0.99), 5);
  EXPECT_EQ(quantile(v, 0.2), 1);
  std::vector<double> none;
  EXPECT_EQ(quantile(none, 0.5), 0);
}

} // namespace
} // namespace doorbuster::loadgen

#include "bench/loadgen/ledger.hpp"
#include "bench/loadgen/report.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace doorbuster::loadgen {
namespace {

TEST(ledger, consistent_run_passes) {
  ledger l;
  l.orders = {{"A", 1, 2, "k1"}, {"A", 2, 1, "k2"}, {"B", 3, 5, "k3"}};
  EXPECT_TRUE(check_invariants(l, {{"A", 10}, {"B", 5}}, {{"A", 7}, {"B", 0}})
                .empty());
}

TEST(ledger, names_each_broken_invariant) {
  ledger l;
  l.orders = {{"A", 1, 2, "k1"}, {"A", 1, 1, "k2"}};
  l.replay_mismatches = 1;
  auto failures = check_invariants(l, {{"A", 10}, {"B", 5}}, {{"A", 9}});
  ASSERT_EQ(failures.size(), 4u);
  EXPECT_NE(failures[0].find("order id 1"), std::string::npos);
  EXPECT_NE(failures[1].find("retried"), std::string::npos);
  EXPECT_NE(failures[2].find("A: sold 3 + stock 9 != initial 10"),
            std::string::npos);
  EXPECT_NE(failures[3].find("B: stock could not be read back"),
            std::string::npos);
}

} // namespace
} // namespace doorbuster::loadgen

namespace doorbuster::loadgen {
namespace {

recorder two_seconds() {
  recorder r;
  r.offered(0);
  r.offered(0);
  r.completed(0, "read", outcome::ok, 1.0);
  r.completed(0, "purchase", outcome::conflict, 3.0);
  r.offered(1);
  r.completed(1, "read", outcome::shed, 2.0);
  return r;
}

TEST(report, json_summary_has_rates_quantiles_outcomes_and_invariants) {
  auto totals = two_seconds().totals();
  std::vector<std::string> failures{"HOT-1: sold 1 + stock 1 != initial 3"};
  auto j = nlohmann::json::parse(summary_json(totals, 2.0, &failures));
  EXPECT_EQ(j["duration_s"], 2);
  EXPECT_EQ(j["routes"]["read"]["requests"], 2);
  EXPECT_EQ(j["routes"]["read"]["per_s"], 1);
  EXPECT_EQ(j["routes"]["read"]["p50_ms"], 1);
  EXPECT_EQ(j["routes"]["read"]["max_ms"], 2);
  EXPECT_EQ(j["routes"]["read"]["outcomes"]["503"], 1);
  EXPECT_EQ(j["routes"]["purchase"]["outcomes"]["409"], 1);
  EXPECT_FALSE(j["invariants"]["ok"].get<bool>());
  EXPECT_EQ(j["invariants"]["failures"][0], failures[0]);
  auto without = nlohmann::json::parse(summary_json(totals, 2.0, nullptr));
  EXPECT_FALSE(without.contains("invariants"));
}

TEST(report, csv_has_a_header_and_a_line_per_second) {
  std::ostringstream out;
  write_csv(out, two_seconds());
  std::istringstream lines{out.str()};
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(header.substr(0, 26), "second,offered,achieved,re");
  EXPECT_EQ(first.substr(0, 6), "0,2,2,");
  EXPECT_EQ(second.substr(0, 6), "1,1,1,");
  EXPECT_EQ(second.substr(second.size() - 12), ",0,0,0,1,0,0");
}

} // namespace
} // namespace doorbuster::loadgen
