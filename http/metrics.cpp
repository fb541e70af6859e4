#include "http/metrics.hpp"

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

} // namespace

void block::count_request(const char* route, unsigned status) {
  std::lock_guard<std::mutex> guard{mtx_};
  ++requests_[{route, status}];
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

std::string scrape() {
  std::map<std::pair<std::string, unsigned>, uint64_t> requests;
  std::map<std::string, uint64_t> errors;
  {
    std::lock_guard<std::mutex> guard{registry_mtx};
    for (auto* b : registry()) {
      std::lock_guard<std::mutex> block_guard{b->mtx_};
      for (const auto& [key, n] : b->requests_)
        requests[key] += n;
      for (const auto& [code, n] : b->errors_)
        errors[code] += n;
    }
  }
  std::string out;
  out += "# HELP doorbuster_http_requests_total HTTP requests answered.\n";
  out += "# TYPE doorbuster_http_requests_total counter\n";
  for (const auto& [key, n] : requests)
    out += "doorbuster_http_requests_total{route=\"" + key.first
           + "\",status=\"" + std::to_string(key.second) + "\"} "
           + std::to_string(n) + "\n";
  out += "# HELP doorbuster_http_errors_total Error responses by code.\n";
  out += "# TYPE doorbuster_http_errors_total counter\n";
  for (const auto& [code, n] : errors)
    out += "doorbuster_http_errors_total{code=\"" + code + "\"} "
           + std::to_string(n) + "\n";
  out += "# HELP doorbuster_http_open_connections Open client connections.\n";
  out += "# TYPE doorbuster_http_open_connections gauge\n";
  out += "doorbuster_http_open_connections "
         + std::to_string(open_connections.load()) + "\n";
  out += "# HELP doorbuster_http_requests_in_flight Requests not yet "
         "answered.\n";
  out += "# TYPE doorbuster_http_requests_in_flight gauge\n";
  out += "doorbuster_http_requests_in_flight "
         + std::to_string(requests_in_flight.load()) + "\n";
  return out;
}

} // namespace doorbuster::http::metrics
