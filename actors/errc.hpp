// Domain errors of the inventory: values, not exceptions. http/ maps each to
// a status code in exactly one place (http/error_response.cpp).
#pragma once

#include <string_view>

namespace doorbuster::actors {

enum class errc {
  ok = 0,
  unknown_sku,            // no product with that SKU on this node
  insufficient_stock,     // purchase or stock change needs more than on hand
  idempotency_key_reused, // same Idempotency-Key, different request
  stock_out_of_range,     // a stock change would leave [0, max_stock]
  overloaded,             // the product's queue is full; retry later
  deadline_exceeded,      // the request waited past its deadline; not applied
};

/// Stable machine-readable name, used as the error code on the wire.
std::string_view to_code(errc e);

} // namespace doorbuster::actors
