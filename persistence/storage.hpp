// The persistence layer's entry point: recovers the node's state at start
// (PostgreSQL or the latest snapshot, then the journal), then runs the
// journal writer and the write-behind actor until stop().
#pragma once

#include "actors/checkout_types.hpp"
#include "persistence/status.hpp"
#include "persistence/storage_options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace doorbuster::persistence {

class storage {
public:
  /// Recovers (blocking; start-up only) and starts the actors. Throws
  /// journal_corrupt, or std::exception when a store cannot be used.
  storage(caf::actor_system& sys, const storage_options& opts);
  ~storage();

  /// The recovered products, handed over once.
  std::vector<actors::restored_product> take_recovered();

  /// The newest sold checkouts, handed over once.
  std::vector<actors::restored_checkout> take_checkouts();

  /// Records replayed from the journal at start, and how long recovery took.
  size_t replayed() const;
  double recovery_seconds() const;

  /// The highest order id found in storage (0: none).
  uint64_t max_order_id() const;

  bool uses_postgres() const;
  const caf::actor& journal() const;
  const status& stat() const;

  /// Writes behind everything durable now; `done` runs on the write-behind
  /// thread (operator_fn: empty error on success).
  void flush(std::function<void(std::string, uint64_t)> done);

  /// Journal-only mode: writes a snapshot now.
  void snapshot(std::function<void(std::string, uint64_t)> done);

  /// Commits the journal, then lets write-behind drain for up to `deadline`.
  void stop(std::chrono::milliseconds deadline);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::persistence
