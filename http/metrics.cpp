#include "http/metrics.hpp"

#include "telemetry/prometheus_text.hpp"

#include <sstream>
#include <vector>

namespace doorbuster::http::metrics {

std::atomic<int64_t> open_connections{0};
std::atomic<uint64_t> connections_closed_evicted{0};
std::atomic<uint64_t> connections_closed_header_timeout{0};
std::atomic<uint64_t> connections_closed_per_address{0};
std::atomic<int64_t> requests_in_flight{0};

namespace {

std::mutex registry_mtx;
std::vector<block*>& registry() {
  static std::vector<block*> blocks;
  return blocks;
}

} // namespace

void histogram::observe(double seconds) {
  for (size_t i = 0; i < latency_buckets.size(); ++i)
    if (seconds <= latency_buckets[i]) {
      ++counts[i];
      break;
    }
  ++count;
  sum += seconds;
}

histogram& histogram::operator+=(const histogram& other) {
  for (size_t i = 0; i < counts.size(); ++i)
    counts[i] += other.counts[i];
  count += other.count;
  sum += other.sum;
  return *this;
}

void block::count_request(const char* route, unsigned status,
                          double seconds) {
  std::lock_guard<std::mutex> guard{mtx_};
  ++requests_[{route, status}];
  latency_[route].observe(seconds);
}

void block::count_error(const std::string& code) {
  std::lock_guard<std::mutex> guard{mtx_};
  ++errors_[code];
}

block& local() {
  thread_local block* mine = [] {
    auto ptr = new block;
    std::lock_guard<std::mutex> guard{registry_mtx};
    registry().push_back(ptr);
    return ptr;
  }();
  return *mine;
}

uint64_t requests_answered() {
  uint64_t total = 0;
  std::lock_guard<std::mutex> guard{registry_mtx};
  for (auto* b : registry()) {
    std::lock_guard<std::mutex> block_guard{b->mtx_};
    for (const auto& [key, n] : b->requests_)
      total += n;
  }
  return total;
}

std::string scrape() {
  std::map<std::pair<std::string, unsigned>, uint64_t> requests;
  std::map<std::string, histogram> latency;
  std::map<std::string, uint64_t> errors;
  {
    std::lock_guard<std::mutex> guard{registry_mtx};
    for (auto* b : registry()) {
      std::lock_guard<std::mutex> block_guard{b->mtx_};
      for (const auto& [key, n] : b->requests_)
        requests[{key.first, key.second}] += n;
      for (const auto& [route, h] : b->latency_)
        latency[route] += h;
      for (const auto& [code, n] : b->errors_)
        errors[code] += n;
    }
  }
  telemetry::prometheus_text out;
  const char* answered = "doorbuster_http_requests_total";
  out.family(answered, "counter", "HTTP requests answered, by route and status.");
  for (const auto& [key, n] : requests)
    out.sample(answered,
               "route=\"" + key.first + "\",status=\""
                 + std::to_string(key.second) + "\"",
               n);
  const std::string duration = "doorbuster_http_request_duration_seconds";
  out.family(duration, "histogram",
             "Time from a complete request to its answer, by route.");
  for (const auto& [route, h] : latency) {
    auto label = "route=\"" + route + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < latency_buckets.size(); ++i) {
      cumulative += h.counts[i];
      std::ostringstream le; // 0.0005, not 0.000500
      le << latency_buckets[i];
      out.sample(duration + "_bucket", label + ",le=\"" + le.str() + "\"",
                 cumulative);
    }
    out.sample(duration + "_bucket", label + ",le=\"+Inf\"", h.count);
    out.sample(duration + "_sum", label, h.sum);
    out.sample(duration + "_count", label, h.count);
  }
  const char* errors_name = "doorbuster_http_errors_total";
  out.family(errors_name, "counter", "Error responses by error code.");
  for (const auto& [code, n] : errors)
    out.sample(errors_name, "code=\"" + code + "\"", n);
  out.single("doorbuster_http_open_connections", "gauge",
             "Open client connections.", open_connections.load());
  out.single("doorbuster_http_requests_in_flight", "gauge",
             "Requests not yet answered.", requests_in_flight.load());
  const char* closed = "doorbuster_http_connections_closed_total";
  out.family(closed, "counter",
             "Connections closed to protect the others: evicted at the "
             "connection limit while waiting for a request head, too slow "
             "to send a head, or over their address's share.");
  out.sample(closed, "reason=\"evicted\"", connections_closed_evicted.load());
  out.sample(closed, "reason=\"header_timeout\"",
             connections_closed_header_timeout.load());
  out.sample(closed, "reason=\"per_address\"",
             connections_closed_per_address.load());
  return out.str();
}

} // namespace doorbuster::http::metrics
