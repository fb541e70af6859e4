// The checker every fault test (and bench/chaos) runs at the end: what the
// clients were told (the ledger) against what PostgreSQL holds.
//   1. per SKU, stock + units ordered = initial stock;
//   2. every 2xx order is in PostgreSQL exactly once, and every order there
//      was answered 2xx or got an uncertain answer (ledger_entry::
//      uncertain);
//   3. no two nodes served a shard at once: every order committed under a
//      lease is of a generation that took its shard at that epoch, and was
//      committed after that take and before the shard's next take
//      (shard_history);
//   4. re-sending every acknowledged or uncertain write with its
//      Idempotency-Key (round robin over the nodes) returns the original
//      order when one was committed, and never makes a second one; every
//      acknowledged reservation of a node still up, its first id.
// write_gap_ms() gives the 5th figure: how long writes were unavailable.
#pragma once

#include "support/ledger.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace doorbuster::testing {

struct check_options {
  /// The cluster's shard count: checks 3 (0: a single node, no leases).
  size_t shards = 0;
  /// Nodes to re-send on: check 4 (empty: skipped).
  std::vector<uint16_t> ports;
  /// A reservation lives with the process that made it: after that node
  /// restarted, its confirmation may end 404 unknown_reservation even when
  /// an earlier try (answered uncertain) confirmed it. Allowed when set
  /// (faults that restart nodes); the caller reports how many.
  bool lost_carts = false;
};

/// Runs the checks; returns the problems found (empty: none).
std::vector<std::string> check_ledger(const ledger& book,
                                      const std::string& pg_uri,
                                      const std::map<std::string, int64_t>&
                                        initial,
                                      const check_options& opts = {});

/// The longest time any one SKU went without an acknowledged write, among
/// the gaps that overlap [from_ms, to_ms] (the ledger's clock).
int64_t write_gap_ms(const std::vector<ledger_entry>& entries, int64_t from_ms,
                     int64_t to_ms);

} // namespace doorbuster::testing
