#include "http/metrics.hpp"

#include <sstream>
#include <vector>

namespace doorbuster::http::metrics {

std::atomic<int64_t> open_connections{0};
std::atomic<int64_t> requests_in_flight{0};

namespace {

std::mutex registry_mtx;
std::vector<block*>& registry() {
  static std::vector<block*> blocks;
  return blocks;
}

void family(std::ostringstream& out, const char* name, const char* type,
            const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' '
      << type << '\n';
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
  std::ostringstream out;
  family(out, "doorbuster_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (const auto& [key, n] : requests)
    out << "doorbuster_http_requests_total{route=\"" << key.first
        << "\",status=\"" << key.second << "\"} " << n << '\n';
  family(out, "doorbuster_http_request_duration_seconds", "histogram",
         "Time from a complete request to its answer, by route.");
  for (const auto& [route, h] : latency) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < latency_buckets.size(); ++i) {
      cumulative += h.counts[i];
      out << "doorbuster_http_request_duration_seconds_bucket{route=\""
          << route << "\",le=\"" << latency_buckets[i] << "\"} "
          << cumulative << '\n';
    }
    out << "doorbuster_http_request_duration_seconds_bucket{route=\"" << route
        << "\",le=\"+Inf\"} " << h.count << '\n';
    out << "doorbuster_http_request_duration_seconds_sum{route=\"" << route
        << "\"} " << h.sum << '\n';
    out << "doorbuster_http_request_duration_seconds_count{route=\"" << route
        << "\"} " << h.count << '\n';
  }
  family(out, "doorbuster_http_errors_total", "counter",
         "Error responses by error code.");
  for (const auto& [code, n] : errors)
    out << "doorbuster_http_errors_total{code=\"" << code << "\"} " << n
        << '\n';
  family(out, "doorbuster_http_open_connections", "gauge",
         "Open client connections.");
  out << "doorbuster_http_open_connections " << open_connections.load()
      << '\n';
  family(out, "doorbuster_http_requests_in_flight", "gauge",
         "Requests not yet answered.");
  out << "doorbuster_http_requests_in_flight " << requests_in_flight.load()
      << '\n';
  return out.str();
}

} // namespace doorbuster::http::metrics
