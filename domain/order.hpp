// An order: units of one product sold to a customer, by a single purchase or
// as one line of a checkout (then it turns that checkout's hold into a sale).
// Journaled as it is, and written behind to PostgreSQL's orders table.
#pragma once

#include "domain/hold.hpp"
#include "domain/inspect.hpp"
#include "domain/product.hpp"

#include <cstdint>
#include <string>

namespace doorbuster::domain {

struct order {
  uint64_t order_id = 0;
  std::string sku;
  int64_t quantity = 0;
  std::string customer_id;
  std::string idempotency_key; // empty: none
  int64_t unit_price = 0;
  std::string currency;
  int64_t created_at_ms = 0; // Unix ms
  counters after;            // the product's, once sold
  uint64_t checkout_id = 0;  // 0: a single purchase
  checkout_kind kind = checkout_kind::none;

  // The journal's order: flat, as records were first written.
  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.order_id, x.sku, x.quantity, x.customer_id,
                    x.idempotency_key, x.unit_price, x.currency,
                    x.created_at_ms, x.after.stock, x.after.version,
                    x.checkout_id, x.after.reserved, x.kind);
  }
  bool operator==(const order&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order& x) {
  return inspect_members(f, "order", x);
}

} // namespace doorbuster::domain
