// One load thread: its own io_context, keep-alive connections, and (open
// loop) its share of the schedule. Latency counts from the scheduled send
// time, so a slow server cannot hide behind a slowed-down client.
#pragma once

#include "ledger.hpp"
#include "profile.hpp"
#include "recorder.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace doorbuster::loadgen {

struct workload {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  double read_share = 0.9;   // the rest are purchases of hot SKUs
  size_t products = 10000;   // reads pick SKU-000001..SKU-<products>
  double zipf = 0;           // 0: uniform popularity
  std::vector<std::string> hot_skus{"HOT-1"};
  size_t customers = 100000; // distinct buyers (X-Authenticated-User)
  double retry_share = 0;    // purchases that retry an answered key
};

struct driver_result {
  recorder rec;
  ledger orders;
};

/// Shared with the progress line while the run goes on.
struct live_counters {
  std::atomic<uint64_t> offered{0};
  std::atomic<uint64_t> completed{0};
  std::array<std::atomic<uint64_t>, outcome_count> outcomes{};
  /// Latencies so far in buckets of 2^(i/4) x 0.1 ms, for a running p99.
  std::array<std::atomic<uint64_t>, 80> latency{};

  void observe(outcome o, double latency_ms);
  double p99_ms() const;
};

/// Runs one thread's share until the profile's duration is over (plus up
/// to `drain` for answers still outstanding). `open_loop` false: every
/// connection sends again as soon as it has an answer.
driver_result run_driver(const workload& w, const profile& p, size_t connections,
                    bool open_loop, unsigned seed,
                    std::chrono::steady_clock::time_point start,
                    live_counters& live,
                    std::chrono::milliseconds drain = std::chrono::seconds{5});

} // namespace doorbuster::loadgen
