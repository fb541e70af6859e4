// What the inventory tells operators about itself: per shard, and per
// product that was busy lately.
#pragma once

#include "domain/inspect.hpp"

#include <cstdint>
#include <string>

namespace doorbuster::domain {

struct shard_report {
  uint64_t products = 0;
  int64_t queued = 0;    // purchases and holds waiting at its products
  int64_t max_depth = 0; // the deepest product queue
  uint64_t requests = 0; // purchases and holds routed since start
  uint64_t active = 0;   // products served by a live actor; the rest at rest

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.products, x.queued, x.max_depth, x.requests, x.active);
  }
  bool operator==(const shard_report&) const = default;
};

/// A product's share of the traffic since the previous such question.
struct product_heat {
  std::string sku;
  uint64_t requests = 0;
  int64_t depth = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.sku, x.requests, x.depth);
  }
  bool operator==(const product_heat&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_report& x) {
  return inspect_members(f, "shard_report", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_heat& x) {
  return inspect_members(f, "product_heat", x);
}

} // namespace doorbuster::domain
