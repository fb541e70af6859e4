// Holds: units of a product set aside for one checkout, and the steps a
// checkout coordinator asks of a product about them. A hold is placed,
// maybe extended or locked for a confirm, then sold or released.
#pragma once

#include "domain/deadline.hpp"
#include "domain/errc.hpp"
#include "domain/inspect.hpp"
#include "domain/product.hpp"

#include <cstdint>
#include <string>

namespace doorbuster::domain {

/// The kind of checkout a hold or an order belongs to.
enum class checkout_kind : uint8_t {
  none = 0,        // an order of a single purchase
  reservation = 1, // a cart hold: the customer confirms or it expires
  order = 2,       // a line of a multi-item order being placed
};

struct hold {
  uint64_t checkout_id = 0;
  std::string sku;
  std::string customer_id;
  int64_t quantity = 0;
  int64_t expires_at_ms = 0; // Unix ms
  checkout_kind kind = checkout_kind::reservation;
  std::string idempotency_key; // of the request that made it
  uint64_t order_id = 0;       // set once its checkout decided to sell
  std::string holder;          // the client that asked for it (its
                               // identity or address); empty: not capped
  int64_t placed_at_ms = 0;    // Unix ms; set by the product

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.checkout_id, x.sku, x.customer_id, x.quantity,
                    x.expires_at_ms, x.kind, x.idempotency_key, x.order_id,
                    x.holder, x.placed_at_ms);
  }
  bool operator==(const hold&) const = default;
};

/// A hold placed or extended, as journaled. In the journal `order_id` is 0;
/// recovery sets it when the hold's checkout was decided.
struct hold_record {
  hold placed;
  counters after;

  // The journal's order: flat, as records were first written.
  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.placed.checkout_id, x.placed.sku, x.placed.customer_id,
                    x.placed.quantity, x.placed.expires_at_ms, x.placed.kind,
                    x.placed.idempotency_key, x.after.stock, x.after.reserved,
                    x.after.version, x.placed.order_id, x.placed.holder,
                    x.placed.placed_at_ms);
  }
  bool operator==(const hold_record&) const = default;
};

/// A hold given back: cancelled, expired or its checkout failed.
struct release_record {
  uint64_t checkout_id = 0;
  std::string sku;
  counters after;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.checkout_id, x.sku, x.after.stock, x.after.reserved,
                    x.after.version);
  }
  bool operator==(const release_record&) const = default;
};

/// Hold units of one product for a checkout, unless `due` has passed.
/// The checkout's coordinator sets the holder cap from its options.
/// `supersedes`: a live hold with the same key whose checkout nobody keeps
/// any more (its node restarted or rejoined); this one takes the key.
struct hold_request {
  hold wanted;
  deadline due;
  uint64_t supersedes = 0;
  size_t holder_cap = 0; // live reservations `wanted.holder` may have of
                         // the product (0: no cap)

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.wanted, x.due, x.supersedes, x.holder_cap);
  }
  bool operator==(const hold_request&) const = default;
};

/// What a checkout asks of a product about its hold there.
enum class hold_step : uint8_t {
  release, // give the units back
  lock,    // a confirm starts: keep it past its expiry until sold or unlocked
  unlock,  // the confirm failed elsewhere
  extend,  // value: the new expiry, Unix ms
  sell,    // value: the order id; the checkout's decision is durable
};

struct hold_command {
  uint64_t checkout_id = 0;
  std::string sku;
  hold_step step = hold_step::release;
  int64_t value = 0;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.checkout_id, x.sku, x.step, x.value);
  }
  bool operator==(const hold_command&) const = default;
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
  uint64_t held_by = 0; // checkout_elsewhere: the checkout with the key
                        // (order_id set if it sold its line here)
  bool held_busy = false; // ... and holds it locked: an order's, or a
                          // confirm's under way; not to be superseded

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.error, x.sku, x.quantity, x.available, x.allowance,
                    x.order_id, x.unit_price, x.currency, x.held_by,
                    x.held_busy);
  }
  bool operator==(const line_result&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hold& x) {
  return inspect_members(f, "hold", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hold_record& x) {
  return inspect_members(f, "hold_record", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, release_record& x) {
  return inspect_members(f, "release_record", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hold_request& x) {
  return inspect_members(f, "hold_request", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hold_command& x) {
  return inspect_members(f, "hold_command", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, line_result& x) {
  return inspect_members(f, "line_result", x);
}

} // namespace doorbuster::domain
