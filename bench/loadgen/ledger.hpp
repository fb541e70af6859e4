// Every order the load generator was given, and the checks a rehearsal ends
// with: sold + stock = initial per SKU, no order id given twice, a retried
// Idempotency-Key answered with its first order, every order stored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace doorbuster::loadgen {

struct order_seen {
  std::string sku;
  uint64_t order_id = 0;
  int64_t quantity = 0;
  std::string key; // Idempotency-Key
};

struct ledger {
  std::vector<order_seen> orders; // first answers only
  uint64_t replays = 0;           // retries with a key already answered
  uint64_t replay_mismatches = 0; // ... answered with another order
  void merge(const ledger& other);
};

/// What failed, one line each; empty when every invariant holds.
/// `stock_now` and `initial` are per SKU.
std::vector<std::string> check_invariants(
  const ledger& l, const std::map<std::string, int64_t>& initial,
  const std::map<std::string, int64_t>& stock_now);

} // namespace doorbuster::loadgen
