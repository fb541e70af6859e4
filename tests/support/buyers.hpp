// Buyers for tests that check "no oversell, no lost or duplicated order"
// against PostgreSQL: threads buy one unit at a time with a fresh
// Idempotency-Key per purchase, and some reserve a unit and confirm it;
// each retries a 503 or a lost answer with the same key (on the next node)
// as a well-behaved client would, only faster, and writes every final
// answer into a ledger.
#pragma once

#include "support/ledger.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace doorbuster::testing {

struct buyer_options {
  size_t threads = 16;
  /// Every n-th write of a thread reserves a unit, then confirms it; 0: none.
  size_t reserve_every = 0;
  /// How often a 503 or a lost answer is retried, 20 ms apart.
  int max_tries = 50;
  /// A request unanswered this long counts as a lost answer (and the
  /// buyer moves on to the next node); zero: no limit.
  std::chrono::milliseconds timeout{0};
  /// If set, the index (into the ports) of a node not to ask while it is
  /// >= 0: a client that knows which node is down.
  const std::atomic<int>* avoid = nullptr;
  /// Keys and customers start with this (buyers sharing a database need
  /// their own).
  std::string prefix = "t";
};

class buyers {
public:
  /// The buyers take turns over `ports` and `skus` until stop() (or every
  /// SKU answered 409 insufficient_stock).
  buyers(ledger& book, std::vector<uint16_t> ports,
         std::vector<std::string> skus, buyer_options opts = {});
  ~buyers();

  void stop();

private:
  void run(size_t thread);
  void buy(size_t thread);

  ledger& book_;
  std::vector<uint16_t> ports_;
  std::vector<std::string> skus_;
  buyer_options opts_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
};

} // namespace doorbuster::testing
