#include "actors/shard_actor.hpp"

#include "actors/passive_product.hpp"
#include "actors/product_doc.hpp"
#include "actors/stats.hpp"
#include "domain/refusal.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <tuple>
#include <unordered_map>

namespace doorbuster::actors {

namespace {

using domain::errc;
using std::chrono::steady_clock;

/// A forwarded request without a deadline of its own waits this long for
/// the owner's answer; a request waits this long for an owner.
constexpr auto forward_timeout = std::chrono::seconds{5};
constexpr auto longest_wait = std::chrono::seconds{5};
constexpr size_t max_waiting = 10000;
constexpr auto sweep_interval = std::chrono::milliseconds{100};
constexpr auto rank_interval = std::chrono::seconds{1};
constexpr size_t top_sellers = 10; // per shard

/// An active product: its actor and what the shard counts of it.
struct product_slot {
  product_actor actor;
  product_gauges_ptr gauges;
  uint64_t sent = 0;     // messages sent to `actor` since it was spawned
  uint64_t requests = 0; // purchases and holds routed to it
  uint64_t reported = 0; // `requests` at the last hot_atom query
  bool touched = false;  // asked to change since the last ranking
};

enum class mode { serving, forwarding, waiting };

/// A request waiting for an owner.
struct waiting_request {
  caf::response_promise promise;
  caf::message request;
  steady_clock::time_point since;
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
};

using self_ptr = shard_control::stateful_pointer<shard_state>;

/// Spawns the actor of a product at rest or new; `saved`: its state.
void activate(self_ptr self, const std::string& sku, product_slot& slot,
              domain::stored_product* saved) {
  auto& st = self->state;
  slot.gauges = std::make_shared<product_gauges>();
  slot.actor = spawn_product_actor(self, sku, slot.gauges, st.deps);
  slot.sent = 0;
  ++st.deps.stats->active;
  if (!saved)
    return;
  ++slot.sent;
  self->send(slot.actor, restore_atom::value, std::move(*saved));
}

/// Counts `passive` in (`sign` 1) or out (-1) of the products at rest.
void count_at_rest(shard_stats& stats, const passive_product& passive,
                   int64_t sign) {
  stats.passive += sign;
  stats.passive_bytes += sign * static_cast<int64_t>(passive.bytes());
}

/// Keeps `saved` at rest (its actor, if any, has ended).
void put_to_rest(shard_state& st, const std::string& sku,
                 const domain::stored_product& saved) {
  auto& stats = *st.deps.stats;
  auto& passive = st.resting[sku];
  if (!passive.empty())
    count_at_rest(stats, passive, -1);
  passive = passive_product::pack(saved);
  count_at_rest(stats, passive, 1);
}

/// Returns the product's slot, its actor running (woken if it was at
/// rest), or nullptr for an unknown SKU.
product_slot* find(self_ptr self, const std::string& sku) {
  auto& st = self->state;
  if (auto i = st.active.find(sku); i != st.active.end())
    return &i->second;
  auto rested = st.resting.find(sku);
  if (rested == st.resting.end())
    return nullptr;
  auto& stats = *st.deps.stats;
  auto saved = rested->second.unpack();
  count_at_rest(stats, rested->second, -1);
  ++stats.activated;
  st.resting.erase(rested);
  auto& slot = st.active[sku];
  activate(self, sku, slot, &saved);
  return &slot;
}

product_slot& find_or_spawn(self_ptr self, const std::string& sku) {
  if (auto slot = find(self, sku))
    return *slot;
  auto& slot = self->state.active[sku];
  activate(self, sku, slot, nullptr);
  return slot;
}

/// The actor of an active product, counting the message about to go to it.
const product_actor& to_product(product_slot& slot) {
  ++slot.sent;
  return slot.actor;
}

/// Keeps stored products at rest, or active if they hold units (their
/// holds run on the actor's timers); returns their catalog documents.
std::vector<domain::product_doc_ptr>
take_products(self_ptr self, std::vector<domain::stored_product>& products) {
  auto& st = self->state;
  std::vector<domain::product_doc_ptr> docs;
  docs.reserve(products.size());
  st.resting.reserve(st.resting.size() + products.size());
  for (auto& p : products) {
    docs.push_back(render_product_doc(p.state));
    if (!p.holds.empty()) {
      activate(self, p.state.sku, st.active[p.state.sku], &p);
      continue;
    }
    put_to_rest(st, p.state.sku, p);
  }
  return docs;
}

/// An idle product's offer: taken if the shard serves, the offer comes
/// from the product's current actor, and that actor took up every message
/// sent to it (none is in flight to it).
void passivate(self_ptr self, const std::string& sku, uint64_t handled,
               domain::stored_product& saved) {
  auto& st = self->state;
  auto i = st.active.find(sku);
  if (st.now != mode::serving || i == st.active.end())
    return;
  auto& slot = i->second;
  if (!slot.actor || self->current_sender() != slot.actor.address()
      || slot.sent != handled)
    return;
  self->unlink_from(slot.actor);
  self->send_exit(slot.actor, caf::exit_reason::user_shutdown);
  st.rested_requests += slot.requests;
  st.active.erase(i);
  auto& stats = *st.deps.stats;
  --stats.active;
  ++stats.passivated;
  if (saved.state.version != 0) // never created: nothing to keep
    put_to_rest(st, sku, saved);
}

/// Ranks the touched products into the best sellers.
void rank(shard_state& st) {
  for (const auto& sku : st.touched) {
    auto i = st.active.find(sku);
    if (i == st.active.end())
      continue; // at rest: keeps its place until a newer ranking
    i->second.touched = false;
    std::erase_if(st.top, [&](const auto& p) { return p.sku == sku; });
    const auto& g = *i->second.gauges;
    if (auto orders = g.orders.load(std::memory_order_relaxed); orders > 0)
      st.top.push_back({sku, orders, g.stock.load(std::memory_order_relaxed)});
  }
  st.touched.clear();
  std::stable_sort(st.top.begin(), st.top.end(), [](const auto& a,
                                                    const auto& b) {
    return a.orders > b.orders;
  });
  if (st.top.size() > top_sellers)
    st.top.resize(top_sellers);
  std::lock_guard lock{st.deps.stats->top_mutex};
  st.deps.stats->top = st.top;
}

/// Notes that `slot`'s product may change: it is ranked a second later.
void touch(self_ptr self, const std::string& sku, product_slot& slot) {
  if (slot.touched)
    return;
  slot.touched = true;
  auto& st = self->state;
  if (st.touched.empty())
    self->delayed_send(self, rank_interval, rank_atom::value);
  st.touched.push_back(sku);
}

/// Sends the waiting requests where they go now.
void replay_waiting(self_ptr self) {
  auto& st = self->state;
  auto me = caf::actor_cast<caf::actor>(self);
  for (auto& w : std::exchange(st.waiting, {}))
    w.promise.delegate(me, std::move(w.request));
}

void arm_sweep(self_ptr self) {
  if (self->state.sweeping)
    return;
  self->state.sweeping = true;
  self->delayed_send(self, sweep_interval, sweep_atom::value);
}

/// Keeps the current request until an owner is known. A request another
/// node forwarded here is answered "moved" at once: its sender re-routes.
template <class Result, class... Ts>
caf::result<Result> wait_for_owner(self_ptr self, const std::string& sku,
                                   Ts&... xs) {
  auto& st = self->state;
  const auto& sender = self->current_sender();
  if (st.waiting.size() >= max_waiting
      || (sender && sender->node() != self->node()))
    return domain::refusal<Result>(errc::moved, sku);
  auto promise = self->make_response_promise();
  st.waiting.push_back({promise, caf::make_message(std::move(xs)...),
                        steady_clock::now(),
                        caf::make_message(domain::refusal<Result>(errc::moved, sku))});
  arm_sweep(self);
  return promise;
}

/// The owner answered "moved": the route is stale. Wait for the cluster's
/// word on the new owner, and ask for it.
void owner_moved(self_ptr self, const caf::actor& answered) {
  auto& st = self->state;
  if (st.now != mode::forwarding || st.owner != answered)
    return;
  st.now = mode::waiting;
  st.owner = nullptr;
  if (st.opts.cluster)
    caf::anon_send(st.opts.cluster, moved_atom::value,
                   static_cast<uint64_t>(st.opts.index));
}

/// Asks the owner's gateway; its answer goes to the requester. No answer
/// means the owner may or may not have applied it.
template <class Result, class... Ts>
caf::result<Result> forward(self_ptr self, const std::string& sku,
                            std::chrono::nanoseconds budget, Ts&... xs) {
  auto& st = self->state;
  auto promise = self->make_response_promise();
  auto request = caf::make_message(xs...);
  auto owner = st.owner;
  auto id = ++st.forwarded;
  ++st.deps.stats->forwarded;
  st.in_flight.emplace(
    id, forwarded_request{owner.address(), promise,
                          caf::make_message(
                            domain::refusal<Result>(errc::outcome_unknown, sku))});
  self
    ->request(owner, std::chrono::duration_cast<caf::timespan>(budget),
              std::move(xs)...)
    .then(
      [self, id, promise, request, owner](Result& res) mutable {
        if (self->state.in_flight.erase(id) == 0)
          return; // answered when the owner was lost
        if (res.error != errc::moved) {
          promise.deliver(std::move(res));
          return;
        }
        owner_moved(self, owner);
        promise.delegate(caf::actor_cast<caf::actor>(self), std::move(request));
      },
      [self, id, promise, sku](caf::error&) mutable {
        if (self->state.in_flight.erase(id) == 0)
          return;
        promise.deliver(domain::refusal<Result>(errc::outcome_unknown, sku));
      });
  return promise;
}

/// Serves the current request by `local` (serving), the owner (forwarding)
/// or later (waiting). `xs` is the request itself.
template <class Result, class Local, class... Ts>
caf::result<Result> dispatch(self_ptr self, const std::string& sku,
                             std::chrono::nanoseconds budget, Local local,
                             Ts&... xs) {
  switch (self->state.now) {
    case mode::serving:
      return local();
    case mode::forwarding:
      return forward<Result>(self, sku, budget, xs...);
    case mode::waiting:
      break;
  }
  return wait_for_owner<Result>(self, sku, xs...);
}

/// Delegates a purchase or a hold to its product, unless the SKU is unknown
/// or its queue is full.
template <class Result, class Atom, class Request>
caf::result<Result> admit(self_ptr self, Atom atm, const std::string& sku,
                          Request& req) {
  auto& st = self->state;
  auto slot = find(self, sku);
  if (!slot
      || slot->gauges->depth >= static_cast<int64_t>(st.opts.max_mailbox)) {
    if (slot)
      ++st.deps.stats->overloaded;
    return domain::refusal<Result>(slot ? errc::overloaded : errc::unknown_sku, sku);
  }
  ++slot->gauges->depth;
  ++slot->requests;
  touch(self, sku, *slot);
  ++st.deps.stats->depth;
  return self->delegate(to_product(*slot), atm, std::move(req));
}

domain::shard_report report(const shard_state& st) {
  domain::shard_report r;
  r.products = st.active.size() + st.resting.size();
  r.requests = st.rested_requests;
  for (const auto& [sku, slot] : st.active) {
    r.requests += slot.requests;
    ++r.active;
    auto depth = slot.gauges->depth.load();
    r.queued += depth;
    r.max_depth = std::max(r.max_depth, depth);
  }
  return r;
}

std::vector<domain::product_heat> hottest(shard_state& st, size_t n) {
  std::vector<domain::product_heat> heat;
  for (auto& [sku, slot] : st.active) {
    auto recent = slot.requests - slot.reported;
    slot.reported = slot.requests;
    auto depth = slot.gauges->depth.load();
    if (recent > 0 || depth > 0)
      heat.push_back({sku, recent, depth});
  }
  auto hotter = [](const auto& a, const auto& b) {
    return std::tie(a.requests, a.depth) > std::tie(b.requests, b.depth);
  };
  if (heat.size() > n) {
    std::partial_sort(heat.begin(), heat.begin() + n, heat.end(), hotter);
    heat.resize(n);
  }
  return heat;
}

/// Ends every product actor of the shard and forgets its products.
void drop_products(self_ptr self) {
  for (auto& [sku, slot] : self->state.active) {
    self->unlink_from(slot.actor);
    self->send_exit(slot.actor, caf::exit_reason::user_shutdown);
  }
  auto& stats = *self->state.deps.stats;
  stats.active = 0;
  stats.passive = 0;
  stats.passive_bytes = 0;
  self->state.active.clear();
  self->state.resting.clear();
  self->state.rested_requests = 0;
  self->state.touched.clear();
  self->state.top.clear();
  std::lock_guard lock{self->state.deps.stats->top_mutex};
  self->state.deps.stats->top.clear();
}

std::chrono::nanoseconds budget_of(const domain::deadline& due) {
  return due.remaining(forward_timeout);
}

shard_control::behavior_type shard_behavior(self_ptr self,
                                            product_actor_deps deps,
                                            shard_options opts) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.deps.keeper = caf::actor_cast<product_keeper>(self);
  st.now = opts.serving ? mode::serving : mode::waiting;
  st.opts = std::move(opts);
  return {
    [=](purchase_atom atm, domain::purchase_request& req) {
      auto sku = req.sku;
      return dispatch<domain::purchase_result>(
        self, sku, budget_of(req.due),
        [&] { return admit<domain::purchase_result>(self, atm, sku, req); },
        atm, req);
    },
    [=](hold_atom atm, domain::hold_request& req) {
      auto sku = req.wanted.sku;
      return dispatch<domain::line_result>(
        self, sku, budget_of(req.due),
        [&] { return admit<domain::line_result>(self, atm, sku, req); }, atm,
        req);
    },
    [=](step_atom atm, domain::hold_command& cmd) {
      auto sku = cmd.sku;
      return dispatch<domain::line_result>(
        self, sku, forward_timeout,
        [&]() -> caf::result<domain::line_result> {
          // Never refused: a step settles units already held.
          if (auto slot = find(self, sku))
            return self->delegate(to_product(*slot), atm, std::move(cmd));
          return domain::refusal<domain::line_result>(errc::unknown_sku, sku);
        },
        atm, cmd);
    },
    [=](inspect_atom atm, std::string& sku) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.now == mode::forwarding) {
        auto promise = self->make_response_promise();
        self->request(st.owner, forward_timeout, atm, sku)
          .then([promise](std::string& json) mutable { promise.deliver(json); },
                [promise](caf::error&) mutable {
                  promise.deliver(std::string{});
                });
        return promise;
      }
      if (auto slot = find(self, sku))
        return self->delegate(to_product(*slot), atm, std::move(sku));
      return std::string{};
    },
    [=](report_atom) { return report(self->state); },
    [=](hot_atom, uint64_t n) { return hottest(self->state, n); },
    [=](put_atom atm, std::string& sku, domain::product_fields& fields) {
      auto key = sku;
      return dispatch<domain::write_result>(
        self, key, forward_timeout,
        [&]() -> caf::result<domain::write_result> {
          auto& slot = find_or_spawn(self, sku);
          // A best seller's new stock shows in /metrics; products never
          // sold are not ranked (bulk loads).
          if (slot.gauges->orders > 0)
            touch(self, sku, slot);
          return self->delegate(to_product(slot), atm, std::move(sku),
                                std::move(fields));
        },
        atm, sku, fields);
    },
    [=](restore_atom, std::vector<domain::stored_product>& products)
      -> caf::result<uint64_t> {
      auto docs = take_products(self, products);
      auto promise = self->make_response_promise<uint64_t>();
      auto n = static_cast<uint64_t>(docs.size());
      self
        ->request(self->state.deps.catalog_updates, caf::infinite,
                  update_atom::value, std::move(docs))
        .then([promise, n](uint64_t) mutable { promise.deliver(n); },
              [promise](caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [=](patch_atom atm, std::string& sku, domain::product_patch& patch) {
      auto key = sku;
      return dispatch<domain::write_result>(
        self, key, forward_timeout,
        [&]() -> caf::result<domain::write_result> {
          if (auto slot = find(self, sku)) {
            if (slot->gauges->orders > 0)
              touch(self, sku, *slot);
            return self->delegate(to_product(*slot), atm, std::move(sku),
                                  std::move(patch));
          }
          return domain::refusal<domain::write_result>(errc::unknown_sku, sku);
        },
        atm, sku, patch);
    },
    [=](own_atom, uint64_t epoch,
        std::vector<domain::stored_product>& products) {
      auto& st = self->state;
      drop_products(self);
      st.deps.fence = epoch;
      st.now = mode::serving;
      st.owner = nullptr;
      // Restored before any request: a product's restore is the first
      // message its actor gets.
      caf::anon_send(st.deps.catalog_updates, update_atom::value,
                     take_products(self, products));
      replay_waiting(self);
      return static_cast<uint64_t>(products.size());
    },
    [=](route_atom, caf::actor& gateway) {
      auto& st = self->state;
      drop_products(self);
      st.owner = std::move(gateway);
      st.now = st.owner ? mode::forwarding : mode::waiting;
      if (st.now == mode::forwarding)
        replay_waiting(self);
    },
    [=](leave_atom, bool drain) -> caf::result<bool> {
      auto& st = self->state;
      st.now = mode::waiting;
      st.owner = nullptr;
      if (!drain || (st.active.empty() && st.resting.empty())) {
        drop_products(self);
        return true;
      }
      // Everything in the products' mailboxes came before this: once each
      // says nothing of it waits for the journal, all of it is committed.
      // Products at rest wait for nothing; the count starts at one for
      // the loop itself, so an all-at-rest shard finishes after it.
      auto promise = self->make_response_promise();
      auto left = std::make_shared<size_t>(1);
      auto one_done = [self, promise, left]() mutable {
        if (--*left > 0)
          return;
        drop_products(self);
        promise.deliver(true);
      };
      for (auto& [sku, slot] : st.active) {
        ++*left;
        self->request(to_product(slot), forward_timeout, drain_atom::value)
          .then([one_done](bool) mutable { one_done(); },
                [one_done](caf::error&) mutable { one_done(); });
      }
      one_done();
      return promise;
    },
    [=](lost_atom, caf::actor& gateway) {
      auto& st = self->state;
      for (auto i = st.in_flight.begin(); i != st.in_flight.end();) {
        if (i->second.owner == gateway.address()) {
          i->second.promise.deliver(std::move(i->second.unknown_answer));
          i = st.in_flight.erase(i);
        } else {
          ++i;
        }
      }
      if (st.owner == gateway) {
        st.owner = nullptr;
        st.now = mode::waiting;
      }
    },
    [=](passivate_atom, std::string& sku, uint64_t handled,
        domain::stored_product& saved) {
      passivate(self, sku, handled, saved);
    },
    [=](rank_atom) { rank(self->state); },
    [=](sweep_atom) {
      auto& st = self->state;
      st.sweeping = false;
      auto now = steady_clock::now();
      while (!st.waiting.empty() && now - st.waiting.front().since > longest_wait) {
        auto& w = st.waiting.front();
        w.promise.deliver(std::move(w.timeout_answer));
        st.waiting.pop_front();
      }
      if (!st.waiting.empty())
        arm_sweep(self);
    },
  };
}

} // namespace

shard_control spawn_shard_actor(caf::actor_system& sys,
                                const product_actor_deps& deps,
                                const shard_options& opts) {
  return sys.spawn(shard_behavior, deps, opts);
}

} // namespace doorbuster::actors
