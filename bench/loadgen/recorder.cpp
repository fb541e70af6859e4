#include "recorder.hpp"

#include <algorithm>
#include <cmath>

namespace doorbuster::loadgen {

outcome classify(unsigned status) {
  if ((status >= 200 && status < 300) || status == 304)
    return outcome::ok;
  switch (status) {
    case 0:
      return outcome::failed;
    case 409:
      return outcome::conflict;
    case 429:
      return outcome::limited;
    case 503:
      return outcome::shed;
    default:
      return outcome::other;
  }
}

const char* to_string(outcome o) {
  constexpr const char* names[] = {"ok", "409", "429", "503", "other",
                                   "failed"};
  return names[static_cast<size_t>(o)];
}

void route_stats::merge(const route_stats& other) {
  latencies_ms.insert(latencies_ms.end(), other.latencies_ms.begin(),
                      other.latencies_ms.end());
  for (size_t i = 0; i < outcome_count; ++i)
    outcomes[i] += other.outcomes[i];
}

second_stats& recorder::at(size_t second) {
  if (seconds_.size() <= second)
    seconds_.resize(second + 1);
  return seconds_[second];
}

void recorder::offered(size_t second) {
  ++at(second).offered;
}

void recorder::completed(size_t second, const std::string& route, outcome o,
                         double latency_ms) {
  auto& r = at(second).routes[route];
  ++r.outcomes[static_cast<size_t>(o)];
  if (o != outcome::failed)
    r.latencies_ms.push_back(latency_ms);
}

void recorder::merge(const recorder& other) {
  for (size_t s = 0; s < other.seconds_.size(); ++s) {
    auto& mine = at(s);
    mine.offered += other.seconds_[s].offered;
    for (const auto& [route, stats] : other.seconds_[s].routes)
      mine.routes[route].merge(stats);
  }
}

std::map<std::string, route_stats> recorder::totals() const {
  std::map<std::string, route_stats> all;
  for (const auto& s : seconds_)
    for (const auto& [route, stats] : s.routes)
      all[route].merge(stats);
  return all;
}

double quantile(std::vector<double>& values, double q) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(q * values.size()));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

} // namespace doorbuster::loadgen
