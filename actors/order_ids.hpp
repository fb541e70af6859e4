// Node-unique ids (orders, checkouts): the node's generation (persisted,
// bumped at every start, and in a cluster whenever the node rejoins) in the
// high bits and a counter in the low 32 bits, so ids are never reused
// across restarts and stay below 2^53 (exact in JSON).
#pragma once

#include <atomic>
#include <cstdint>

namespace doorbuster::actors {

class order_ids {
public:
  explicit order_ids(uint32_t generation)
    : generation_(generation), next_((uint64_t{generation} << 32) + 1) {}

  /// Thread-safe; called by every product actor.
  uint64_t next() { return next_.fetch_add(1, std::memory_order_relaxed); }

  /// The generation ids are minted under now.
  uint32_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }

  /// From now on, ids of `generation` (a cluster node that rejoined).
  void rebase(uint32_t generation) {
    next_.store((uint64_t{generation} << 32) + 1, std::memory_order_relaxed);
    generation_.store(generation, std::memory_order_release);
  }

private:
  std::atomic<uint32_t> generation_;
  std::atomic<uint64_t> next_;
};

} // namespace doorbuster::actors
