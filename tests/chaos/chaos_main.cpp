// doorbuster-chaos: bench/chaos's driver. Three nodes on the PostgreSQL
// given, flash-sale load with reservations through every node, and a
// random fault every MIN..MAX seconds until the time is up: an owner
// killed (then started again), a node frozen past its lease or shorter
// than it, a node cut off from its peers or from PostgreSQL (nftables, as
// root), a node restarted, PostgreSQL restarted. Then the tests' checker
// (tests/support/ledger_check.hpp). Writes, into --out:
//   timeline.csv  second, acknowledged writes, error answers
//   faults.csv    start second, end second, kind, write gap (ms)
//   summary.txt   figures for bench/RESULTS.md
// Exits 1 if the checker found a violation.
#include "support/buyers.hpp"
#include "support/cluster_nodes.hpp"
#include "support/ledger_check.hpp"
#include "support/packet_filter.hpp"
#include "support/partitions.hpp"
#include "support/pg_database.hpp"
#include "support/shell_command.hpp"
#include "support/test_products.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

using namespace doorbuster::testing;
using namespace std::chrono_literals;

namespace {

struct args {
  std::string pg_state; // a pg_cluster state file (halted and resumed)
  std::string out = ".";
  int seconds = 600;
  int min_gap = 20, max_gap = 40;
  unsigned seed = 1;
  std::string kinds; // comma-separated; empty: every kind this machine can do
};

args parse(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&](const std::string& name) -> const char* {
      return s.rfind(name + "=", 0) == 0 ? argv[i] + name.size() + 1 : nullptr;
    };
    if (auto v = value("--pg-state"))
      a.pg_state = v;
    else if (auto v = value("--out"))
      a.out = v;
    else if (auto v = value("--seconds"))
      a.seconds = std::stoi(v);
    else if (auto v = value("--min-gap"))
      a.min_gap = std::stoi(v);
    else if (auto v = value("--max-gap"))
      a.max_gap = std::stoi(v);
    else if (auto v = value("--kinds"))
      a.kinds = v;
    else if (auto v = value("--seed"))
      a.seed = static_cast<unsigned>(std::stoul(v));
    else
      throw std::runtime_error("unknown argument " + s);
  }
  if (a.pg_state.empty())
    throw std::runtime_error("--pg-state=FILE is required");
  return a;
}

struct fault_record {
  int64_t start_ms, end_ms;
  std::string kind;
  int64_t gap_ms = 0;
};

