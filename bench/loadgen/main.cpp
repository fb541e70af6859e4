// doorbuster-loadgen: an open-loop (or closed-loop) HTTP load generator that
// knows Doorbuster's API: product reads over the catalog and purchases of
// hot SKUs, at a scheduled rate with an optional spike. Prints a live line,
// then a report; writes a per-second CSV for plots.
#include "driver.hpp"
#include "report.hpp"
#include "sync_http.hpp"

#include <boost/program_options.hpp>
#include <pqxx/pqxx>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace po = boost::program_options;
using namespace doorbuster::loadgen;

namespace {

/// Current stock of each SKU, read through the API (missing if unreadable).
std::map<std::string, int64_t> read_stock(const workload& w) {
  std::map<std::string, int64_t> stock;
  for (const auto& sku : w.hot_skus) {
    auto r = sync_request(w.host, w.port, "GET", "/v1/products/" + sku);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    if (r.status == 200 && doc.IsObject() && doc.HasMember("stock")
        && doc["stock"].IsInt64())
      stock[sku] = doc["stock"].GetInt64();
  }
  return stock;
}

/// Orders of `l` not (yet) in PostgreSQL's orders table.
size_t missing_in_postgres(const std::string& uri, const ledger& l) {
  pqxx::connection conn{uri};
  pqxx::nontransaction tx{conn};
  size_t found = 0;
  for (size_t i = 0; i < l.orders.size(); i += 10000) {
    std::string ids = "0";
    for (size_t j = i; j < std::min(l.orders.size(), i + 10000); ++j)
      ids += "," + std::to_string(l.orders[j].order_id);
    found += tx.exec1("SELECT count(*) FROM orders WHERE order_id IN (" + ids
                      + ")")[0]
               .as<size_t>();
  }
  return l.orders.size() - found;
}

} // namespace

