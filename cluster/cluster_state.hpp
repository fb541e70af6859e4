// What the cluster coordinator shares with the rest of the node, readable
// from any thread: which shards this node serves (the gateway's check),
// and figures for /readyz, /metrics and the console.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace doorbuster::cluster {

struct cluster_state {
  explicit cluster_state(size_t shards)
    : shards(shards), owned(std::make_unique<std::atomic<uint64_t>[]>(shards)) {}

  const size_t shards;
  /// owned[s]: the lease epoch this node serves shard s at; 0: not served.
  std::unique_ptr<std::atomic<uint64_t>[]> owned;

  std::atomic<size_t> shards_owned{0};
  std::atomic<size_t> peers_connected{0};
  std::atomic<size_t> nodes_live{0};
  std::atomic<bool> postgres_up{true};
  std::atomic<bool> draining{false};
  std::atomic<uint64_t> acquired{0};      // leases taken
  std::atomic<uint64_t> released{0};      // leases handed over
  std::atomic<uint64_t> lost{0};          // leases lost (expired, taken)
  std::atomic<uint64_t> moved{0};         // stale routes reported by shards
  std::atomic<uint64_t> renew_failures{0};
  std::atomic<uint64_t> rejoins{0};       // new generations after a lapse

  /// The membership as JSON (nodes, their shard counts and epochs), as of
  /// the last refresh.
  std::string members_json() const {
    std::lock_guard<std::mutex> guard{mutex};
    return members;
  }
  void set_members_json(std::string json) {
    std::lock_guard<std::mutex> guard{mutex};
    members = std::move(json);
  }

private:
  mutable std::mutex mutex;
  std::string members = "[]";
};

} // namespace doorbuster::cluster