int64_t median(std::vector<int64_t> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) try {
  auto a = parse(argc, argv);
  std::mt19937 rng{a.seed};
  auto pg = [&](const std::string& command) {
    run_shell(std::string{DOORBUSTER_PG_CLUSTER} + " " + command + " "
              + a.pg_state);
  };
  pg_database db{cluster_uri(a.pg_state)};
  auto filtering = packet_filter::unavailable_reason().empty();
  constexpr size_t shards = 32;
  cluster_nodes nodes{db.uri(), 3, shards, {}, filtering};
  if (!nodes.wait_settled())
    throw std::runtime_error("the cluster did not settle");
  http_client admin{nodes.node(0).port()};
  auto initial = put_products(admin, "CHAOS", 24, 100000000);
  std::vector<uint16_t> ports;
  for (size_t i = 0; i < 3; ++i)
    ports.push_back(nodes.node(i).port());
  // The load: clients that give up on a silent node after a second and
  // try the next. The probes: clients that know which node the fault hit
  // and ask the others; their acknowledged writes give each fault's write
  // gap, what the cluster (not a stuck client) made clients wait.
  ledger book, probes;
  std::atomic<int> avoid{-1};
  buyers buying{book, ports, skus_of(initial), {24, 4, 150, 1000ms}};
  buyer_options probe_options{12, 0, 150, 1000ms, &avoid, "p"};
  buyers probing{probes, ports, skus_of(initial), probe_options};
  std::unique_ptr<packet_filter> filter;
  if (filtering)
    filter = std::make_unique<packet_filter>();

  std::vector<std::string> kinds{"kill", "freeze-long", "freeze-short",
                                 "restart", "postgres-restart"};
  if (filtering) {
    kinds.push_back("partition-nodes");
    kinds.push_back("partition-postgres");
  }
  if (!a.kinds.empty()) {
    std::vector<std::string> chosen;
    std::stringstream list{a.kinds};
    for (std::string k; std::getline(list, k, ',');) {
      if (std::find(kinds.begin(), kinds.end(), k) == kinds.end())
        throw std::runtime_error("fault kind " + k + " is unknown or needs "
                                 "root here");
      chosen.push_back(k);
    }
    kinds = chosen;
  }
  auto ttl = cluster_nodes::lease_ttl;
  std::vector<fault_record> faults;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds{a.seconds};
  std::uniform_int_distribution<int> gap{a.min_gap, a.max_gap};
  while (true) {
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds{gap(rng)};
    if (next >= end)
      break;
    std::this_thread::sleep_until(next);
    auto kind = kinds[rng() % kinds.size()];
    auto victim = rng() % 3;
    fault_record f{book.now_ms(), 0, kind};
    std::cerr << "chaos: " << f.start_ms / 1000 << " s: " << kind << " node "
              << victim << "\n";
    if (kind != "postgres-restart")
      avoid = static_cast<int>(victim);
    if (kind == "kill") {
      nodes.node(victim).kill_hard();
      std::this_thread::sleep_for(ttl * 2);
      nodes.revive(victim);
    } else if (kind == "freeze-long") {
      nodes.node(victim).signal(SIGSTOP);
      std::this_thread::sleep_for(ttl * 2);
      nodes.node(victim).signal(SIGCONT);
    } else if (kind == "freeze-short") {
      nodes.node(victim).signal(SIGSTOP);
      std::this_thread::sleep_for(ttl / 4);
      nodes.node(victim).signal(SIGCONT);
    } else if (kind == "restart") {
      nodes.restart(victim);
    } else if (kind == "postgres-restart") {
      pg("halt");
      std::this_thread::sleep_for(3s);
      pg("resume");
    } else if (kind == "partition-nodes") {
      cut_off_from_peers(*filter, nodes, victim);
      std::this_thread::sleep_for(ttl * 2);
      filter->heal();
    } else if (kind == "partition-postgres") {
      cut_off_from_postgres(*filter, nodes, victim, db.uri());
      std::this_thread::sleep_for(ttl * 2);
      filter->heal();
    }
    if (!nodes.wait_settled(std::chrono::seconds{60}))
      std::cerr << "chaos: the cluster did not settle after " << kind << "\n";
    avoid = -1;
    f.end_ms = book.now_ms();
    faults.push_back(f);
  }
  std::this_thread::sleep_for(2s);
  buying.stop();
  probing.stop();
  auto probed = probes.entries();
  for (auto& f : faults) // the two ledgers began within a millisecond
    f.gap_ms = write_gap_ms(probed, f.start_ms, f.end_ms);
  for (auto& e : probed)
    book.add(e);
  auto entries = book.entries();
  auto problems =
    check_ledger(book, db.uri(), initial, {shards, ports, true});

  // Per second: acknowledged writes and error answers.
  int64_t last = 0;
  for (const auto& e : entries)
    last = std::max(last, e.answered_ms);
  std::vector<std::pair<size_t, size_t>> seconds(last / 1000 + 1);
  size_t uncertain = 0, orders = 0;
  for (const auto& e : entries) {
    auto& s = seconds[e.answered_ms / 1000];
    if (e.status == 201)
      ++s.first;
    else if (e.status != 409) // 409s are a sale's normal answers
      ++s.second;
    uncertain += e.uncertain();
    orders += e.status == 201 && e.kind != ledger_entry::reserve;
  }
  std::ofstream timeline{a.out + "/timeline.csv"};
  timeline << "second,acknowledged,errors\n";
  for (size_t i = 0; i < seconds.size(); ++i)
    timeline << i << "," << seconds[i].first << "," << seconds[i].second
             << "\n";
  std::ofstream fault_file{a.out + "/faults.csv"};
  fault_file << "start,end,kind,gap_ms\n";
  std::map<std::string, std::vector<int64_t>> gaps;
  for (const auto& f : faults) {
    fault_file << f.start_ms / 1000.0 << "," << f.end_ms / 1000.0 << ","
               << f.kind << "," << f.gap_ms << "\n";
    gaps[f.kind].push_back(f.gap_ms);
  }
  std::ofstream summary{a.out + "/summary.txt"};
  summary << "| fault | times | write gap p50 (ms) | write gap max (ms) |\n"
          << "| --- | ---: | ---: | ---: |\n";
  for (const auto& [kind, g] : gaps)
    summary << "| " << kind << " | " << g.size() << " | " << median(g)
            << " | " << *std::max_element(g.begin(), g.end()) << " |\n";
  summary << "\nrequests " << entries.size() << ", acknowledged orders "
          << orders << ", uncertain answers " << uncertain
          << ", invariant violations " << problems.size() << "\n";
  for (const auto& [answer, n] : book.answers())
    summary << "answers: " << n << " x " << answer << "\n";
  for (const auto& p : problems)
    summary << "VIOLATION: " << p << "\n";
  summary.close();
  std::ifstream in{a.out + "/summary.txt"};
  std::cout << in.rdbuf();
  return problems.empty() ? 0 : 1;
} catch (const std::exception& ex) {
  std::cerr << "doorbuster-chaos: " << ex.what() << "\n";
  return 2;
}
