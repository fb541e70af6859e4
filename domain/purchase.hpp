// A single purchase: the request, its answer, and the answer remembered under
// its Idempotency-Key so that a retry gets it again, also after a restart.
#pragma once

#include "domain/deadline.hpp"
#include "domain/errc.hpp"
#include "domain/inspect.hpp"

#include <cstdint>
#include <string>

namespace doorbuster::domain {

struct purchase_request {
  std::string sku;
  int64_t quantity = 0;
  std::string customer_id;
  std::string idempotency_key; // empty: not idempotent
  deadline due;                // not applied after it

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.sku, x.quantity, x.customer_id, x.idempotency_key,
                    x.due);
  }
  bool operator==(const purchase_request&) const = default;
};

struct purchase_result {
  errc error = errc::ok;
  uint64_t order_id = 0;
  std::string sku;
  int64_t quantity = 0;
  int64_t remaining = 0;  // available after the purchase, or on error
  int64_t allowance = -1; // for limit_exceeded: units still allowed

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.error, x.order_id, x.sku, x.quantity, x.remaining,
                    x.allowance);
  }
  bool operator==(const purchase_result&) const = default;
};

/// An idempotent purchase's first answer, or a checkout's line sold under
/// the checkout's key (checkout_id set): a product keeps both so that no
/// other request takes the key.
struct remembered_purchase {
  std::string key;
  int64_t quantity = 0;
  std::string customer_id;
  uint64_t order_id = 0;
  int64_t remaining = 0;
  uint64_t checkout_id = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.key, x.quantity, x.customer_id, x.order_id,
                    x.remaining, x.checkout_id);
  }
  bool operator==(const remembered_purchase&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, purchase_request& x) {
  return inspect_members(f, "purchase_request", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, purchase_result& x) {
  return inspect_members(f, "purchase_result", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remembered_purchase& x) {
  return inspect_members(f, "remembered_purchase", x);
}

} // namespace doorbuster::domain
