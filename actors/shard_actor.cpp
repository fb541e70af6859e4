#include "actors/shard_actor.hpp"

#include "actors/detail/shard_bulk_put.hpp"
#include "actors/detail/shard_state.hpp"
#include "actors/product_doc.hpp"
#include "domain/refusal.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>

namespace doorbuster::actors {

namespace {

using namespace detail;
using domain::errc;
using std::chrono::steady_clock;

/// A forwarded request without a deadline of its own waits this long for
/// the owner's answer; a request waits this long for an owner.
constexpr auto forward_timeout = std::chrono::seconds{5};
constexpr auto longest_wait = std::chrono::seconds{5};
constexpr size_t max_waiting = 10000;
constexpr auto sweep_interval = std::chrono::milliseconds{100};

using self_ptr = shard_self;

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
  return self->delegate(to_product(self->state, *slot), atm, std::move(req));
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
            return self->delegate(to_product(self->state, *slot), atm, std::move(cmd));
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
        return self->delegate(to_product(self->state, *slot), atm, std::move(sku));
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
          return self->delegate(to_product(self->state, slot), atm, std::move(sku),
                                std::move(fields));
        },
        atm, sku, fields);
    },
    [=](put_atom, std::vector<domain::product_entry>& entries) {
      return bulk_put(self, entries);
    },
    [=](persistence::durable_atom, uint64_t ticket) {
      on_durable(self, ticket);
    },
    [=](persistence::refused_atom, uint64_t ticket) {
      on_refused(self, ticket);
    },
    [=](restore_atom, std::vector<domain::stored_product>& products) {
      take_products(self, products);
      return static_cast<uint64_t>(products.size());
    },
    [=](patch_atom atm, std::string& sku, domain::product_patch& patch) {
      auto key = sku;
      return dispatch<domain::write_result>(
        self, key, forward_timeout,
        [&]() -> caf::result<domain::write_result> {
          if (auto slot = find(self, sku)) {
            if (slot->gauges->orders > 0)
              touch(self, sku, *slot);
            return self->delegate(to_product(self->state, *slot), atm, std::move(sku),
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
      std::vector<domain::product_doc_ptr> docs;
      docs.reserve(products.size());
      for (const auto& p : products)
        docs.push_back(render_product_doc(p.state));
      take_products(self, products);
      caf::anon_send(st.deps.catalog_updates, update_atom::value,
                     std::move(docs));
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
        self->request(to_product(self->state, slot), forward_timeout, drain_atom::value)
          .then([one_done](bool) mutable { one_done(); },
                [one_done](caf::error&) mutable { one_done(); });
      }
      if (!st.writes.empty()) { // the shard's own bulk puts
        ++*left;
        st.written.push_back([one_done]() mutable { one_done(); });
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
    [=](idle_atom) { idle_tick(self); },
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
