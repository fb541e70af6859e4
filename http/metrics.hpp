// Per-thread HTTP counters, merged only when /metrics is scraped: each
// thread counts into its own block, so the hot path takes no shared lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace doorbuster::http::metrics {

/// Upper bounds (seconds) of the request latency histogram's buckets.
inline constexpr std::array<double, 12> latency_buckets{
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5};

struct histogram {
  std::array<uint64_t, latency_buckets.size()> counts{}; // not cumulative
  uint64_t count = 0;
  double sum = 0;

  void observe(double seconds);
  histogram& operator+=(const histogram& other);
};

/// One thread's counters. The mutex is only ever contended by a scrape.
class block {
public:
  /// `route` must be a string literal: it is kept by address, so counting
  /// allocates nothing.
  void count_request(const char* route, unsigned status, double seconds);
  void count_error(const std::string& code);

private:
  friend std::string scrape();
  friend uint64_t requests_answered();
  std::mutex mtx_;
  std::map<std::pair<const char*, unsigned>, uint64_t> requests_;
  std::map<const char*, histogram> latency_;
  std::map<std::string, uint64_t> errors_;
};

/// The calling thread's block (created on first use, never freed: threads
/// of a node live as long as the node).
block& local();

/// Gauges owned by the server.
extern std::atomic<int64_t> open_connections;
extern std::atomic<int64_t> requests_in_flight; // handed to the api, unanswered
/// Connections the server closed to protect the others, by reason.
extern std::atomic<uint64_t> connections_closed_evicted; // made way at the limit
extern std::atomic<uint64_t> connections_closed_header_timeout;
extern std::atomic<uint64_t> connections_closed_per_address;

/// Requests answered since start, over all threads.
uint64_t requests_answered();

/// Every thread's counters, summed, in the Prometheus text format.
std::string scrape();

} // namespace doorbuster::http::metrics
