// Per-thread HTTP counters, merged only when /metrics is scraped: each
// thread counts into its own block, so the hot path takes no shared lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace doorbuster::http::metrics {

/// One thread's counters. The mutex is only ever contended by a scrape.
class block {
public:
  void count_request(const char* route, unsigned status);
  void count_error(const std::string& code);

private:
  friend std::string scrape();
  std::mutex mtx_;
  std::map<std::pair<std::string, unsigned>, uint64_t> requests_;
  std::map<std::string, uint64_t> errors_;
};

/// The calling thread's block (created on first use, never freed: threads
/// of a node live as long as the node).
block& local();

/// Gauges owned by the server.
extern std::atomic<int64_t> open_connections;
extern std::atomic<int64_t> requests_in_flight; // handed to the api, unanswered

/// Every thread's counters, summed, in the Prometheus text format.
std::string scrape();

} // namespace doorbuster::http::metrics
