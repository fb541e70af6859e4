// Counters the actors keep for /metrics: one block per shard and per catalog
// actor, each written by its owners only, summed when scraped.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace doorbuster::actors {

/// A product among its shard's best sellers.
struct product_sales {
  std::string sku;
  uint64_t orders = 0; // since this node started
  int64_t stock = 0;
};

struct shard_stats {
  std::atomic<int64_t> depth{0};        // purchases queued at its products
  std::atomic<uint64_t> purchases{0};   // purchase requests processed
  std::atomic<uint64_t> orders{0};      // orders created
  std::atomic<uint64_t> overloaded{0};  // refused: product mailbox full
  std::atomic<uint64_t> expired{0};     // dropped: deadline passed in queue
  std::atomic<uint64_t> holds{0};       // holds placed for checkouts
  std::atomic<uint64_t> holds_expired{0}; // released by their timer
  std::atomic<uint64_t> forwarded{0};   // sent to the owning node (cluster)
  std::atomic<int64_t> active{0};       // products served by a live actor
  std::atomic<int64_t> passive{0};      // products at rest in the shard
  std::atomic<uint64_t> passivated{0};  // actors ended, their product at rest
  std::atomic<uint64_t> activated{0};   // actors spawned for a product at rest
  std::atomic<int64_t> passive_bytes{0}; // what the products at rest take
  /// Its best sellers by orders, most first, ranked by the shard once a
  /// second while it sells; /metrics reads them.
  mutable std::mutex top_mutex;
  std::vector<product_sales> top;
};

struct checkout_stats {
  std::atomic<uint64_t> reservations{0}; // reservations made
  std::atomic<uint64_t> orders{0};       // multi-item orders placed
  std::atomic<uint64_t> confirmed{0};    // reservations sold
  std::atomic<uint64_t> cancelled{0};
  std::atomic<uint64_t> expired{0};      // found past expiry by a request
  std::atomic<uint64_t> refused{0};      // a line could not be held
};

struct catalog_stats {
  std::atomic<uint64_t> size{0};
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
  /// Product pages an io thread passed on to a catalog actor because the
  /// writer held the shared view's lock, or waited for it.
  std::atomic<uint64_t> passed_on{0};
};

} // namespace doorbuster::actors
