// Checkouts: reservations (cart holds) and multi-item orders. A checkout
// holds units in each of its products, then sells all of them or releases
// all of them; the decision to sell is journaled before any line is sold.
#pragma once

#include "domain/deadline.hpp"
#include "domain/errc.hpp"
#include "domain/hold.hpp"
#include "domain/inspect.hpp"
#include "domain/order.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorbuster::domain {

/// Finished checkouts (and their keys) a node remembers, newest first: a
/// retry or a second confirm of one of them gets its first answer, also
/// after a restart.
constexpr size_t checkouts_remembered = 100000;

/// One product's part of a checkout, as the client asked for it.
struct checkout_line {
  std::string sku;
  int64_t quantity = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.sku, x.quantity);
  }
  bool operator==(const checkout_line&) const = default;
};

/// POST /v1/reservations and POST /v1/orders.
struct checkout_request {
  std::string customer_id;
  std::vector<checkout_line> items; // distinct SKUs, validated by the caller
  int64_t ttl_ms = 0;               // reservations only
  std::string idempotency_key;
  deadline due;
  bool reserve_only = true; // false: place an order at once
  /// Sent on by a coordinator that found the key taken by a checkout of
  /// another coordinator (the one asked now): not sent on again.
  bool forwarded = false;
  std::string holder; // who asks: hold caps count per holder (hold.hpp)

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.customer_id, x.items, x.ttl_ms, x.idempotency_key,
                    x.due, x.reserve_only, x.forwarded, x.holder);
  }
  bool operator==(const checkout_request&) const = default;
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

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.error, x.checkout_id, x.customer_id, x.status,
                    x.expires_at_ms, x.lines);
  }
  bool operator==(const checkout_result&) const = default;
};

/// The operations on an existing reservation.
enum class reservation_op : uint8_t { get, confirm, cancel, extend };

struct reservation_request {
  uint64_t checkout_id = 0;
  reservation_op op = reservation_op::get;
  int64_t ttl_ms = 0;          // extend
  std::string idempotency_key; // confirm
  deadline due;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.checkout_id, x.op, x.ttl_ms, x.idempotency_key, x.due);
  }
  bool operator==(const reservation_request&) const = default;
};

/// A line's order id in a checkout's decision.
struct decided_line {
  std::string sku;
  uint64_t order_id = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.sku, x.order_id);
  }
  bool operator==(const decided_line&) const = default;
};

/// A checkout decided to sell every line. Journaled once all its holds are
/// durable and before any of them is sold, so recovery can finish it.
struct checkout_decision {
  uint64_t checkout_id = 0;
  std::string customer_id;
  std::vector<decided_line> lines;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.checkout_id, x.customer_id, x.lines);
  }
  bool operator==(const checkout_decision&) const = default;
};

/// A sold checkout (reservation or order), kept so that a retry under its
/// Idempotency-Key, or a second confirm, is answered after a restart too.
struct sold_checkout {
  std::string customer_id;
  std::string idempotency_key; // of the request that made it
  checkout_kind kind = checkout_kind::none;
  std::vector<order> lines; // the sales, one per product

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.customer_id, x.idempotency_key, x.kind, x.lines);
  }
  bool operator==(const sold_checkout&) const = default;
};

/// A live reservation as storage gives it back at start-up (from its holds).
struct live_reservation {
  uint64_t checkout_id = 0;
  std::string customer_id;
  std::vector<checkout_line> lines;
  int64_t expires_at_ms = 0;
  std::string idempotency_key;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.checkout_id, x.customer_id, x.lines, x.expires_at_ms,
                    x.idempotency_key);
  }
  bool operator==(const live_reservation&) const = default;
};

/// A sold line as a checkout answers it.
inline line_result sold_line(const order& o) {
  line_result line;
  line.sku = o.sku;
  line.quantity = o.quantity;
  line.order_id = o.order_id;
  line.unit_price = o.unit_price;
  line.currency = o.currency;
  return line;
}

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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_line& x) {
  return inspect_members(f, "checkout_line", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_request& x) {
  return inspect_members(f, "checkout_request", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_result& x) {
  return inspect_members(f, "checkout_result", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reservation_request& x) {
  return inspect_members(f, "reservation_request", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decided_line& x) {
  return inspect_members(f, "decided_line", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_decision& x) {
  return inspect_members(f, "checkout_decision", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sold_checkout& x) {
  return inspect_members(f, "sold_checkout", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, live_reservation& x) {
  return inspect_members(f, "live_reservation", x);
}

} // namespace doorbuster::domain
