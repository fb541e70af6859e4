// Where persistence stands, readable from any thread (for /readyz and
// /metrics): the journal writes its fields, the write-behind consumer its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace doorbuster::persistence {

struct status {
  // Written by the journal actor.
  std::atomic<uint64_t> durable_seq{0};  // last record on disk
  std::atomic<uint64_t> appends{0};      // records appended
  std::atomic<uint64_t> syncs{0};        // write + fdatasync batches
  std::atomic<uint64_t> sync_micros{0};  // time spent in them
  std::atomic<uint64_t> segments{0};     // segment files kept
  /// The disk is full: the journal holds its batch and retries; new writes
  /// are refused (507 storage_full) until a retry succeeds.
  std::atomic<bool> storage_full{false};
  std::atomic<uint64_t> full_episodes{0}; // times the disk filled up

  // Written by the write-behind consumer.
  std::atomic<uint64_t> applied_seq{0};   // last record in the sink
  std::atomic<uint64_t> confirmed_seq{0}; // journal may drop records <= this
  std::atomic<int64_t> behind_since_ms{0}; // 0: caught up
  std::atomic<uint64_t> sink_errors{0};
  std::atomic<bool> sink_up{true};

  /// Records not yet in the sink.
  uint64_t lag_records() const {
    auto d = durable_seq.load(), a = applied_seq.load();
    return d > a ? d - a : 0;
  }

  /// Seconds since the oldest record not yet in the sink became durable.
  double lag_seconds() const;

  /// Prometheus text for these figures.
  std::string metrics() const;
};

} // namespace doorbuster::persistence
