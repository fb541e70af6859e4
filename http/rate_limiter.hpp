// Per-client token buckets (rate per second, burst). The state is split
// into shards by key hash, each with its own small lock, so the limiter is
// never a global lock; idle clients' buckets are dropped when a shard fills.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace doorbuster::http {

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  struct decision {
    bool allowed = true;
    double retry_after_s = 0; // until one token is back, when refused
    double limit = 0;         // the burst
    double remaining = 0;     // tokens left after this request
    double reset_s = 0;       // until the bucket is full again
  };

  /// `rate_per_s` <= 0 disables the limiter: every request is allowed.
  rate_limiter(double rate_per_s, double burst, size_t max_clients);

  bool enabled() const { return rate_ > 0; }

  /// Takes one token from `key`'s bucket, if there is one.
  decision take(std::string_view key, clock::time_point now = clock::now());

  /// Buckets held; for tests of the bound.
  size_t TEST_tracked_clients();

private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };
  struct shard {
    std::mutex mtx;
    std::unordered_map<std::string, bucket> buckets;
  };
  static constexpr size_t shard_count = 64;

  void evict_idle(shard& s, clock::time_point now);

  double rate_;
  double burst_;
  size_t max_per_shard_;
  std::array<shard, shard_count> shards_;
};

} // namespace doorbuster::http
