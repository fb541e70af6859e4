// The persistence layer's entry point: recovers the node's state at start
// (PostgreSQL or the latest snapshot, then the journal), then runs the
// journal writer and the write-behind actor until stop().
#pragma once

#include "config/options.hpp"
#include "domain/checkout.hpp"
#include "domain/stored_product.hpp"
#include "persistence/journal_actor.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/status.hpp"
#include "persistence/writebehind_actor.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace doorbuster::persistence {

/// PostgreSQL could not be reached at start: worth waiting for, since the
/// journal alone does not hold what was written behind to it.
struct store_unreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class storage {
public:
  /// Recovers (blocking; start-up only) and starts the actors. Throws
  /// store_unreachable, journal_corrupt, or std::exception when a store
  /// cannot be used.
  /// `keys_per_product`: idempotency keys each product remembers.
  storage(caf::actor_system& sys, const config::persistence_options& opts,
          size_t keys_per_product);
  /// A cluster node's storage: nothing to recover locally (each shard is
  /// loaded from PostgreSQL when its lease is taken); records commit to
  /// PostgreSQL fenced by `holder()`'s leases of `shards` shards.
  storage(caf::actor_system& sys, const config::persistence_options& opts,
          lease_holder_source holder, size_t shards);
  ~storage();

  /// The recovered products, handed over once.
  std::vector<domain::stored_product> take_recovered();

  /// The newest sold checkouts by id, handed over once.
  std::map<uint64_t, domain::sold_checkout> take_checkouts();

  /// Records replayed from the journal at start, and how long recovery took.
  size_t replayed() const;
  double recovery_seconds() const;

  /// The highest order id found in storage (0: none).
  uint64_t max_order_id() const;

  bool uses_postgres() const;
  /// Whether records commit to PostgreSQL before they are acknowledged.
  bool clustered() const;
  const journal_actor& journal() const;
  /// Operators flush it or take snapshots through it.
  const writebehind_actor& writebehind() const;
  const status& stat() const;
  /// stat()'s figures for /metrics, and the space of the data directory's
  /// file system (journal and snapshots fill it; a cluster node's is unused).
  std::string metrics() const;

  /// Commits the journal (or what the committer holds), then lets
  /// write-behind drain for up to `deadline`.
  void stop(std::chrono::milliseconds deadline);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::persistence
