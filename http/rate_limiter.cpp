#include "http/rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace doorbuster::http {

rate_limiter::rate_limiter(double rate_per_s, double burst, size_t max_clients)
  : rate_(rate_per_s),
    burst_(std::max(burst, 1.0)),
    max_per_shard_(std::max<size_t>(max_clients / shard_count, 1)) {}

void rate_limiter::evict_idle(shard& s, clock::time_point now) {
  // A bucket that has refilled completely carries no information.
  for (auto i = s.buckets.begin(); i != s.buckets.end();) {
    auto idle = std::chrono::duration<double>(now - i->second.last).count();
    if (i->second.tokens + idle * rate_ >= burst_)
      i = s.buckets.erase(i);
    else
      ++i;
  }
  // Still full of busy clients: forget arbitrary ones rather than grow.
  while (s.buckets.size() >= max_per_shard_)
    s.buckets.erase(s.buckets.begin());
}

size_t rate_limiter::TEST_tracked_clients() {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> guard{s.mtx};
    n += s.buckets.size();
  }
  return n;
}

rate_limiter::decision rate_limiter::take(std::string_view key,
                                          clock::time_point now) {
  decision d;
  if (!enabled())
    return d;
  auto& s = shards_[std::hash<std::string_view>{}(key) % shard_count];
  std::lock_guard<std::mutex> guard{s.mtx};
  auto found = s.buckets.find(std::string{key});
  if (found == s.buckets.end()) {
    if (s.buckets.size() >= max_per_shard_)
      evict_idle(s, now);
    found = s.buckets.emplace(std::string{key}, bucket{burst_, now}).first;
  }
  auto& b = found->second;
  auto elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(burst_, b.tokens + std::max(elapsed, 0.0) * rate_);
  b.last = now;
  d.limit = burst_;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
  } else {
    d.allowed = false;
    d.retry_after_s = (1.0 - b.tokens) / rate_;
  }
  d.remaining = b.tokens;
  d.reset_s = (burst_ - b.tokens) / rate_;
  return d;
}

} // namespace doorbuster::http
