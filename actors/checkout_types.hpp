// The values of checkouts: reservations (cart holds) and multi-item orders.
// A checkout holds units in each of its products, then sells all of them or
// releases all of them. Plain aggregates: no CAF, no HTTP.
#pragma once

#include "actors/product_types.hpp"

namespace doorbuster::actors {

/// One product's part of a checkout, as the client asked for it.
struct checkout_line {
  std::string sku;
  int64_t quantity = 0;
};

/// Hold units of one product for a checkout.
struct hold_request {
  uint64_t checkout_id = 0;
  std::string sku;
  std::string customer_id;
  int64_t quantity = 0;
  int64_t expires_at_ms = 0;
  hold_kind kind = hold_kind::reservation;
  std::string idempotency_key;
  int64_t deadline_ns = 0; // steady_clock; 0: none
};

/// A product's answer about its part of a checkout.
struct line_result {
  errc error = errc::ok;
  std::string sku;
  int64_t quantity = 0;
  int64_t available = 0;  // after the step, or on insufficient_stock
  int64_t allowance = -1; // for limit_exceeded
  uint64_t order_id = 0;  // once sold
  int64_t unit_price = 0;
  std::string currency;
};

/// POST /v1/reservations and POST /v1/orders.
struct checkout_request {
  std::string customer_id;
  std::vector<checkout_line> items; // distinct SKUs, validated by the caller
  int64_t ttl_ms = 0;               // reservations only
  std::string idempotency_key;
  int64_t deadline_ns = 0;
  bool reserve_only = true; // false: place an order at once
};

enum class checkout_status : uint8_t {
  held, // a live reservation
  confirmed,
  cancelled,
  expired,
};

/// A checkout's state or the answer to a step on it. On an error that one
/// line caused, `lines` holds that line only.
struct checkout_result {
  errc error = errc::ok;
  uint64_t checkout_id = 0;
  std::string customer_id;
  checkout_status status = checkout_status::held;
  int64_t expires_at_ms = 0;
  std::vector<line_result> lines;
};

/// The operations on an existing reservation.
enum class reservation_op : uint8_t { get, confirm, cancel, extend };

struct reservation_request {
  uint64_t checkout_id = 0;
  reservation_op op = reservation_op::get;
  int64_t ttl_ms = 0;          // extend
  std::string idempotency_key; // confirm
};

/// A sold checkout recovered from storage at start-up: its answer again.
struct restored_checkout {
  uint64_t checkout_id = 0;
  std::string customer_id;
  std::string idempotency_key;
  hold_kind kind = hold_kind::reservation;
  std::vector<line_result> lines; // sold, in SKU order
};

/// The name of a status on the wire.
inline const char* to_string(checkout_status s) {
  switch (s) {
    case checkout_status::held:
      return "held";
    case checkout_status::confirmed:
      return "confirmed";
    case checkout_status::cancelled:
      return "cancelled";
    case checkout_status::expired:
      return "expired";
  }
  return "unknown";
}

} // namespace doorbuster::actors
