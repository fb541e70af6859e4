// A checkout coordinator. It places a reservation's or a multi-item order's
// holds one product at a time in SKU order, each under the request's
// deadline, then sells every line or releases every line. The decision to
// sell is journaled before any line is sold, so recovery finishes a
// checkout a crash interrupted. Each coordinator keeps the reservations
// whose ids route to it.
#pragma once

#include "actors/checkout_types.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

namespace doorbuster::actors {

class order_ids;
class shard_map;
struct checkout_stats;

struct checkout_options {
  size_t index = 0; // of this coordinator
  size_t count = 1; // coordinators on the node
  uint32_t generation = 1;
  int64_t max_ttl_ms = 30 * 60 * 1000; // expiry - creation, at most
  int64_t order_hold_ms = 60 * 1000;   // order holds, if a crash strands them
  size_t remembered = 100000; // finished checkouts and keys kept
};

struct checkout_deps {
  const shard_map* shards; // outlives the actor
  caf::actor journal;      // persistence::journal_actor protocol
  order_ids* ids;          // outlives the actor
  checkout_stats* stats;   // outlives the actor
};

/// A live reservation rebuilt at start-up from the holds storage kept.
struct restored_reservation {
  uint64_t checkout_id = 0;
  std::string customer_id;
  std::vector<checkout_line> lines;
  int64_t expires_at_ms = 0;
  std::string idempotency_key;
};

using checkout_atom = caf::atom_constant<caf::atom("checkout")>;
using resv_atom = caf::atom_constant<caf::atom("resv")>;

/// Which of `count` coordinators owns `checkout_id`.
size_t checkout_owner(uint64_t checkout_id, size_t count);

// Protocol (dynamically typed):
//   (checkout_atom, checkout_request, reply_fn<checkout_result>)
//   (resv_atom, reservation_request, reply_fn<checkout_result>)
//   (restore_atom, restored_reservation)  a live reservation
//   (restore_atom, restored_checkout)     a sold one, or a sold order
caf::actor spawn_checkout_actor(caf::actor_system& sys,
                                const checkout_deps& deps,
                                const checkout_options& opts);

} // namespace doorbuster::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::checkout_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::reservation_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::restored_reservation)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::restored_checkout)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  doorbuster::actors::reply_fn<doorbuster::actors::checkout_result>)
