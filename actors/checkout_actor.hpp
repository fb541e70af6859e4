// A checkout coordinator. It places a reservation's or a multi-item order's
// holds one product at a time in SKU order, each under the request's
// deadline, then sells every line or releases every line. The decision to
// sell is journaled before any line is sold, so recovery finishes a
// checkout a crash interrupted. Every step is a request with a timeout whose
// continuation runs in the coordinator: a lost or late answer before the
// decision releases what is held and answers 504 or 503, never leaving a
// key or a reservation busy. Each coordinator keeps the reservations whose
// ids route to it (checkout_owner). A key that a product finds held by
// another checkout (a retry that reached another coordinator, in a cluster
// another node) is sent on to that checkout's coordinator, which answers
// from what it remembers: one key, one checkout.
#pragma once

#include "actors/atoms.hpp"
#include "domain/type_ids.hpp"
#include "persistence/journal_actor.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <functional>

namespace doorbuster::actors {

/// checkout: place a reservation or a multi-item order
/// resv: read, confirm, cancel or extend a reservation
/// restore: a live reservation, or a sold checkout with its id, at start-up
/// durable_atom: the journal's word on this coordinator's decisions
/// forget_atom: its own timer, after a reservation's expiry
using checkout_actor = caf::typed_actor<
  caf::replies_to<checkout_atom, domain::checkout_request>::with<
    domain::checkout_result>,
  caf::replies_to<resv_atom, domain::reservation_request>::with<
    domain::checkout_result>,
  caf::reacts_to<restore_atom, domain::live_reservation>,
  caf::reacts_to<restore_atom, uint64_t, domain::sold_checkout>,
  caf::reacts_to<persistence::durable_atom, uint64_t>,
  caf::reacts_to<forget_atom, uint64_t>>;

class order_ids;
class shard_map;
struct checkout_stats;

struct checkout_options {
  size_t index = 0; // of this coordinator
  size_t count = 1; // coordinators on the node
  int64_t max_ttl_ms = 0;    // expiry - creation, at most
  int64_t order_hold_ms = 0; // order holds, if a crash strands them
  size_t max_holds_per_client = 0; // live reservations of one product
};

/// The coordinator that keeps checkout `id` (this node's, or in a cluster
/// another node's gateway); invalid when none does, and then `unreachable`
/// says whether its node is a member out of reach now.
using checkout_keeper =
  std::function<checkout_actor(uint64_t id, bool& unreachable)>;

struct checkout_deps {
  const shard_map* shards; // outlives the actor
  persistence::journal_actor journal;
  order_ids* ids;        // outlives the actor; its generation heads ids
  checkout_stats* stats; // outlives the actor
  checkout_keeper keeper;
};

/// Which of `count` coordinators owns `checkout_id`.
size_t checkout_owner(uint64_t checkout_id, size_t count);

checkout_actor spawn_checkout_actor(caf::actor_system& sys,
                                    const checkout_deps& deps,
                                    const checkout_options& opts);

} // namespace doorbuster::actors
