// A shard's state and the helpers that keep its products (shard_actor.cpp
// serves requests with them): the active products with their actors, the
// ones at rest in packed form, the best sellers, and the shard's own bulk
// puts until the journal's word. Only the shard's actor touches it.
#pragma once

#include "actors/detail/rest_writes.hpp"
#include "actors/passive_product.hpp"
#include "actors/shard_actor.hpp"
#include "actors/stats.hpp"

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace doorbuster::actors::detail {

/// An active product: its actor and what the shard counts of it.
struct product_slot {
  product_actor actor;
  product_gauges_ptr gauges;
  uint64_t sent = 0;     // messages sent to `actor` since it was spawned
  uint64_t requests = 0; // purchases and holds routed to it
  uint64_t reported = 0; // `requests` at the last hot_atom query
  bool touched = false;  // asked to change since the last ranking
  uint64_t last_tick = 0;  // the shard's tick when it last sent it a message
  uint64_t asked_tick = 0; // ... when it last asked it whether it may rest
};

enum class mode { serving, forwarding, waiting };

/// A request waiting for an owner.
struct waiting_request {
  caf::response_promise promise;
  caf::message request;
  std::chrono::steady_clock::time_point since;
  caf::message timeout_answer;
};

/// A request forwarded to an owner, until its answer comes.
struct forwarded_request {
  caf::actor_addr owner;
  caf::response_promise promise;
  caf::message unknown_answer; // if the owner is lost meanwhile
};

struct shard_state {
  std::unordered_map<std::string, product_slot> active;
  // Products at rest keep only their packed state: a million of them are
  // most of a large catalog's products.
  std::unordered_map<std::string, passive_product> resting;
  uint64_t rested_requests = 0; // `requests` of products put to rest
  product_actor_deps deps;
  shard_options opts;
  mode now = mode::serving;
  caf::actor owner; // forwarding: the owner's gateway
  std::deque<waiting_request> waiting;
  bool sweeping = false;
  // CAF does not fail requests in flight to a node whose connection is
  // lost; the cluster says so (lost_atom) and these are answered then.
  std::unordered_map<uint64_t, forwarded_request> in_flight;
  uint64_t forwarded = 0;
  // The best sellers (stats->top): the products asked to change since the
  // last ranking, which runs a second after the first of them.
  std::vector<std::string> touched;
  std::vector<product_sales> top;
  // The idle sweep: a tick every `idle_tick` while products are active;
  // a product sent nothing for `idle_ticks` of them is asked to rest.
  uint64_t tick = 0;
  bool ticking = false;
  // Bulk puts applied at rest, in ticket order, until the journal's word.
  uint64_t appended = 0; // the shard's journal tickets, the last one
  std::deque<rest_write> writes;
  std::vector<std::function<void()>> written; // once `writes` is empty
};

using shard_self = shard_control::stateful_pointer<shard_state>;

/// Spawns the actor of a product at rest or new; `saved`: its state.
void activate(shard_self self, const std::string& sku, product_slot& slot,
              domain::stored_product* saved);

/// Counts `passive` in (`sign` 1) or out (-1) of the products at rest.
void count_at_rest(shard_stats& stats, const passive_product& passive,
                   int64_t sign);

/// Keeps `saved` at rest (its actor, if any, has ended).
void put_to_rest(shard_state& st, const std::string& sku,
                 const domain::stored_product& saved);

/// Returns the product's slot, its actor running (woken if it was at
/// rest), or nullptr for an unknown SKU.
product_slot* find(shard_self self, const std::string& sku);

product_slot& find_or_spawn(shard_self self, const std::string& sku);

/// The actor of an active product, counting the message about to go to it.
const product_actor& to_product(shard_state& st, product_slot& slot);

/// The idle sweep's tick: asks the products the shard sent nothing for
/// `passivate_after` whether they may rest, a bounded number per tick (so
/// that products woken together rest over a few seconds, not at once).
void idle_tick(shard_self self);

/// Keeps stored products at rest, or active if they hold units (their
/// holds run on the actor's timers). Their catalog documents are the
/// caller's to publish.
void take_products(shard_self self,
                   std::vector<domain::stored_product>& products);

/// An idle product's offer: taken if the shard serves, the offer comes
/// from the product's current actor, and that actor took up every message
/// sent to it (none is in flight to it).
void passivate(shard_self self, const std::string& sku, uint64_t handled,
               domain::stored_product& saved);

/// Ranks the touched products into the best sellers.
void rank(shard_state& st);

/// Notes that `slot`'s product may change: it is ranked a second later.
void touch(shard_self self, const std::string& sku, product_slot& slot);

domain::shard_report report(const shard_state& st);

/// The `n` products busiest since the previous such question.
std::vector<domain::product_heat> hottest(shard_state& st, size_t n);

/// Ends every product actor of the shard and forgets its products.
void drop_products(shard_self self);

} // namespace doorbuster::actors::detail
