// Node-unique order ids: the boot generation (persisted, bumped at every
// start) in the high bits and a per-boot counter in the low 32 bits, so ids
// are never reused across restarts and stay below 2^53 (exact in JSON).
#pragma once

#include <atomic>
#include <cstdint>

namespace doorbuster::actors {

class order_ids {
public:
  explicit order_ids(uint32_t generation)
    : next_((uint64_t{generation} << 32) + 1) {}

  /// Thread-safe; called by every product actor.
  uint64_t next() { return next_.fetch_add(1, std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> next_;
};

} // namespace doorbuster::actors
