// What a run measured: per second and in total, by route, latencies (from
// the scheduled send time in open-loop runs) and status classes. One
// recorder per load thread; merged at the end, so recording takes no lock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace doorbuster::loadgen {

enum class outcome { ok, conflict, limited, shed, other, failed };
constexpr size_t outcome_count = 6;

/// 2xx and 304: ok; 409: conflict; 429: limited; 503: shed; other statuses:
/// other; no answer (connection error, timeout): failed.
outcome classify(unsigned status);
const char* to_string(outcome o);

struct route_stats {
  std::vector<double> latencies_ms;
  std::array<uint64_t, outcome_count> outcomes{};
  void merge(const route_stats& other);
};

struct second_stats {
  uint64_t offered = 0;
  std::map<std::string, route_stats> routes;
};

class recorder {
public:
  void offered(size_t second);
  void completed(size_t second, const std::string& route, outcome o,
                 double latency_ms);
  void merge(const recorder& other);

  const std::vector<second_stats>& seconds() const { return seconds_; }

  /// The whole run, by route.
  std::map<std::string, route_stats> totals() const;

private:
  second_stats& at(size_t second);
  std::vector<second_stats> seconds_;
};

/// The q-quantile (0..1) of `values` (sorted in place); 0 when empty.
double quantile(std::vector<double>& values, double q);

} // namespace doorbuster::loadgen
