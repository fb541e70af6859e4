// Domain errors: values, not exceptions. http/ maps each to a status code in
// exactly one place (http/api_error.cpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace doorbuster::domain {

enum class errc : uint8_t {
  ok = 0,
  unknown_sku,            // no product with that SKU on this node
  insufficient_stock,     // purchase or stock change needs more than on hand
  idempotency_key_reused, // same Idempotency-Key, different request
  stock_out_of_range,     // a stock change would leave [0, max_stock]
  overloaded,             // the product's queue is full; retry later
  deadline_exceeded,      // the request waited past its deadline; not applied
  not_on_sale,            // outside the sale window, or paused
  limit_exceeded,         // over max_per_order or max_per_customer
  unknown_reservation,    // no reservation with that id on this node
  reservation_expired,    // its holds were released at expiry
  reservation_confirmed,  // confirmed already; nothing to change
  reservation_cancelled,  // cancelled already
  reservation_busy,       // a confirm of it is under way
  ttl_out_of_range,       // beyond the node's maximum TTL, or a
                          // product's max_hold_s
  unavailable,            // a part of the node did not answer; not applied
  moved,                  // the product's shard is between owners; not applied
  outcome_unknown,        // its owner stopped answering; maybe applied
  checkout_elsewhere,     // a hold: the key is another checkout's (held_by);
                          // its coordinator answers instead (never on the
                          // wire)
  too_many_holds,         // the client holds its cap of live reservations
                          // of the product already
};

/// Stable machine-readable name, used as the error code on the wire.
std::string_view to_code(errc e);

} // namespace doorbuster::domain
