// A product at rest: its state and what it must remember across restarts
// (the answers of its newest idempotent purchases, its live holds, the units
// each customer took). Recovery folds records into it, snapshots store it,
// and a product actor is restored from it.
#pragma once

#include "domain/hold.hpp"
#include "domain/inspect.hpp"
#include "domain/product.hpp"
#include "domain/purchase.hpp"

#include <cstdint>
#include <vector>
#include <map>
#include <string>

namespace doorbuster::domain {

struct stored_product {
  product_state state;
  // Oldest first, bounded (recovery trims in chunks: up to a quarter more).
  // A vector, not a deque: an empty deque allocates ~600 bytes, and a
  // million products at rest each have one.
  std::vector<remembered_purchase> purchases;
  std::map<uint64_t, hold_record> holds;     // by checkout id
  std::map<std::string, int64_t> customers;  // units sold or held per buyer

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.state, x.purchases, x.holds, x.customers);
  }
  bool operator==(const stored_product&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_product& x) {
  return inspect_members(f, "stored_product", x);
}

} // namespace doorbuster::domain
