// Where the write-behind actor puts journal records: PostgreSQL, or (with
// no PostgreSQL configured) a compacted snapshot on local disk.
#pragma once

#include "persistence/journal_record.hpp"
#include "persistence/recovered_state.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace doorbuster::persistence {

class pg_store;

class writebehind_sink {
public:
  virtual ~writebehind_sink() = default;

  /// Applies a batch (in sequence order) all or nothing; throws on failure,
  /// and the same batch is offered again later.
  virtual void apply(const std::vector<journal_record>& batch) = 0;

  /// Records up to this sequence number are kept by the sink for good, so
  /// the journal may delete them.
  virtual uint64_t confirmed() const = 0;

  /// Called every flush interval, also with nothing to apply.
  virtual void tick() {}

  /// Writes a snapshot now, if this sink keeps them; false if it does not.
  virtual bool snapshot_now() { return false; }
};

/// Writes batches to PostgreSQL; reconnects after a failure.
class pg_sink : public writebehind_sink {
public:
  pg_sink(std::string uri, std::string node_id, uint64_t watermark);
  ~pg_sink() override;

  void apply(const std::vector<journal_record>& batch) override;
  uint64_t confirmed() const override { return confirmed_; }

private:
  std::string uri_;
  std::string node_id_;
  std::unique_ptr<pg_store> store_;
  uint64_t confirmed_;
};

/// Folds records into the recovered state and writes it as a snapshot
/// every interval (journal-only mode).
class snapshot_sink : public writebehind_sink {
public:
  snapshot_sink(std::string dir, recovered_state state,
                std::chrono::milliseconds interval);

  void apply(const std::vector<journal_record>& batch) override;
  uint64_t confirmed() const override { return snapshot_seq_; }
  void tick() override;
  bool snapshot_now() override;

private:
  std::string dir_;
  recovered_state state_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_;
  uint64_t snapshot_seq_;
};

} // namespace doorbuster::persistence
