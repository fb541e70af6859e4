// Buyers and their ledger, for tests that check "no oversell, no lost or
// duplicated order" against PostgreSQL: threads buy one unit at a time
// with a fresh Idempotency-Key per purchase, retry a 503 with the same key
// as a well-behaved client would, and write down every final answer.
#pragma once

#include "support/http_client.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

namespace doorbuster::testing {

struct purchase_entry {
  std::string key; // Idempotency-Key
  std::string sku;
  unsigned status = 0; // the final answer; 0: no answer (connection lost)
  std::string code;    // the error code, if any
  uint64_t order_id = 0;
  int tries = 0;
};

class purchase_ledger {
public:
  /// `threads` buyers, each with one connection to each port, take turns
  /// over `ports` and `skus` until stop() (or every SKU answered 409).
  purchase_ledger(std::vector<uint16_t> ports, std::vector<std::string> skus,
                  size_t threads);
  ~purchase_ledger();

  void stop();
  const std::vector<purchase_entry>& entries() const { return entries_; }

  /// Entries by final status.
  std::map<unsigned, size_t> statuses() const;

  /// Checks the ledger against PostgreSQL at `pg_uri`, given each SKU's
  /// initial stock: per SKU stock + ordered units = initial; each 201 is in
  /// `orders` exactly once; every order there was answered 201 or got no
  /// definite answer. Returns the problems found (empty: none).
  std::vector<std::string> check(const std::string& pg_uri,
                                 const std::map<std::string, int64_t>& initial)
    const;

private:
  void buy(size_t thread);

  std::vector<uint16_t> ports_;
  std::vector<std::string> skus_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> sold_out_{0};
  mutable std::mutex mutex_;
  std::vector<purchase_entry> entries_;
};

} // namespace doorbuster::testing