int main(int argc, char** argv) {
  workload w;
  profile p;
  size_t connections = 64, threads = 1, hot = 10;
  std::string csv, png, scenario = "mixed";
  bool closed = false, json = false, quiet = false, check = false;
  unsigned seed = 1;
  std::string token, pg_uri;
  int64_t seed_stock = 0;
  if (const char* env = std::getenv("DOORBUSTER_ADMIN_TOKEN"))
    token = env;
  po::options_description opts{"doorbuster-loadgen options"};
  opts.add_options()("help,h", "this help")(
    "scenario", po::value(&scenario)->default_value(scenario),
    "browse (reads, Zipf), mixed, spike (mixed with a 20x spike), "
    "flash-sale (purchases only)")(
    "host", po::value(&w.host)->default_value(w.host), "node address")(
    "port", po::value(&w.port)->default_value(w.port), "node port")(
    "rate", po::value(&p.base_rate)->default_value(p.base_rate),
    "offered requests per second (open loop; the base rate of a spike)")(
    "duration", po::value(&p.duration), "seconds (default 10; spike: 50)")(
    "connections", po::value(&connections)->default_value(connections),
    "keep-alive connections")(
    "threads", po::value(&threads)->default_value(threads), "load threads")(
    "closed-loop", po::bool_switch(&closed),
    "send as fast as answers come back instead of on a schedule")(
    "read-share", po::value(&w.read_share), "share of product reads")(
    "products", po::value(&w.products)->default_value(w.products),
    "catalog size (SKU-000001...)")(
    "zipf", po::value(&w.zipf), "Zipf exponent of read popularity (0: uniform)")(
    "hot-skus", po::value(&hot)->default_value(hot),
    "purchases go to HOT-1..HOT-n")(
    "customers", po::value(&w.customers)->default_value(w.customers),
    "distinct buyers (named in X-Authenticated-User)")(
    "retry-share", po::value(&w.retry_share),
    "share of purchases that retry an answered Idempotency-Key")(
    "seed-stock", po::value(&seed_stock),
    "first create HOT-1..n with this stock (bulk admin call; needs the token)")(
    "token", po::value(&token),
    "admin token (default: DOORBUSTER_ADMIN_TOKEN)")(
    "check", po::bool_switch(&check),
    "check invariants at the end (exit 3 if one fails)")(
    "pg-uri", po::value(&pg_uri),
    "with --check: also find every order in this PostgreSQL")(
    "spike-factor", po::value(&p.spike_factor), "peak rate / base rate")(
    "spike-at", po::value(&p.spike_at), "seconds before the ramp")(
    "ramp", po::value(&p.ramp), "seconds to the peak")(
    "hold", po::value(&p.hold), "seconds at the peak")(
    "decay", po::value(&p.decay), "seconds back to base")(
    "seed", po::value(&seed)->default_value(seed), "random seed")(
    "csv", po::value(&csv), "write per-second figures to this file")(
    "png", po::value(&png),
    "with --csv: plot rate and p99 latency over time (gnuplot)")(
    "json", po::bool_switch(&json), "print the report as JSON")(
    "quiet", po::bool_switch(&quiet), "no live progress line");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    // Scenario presets first; notify() then applies explicit options.
    scenario = vm["scenario"].as<std::string>();
    if (scenario == "browse") {
      w.read_share = 1.0;
      w.zipf = 1.0;
    } else if (scenario == "flash-sale") {
      w.read_share = 0.0;
      w.retry_share = 0.05;
    } else if (scenario == "spike") {
      p.spike_factor = 20;
      p.spike_at = 10;
      p.ramp = 5;
      p.hold = 20;
      p.decay = 5;
      p.duration = 50;
    } else if (scenario != "mixed") {
      throw po::error("unknown scenario " + scenario);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "doorbuster-loadgen: " << e.what() << "\n";
    return 2;
  }
  for (size_t i = 1; i <= hot; ++i)
    w.hot_skus.push_back("HOT-" + std::to_string(i));
  w.hot_skus.erase(w.hot_skus.begin()); // the default placeholder
  threads = std::max<size_t>(threads, 1);
  std::map<std::string, int64_t> initial;
  try {
    if (seed_stock > 0) {
      std::string ndjson;
      for (const auto& sku : w.hot_skus)
        ndjson += R"({"sku":")" + sku
                  + R"(","name":"Doorbuster deal","description":"loadgen",)"
                    R"("category":"deals","price":9900,"currency":"USD",)"
                    R"("stock":)"
                  + std::to_string(seed_stock) + "}\n";
      auto r = sync_request(w.host, w.port, "POST", "/v1/admin/products:bulk",
                            ndjson, token);
      if (r.status != 200)
        throw std::runtime_error("seeding failed: " + std::to_string(r.status)
                                 + " " + r.body);
    }
    if (check)
      initial = read_stock(w);
  } catch (const std::exception& e) {
    std::cerr << "doorbuster-loadgen: " << e.what() << "\n";
    return 2;
  }
  auto share = p;
  share.base_rate = p.base_rate / static_cast<double>(threads);

  live_counters live;
  auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds{50};
  std::vector<driver_result> results(threads);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      auto conns = connections / threads + (t < connections % threads);
      results[t] = run_driver(w, share, conns, !closed, seed + t, start, live);
    });
  std::atomic<bool> running{true};
  std::thread progress([&] {
    uint64_t last_offered = 0, last_done = 0;
    while (running) {
      std::this_thread::sleep_for(std::chrono::seconds{1});
      if (quiet || !running)
        continue;
      auto elapsed = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
      uint64_t offered = live.offered, done = live.completed;
      auto count = [&](outcome o) {
        return static_cast<unsigned long long>(
          live.outcomes[static_cast<size_t>(o)].load());
      };
      std::fprintf(stderr,
                   "\r%6.1f s  offered %7llu/s  achieved %7llu/s  p99 %7.1f "
                   "ms  409 %llu  429 %llu  503 %llu  other %llu  failed %llu ",
                   elapsed,
                   static_cast<unsigned long long>(offered - last_offered),
                   static_cast<unsigned long long>(done - last_done),
                   live.p99_ms(), count(outcome::conflict),
                   count(outcome::limited), count(outcome::shed),
                   count(outcome::other), count(outcome::failed));
      last_offered = offered;
      last_done = done;
    }
  });
  for (auto& t : workers)
    t.join();
  running = false;
  progress.join();
  if (!quiet)
    std::fprintf(stderr, "\n");

  recorder all;
  ledger orders;
  for (const auto& r : results) {
    all.merge(r.rec);
    orders.merge(r.orders);
  }
  std::vector<std::string> failures;
  if (check) {
    try {
      failures = check_invariants(orders, initial, read_stock(w));
      if (!pg_uri.empty()) {
        size_t missing = 0;
        for (int i = 0; i < 300; ++i) { // write-behind may lag: wait 30 s
          missing = missing_in_postgres(pg_uri, orders);
          if (missing == 0)
            break;
          std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
        if (missing > 0)
          failures.push_back(std::to_string(missing)
                             + " orders answered 201 are not in PostgreSQL");
      }
    } catch (const std::exception& e) {
      failures.push_back(std::string{"check failed: "} + e.what());
    }
  }
  if (!csv.empty()) {
    std::ofstream out{csv};
    write_csv(out, all);
    if (!png.empty()) {
      auto cmd = "gnuplot -e \"csv='" + csv + "'; png='" + png + "'\" "
                 + DOORBUSTER_PLOT_SCRIPT;
      if (std::system(cmd.c_str()) != 0)
        std::cerr << "doorbuster-loadgen: gnuplot failed; is gnuplot-nox "
                     "installed?\n";
    }
  }
  auto totals = all.totals();
  if (json) {
    std::cout << summary_json(totals, p.duration, check ? &failures : nullptr)
              << "\n";
  } else {
    std::printf("%-9s %9s %9s %8s %8s %8s %8s %8s  outcomes\n", "route",
                "requests", "per_s", "p50_ms", "p90_ms", "p99_ms", "p99.9",
                "max_ms");
    for (auto& [route, st] : totals) {
      uint64_t n = 0;
      for (auto c : st.outcomes)
        n += c;
      std::printf("%-9s %9llu %9.0f %8.2f %8.2f %8.2f %8.2f %8.2f ",
                  route.c_str(), static_cast<unsigned long long>(n),
                  n / p.duration, quantile(st.latencies_ms, 0.5),
                  quantile(st.latencies_ms, 0.9),
                  quantile(st.latencies_ms, 0.99),
                  quantile(st.latencies_ms, 0.999),
                  quantile(st.latencies_ms, 1.0));
      for (size_t i = 0; i < outcome_count; ++i)
        if (st.outcomes[i])
          std::printf(" %s=%llu", to_string(static_cast<outcome>(i)),
                      static_cast<unsigned long long>(st.outcomes[i]));
      std::printf("\n");
    }
  }
  if (check && !json) {
    std::printf("invariants: %s (%zu orders, %llu idempotent retries)\n",
                failures.empty() ? "ok" : "FAILED", orders.orders.size(),
                static_cast<unsigned long long>(orders.replays));
    for (const auto& f : failures)
      std::printf("  %s\n", f.c_str());
  }
  if (!failures.empty())
    return 3;
  uint64_t failed = 0;
  for (auto& [route, st] : totals)
    failed += st.outcomes[static_cast<size_t>(outcome::failed)];
  return failed > 0 ? 1 : 0;
}
