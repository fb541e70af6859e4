// The coordinator's flows: placing a checkout's holds, deciding and selling,
// confirming, cancelling and extending a reservation. Its bookkeeping is
// checkout_books; every continuation below runs in the coordinator.
#include "actors/checkout_actor.hpp"

#include "actors/checkout_books.hpp"
#include "actors/gather.hpp"
#include "actors/order_ids.hpp"
#include "actors/shard_map.hpp"
#include "actors/stats.hpp"
#include "domain/clock.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>

namespace doorbuster::actors {

size_t checkout_owner(uint64_t checkout_id, size_t count) {
  return static_cast<size_t>((checkout_id & 0xffffffffu) % count);
}

namespace {

using domain::checkout_result;
using domain::checkout_status;
using domain::errc;
using domain::line_result;

/// How long a step that settles units already held (a sale after the
/// decision, a release, an unlock) may take: these happen whatever the
/// client's deadline, and only a node in trouble is this slow.
constexpr auto settle_wait = std::chrono::seconds{10};
const caf::duration settle_timeout{settle_wait};

/// A new checkout whose holds are being placed.
struct placing {
  uint64_t id = 0;
  domain::checkout_request req;
  int64_t expires_at_ms = 0;
  std::string fingerprint;
  caf::response_promise promise;
  std::vector<line_result> held;
  uint64_t supersedes = 0; // a forgotten checkout's hold with this key
};

struct checkout_state {
  checkout_deps deps;
  checkout_options opts;
  uint64_t next = 0;
  checkout_books books;
  uint64_t appended = 0; // tickets of decisions handed to the journal
  std::map<uint64_t, std::function<void()>> after_durable; // by ticket
};

using self_ptr = checkout_actor::stateful_pointer<checkout_state>;

checkout_result refusal(errc e, uint64_t id = 0) {
  checkout_result res;
  res.error = e;
  res.checkout_id = id;
  return res;
}

/// A request's timeout: what is left of the client's budget.
caf::duration budget_of(const domain::deadline& due) {
  auto left = due.remaining(std::chrono::nanoseconds{settle_wait});
  return caf::duration{std::max(left, std::chrono::nanoseconds{1000000})};
}

/// An answer that did not come, as a line's error: not applied.
line_result lost(const std::string& sku, const domain::deadline& due) {
  line_result res;
  res.sku = sku;
  res.error = due.passed() ? errc::deadline_exceeded : errc::unavailable;
  return res;
}

/// Runs `step` on every line at once; `done` gets the answers in line order
/// (a lost one as `lost`).
void step_all(self_ptr self, uint64_t id,
              const std::vector<domain::checkout_line>& lines,
              domain::hold_step step, std::vector<int64_t> values,
              caf::duration timeout, const domain::deadline& due,
              std::function<void(std::vector<line_result>)> done) {
  const auto* shards = self->state.deps.shards;
  gather<line_result>(
    lines.size(),
    [=](size_t i) {
      auto value = values.empty() ? 0 : values[i];
      return self->request(shards->route(lines[i].sku), timeout,
                           step_atom::value,
                           domain::hold_command{id, lines[i].sku, step,
                                                value});
    },
    [=](size_t i, const caf::error& err) {
      if (step != domain::hold_step::lock && step != domain::hold_step::extend)
        spdlog::warn("checkout {}: {} of {} not answered: {}", id,
                     static_cast<int>(step), lines[i].sku,
                     self->system().render(err));
      return lost(lines[i].sku, due);
    },
    std::move(done));
}

/// Gives every line back; `done` once all answered.
void release_all(self_ptr self, uint64_t id,
                 const std::vector<domain::checkout_line>& lines,
                 std::function<void()> done) {
  step_all(self, id, lines, domain::hold_step::release, {}, settle_timeout, {},
           [done = std::move(done)](std::vector<line_result>) { done(); });
}

/// Sells the lines of a decided checkout that are not sold yet (`sold[i]`
/// false), again and again until each product answers: a sale must not be
/// answered from what is known while it is uncommitted, because in a
/// cluster a lost step (a broken connection, a moved shard) leaves the hold
/// locked and unsold on its node. An unknown hold was sold by an earlier
/// try (or by its new owner, which sells decided holds when it loads
/// them): it is answered from `known`. After `max_sell_tries` the rest is
/// answered from `known` too, and logged: the decision stays in storage.
constexpr int max_sell_tries = 30;

/// A line answered from what its lock told, sold as `order_id`.
line_result from_decision(const line_result& known, int64_t order_id) {
  auto res = known;
  res.error = errc::ok;
  res.order_id = static_cast<uint64_t>(order_id);
  return res;
}

void sell_until_sold(self_ptr self, uint64_t id,
                     std::vector<domain::checkout_line> lines,
                     std::vector<int64_t> order_ids,
                     std::vector<line_result> known,
                     std::vector<line_result> results, int tries,
                     std::function<void(std::vector<line_result>)> done) {
  std::vector<size_t> pending;
  for (size_t i = 0; i < lines.size(); ++i)
    if (results[i].order_id == 0)
      pending.push_back(i);
  if (!pending.empty() && tries >= max_sell_tries) {
    spdlog::critical("checkout {}: {} sales not confirmed after {} tries; "
                     "answered from the decision", id, pending.size(), tries);
    for (auto i : pending)
      results[i] = from_decision(known[i], order_ids[i]);
    pending.clear();
  }
  if (pending.empty()) {
    done(std::move(results));
    return;
  }
  std::vector<domain::checkout_line> some;
  std::vector<int64_t> ids;
  for (auto i : pending) {
    some.push_back(lines[i]);
    ids.push_back(order_ids[i]);
  }
  step_all(self, id, some, domain::hold_step::sell, ids, settle_timeout, {},
           [=, results = std::move(results),
            done = std::move(done)](std::vector<line_result> sold) mutable {
             for (size_t k = 0; k < pending.size(); ++k) {
               auto i = pending[k];
               if (sold[k].error == errc::ok) {
                 results[i] = sold[k];
                 results[i].order_id = static_cast<uint64_t>(order_ids[i]);
               } else if (sold[k].error == errc::unknown_reservation) {
                 results[i] = from_decision(known[i], order_ids[i]);
               }
             }
             sell_until_sold(self, id, lines, order_ids, known,
                             std::move(results), tries + 1, std::move(done));
           });
}

/// Journals the decision to sell every line, then sells them (see
/// sell_until_sold). `done` gets the sold lines.
void decide_and_sell(self_ptr self, uint64_t id, const std::string& customer,
                     const std::vector<domain::checkout_line>& lines,
                     std::vector<line_result> known,
                     std::function<void(std::vector<line_result>)> done) {
  auto& st = self->state;
  domain::checkout_decision decision{id, customer, {}};
  std::vector<int64_t> order_ids;
  for (const auto& line : lines) {
    auto order_id = st.deps.ids->next();
    decision.lines.push_back({line.sku, order_id});
    order_ids.push_back(static_cast<int64_t>(order_id));
  }
  auto ticket = ++st.appended;
  self->send(st.deps.journal, persistence::append_atom::value,
             domain::change{std::move(decision)}, ticket,
             uint64_t{0}); // a decision spans shards: not fenced
  st.after_durable.emplace(ticket, [=, known = std::move(known),
                                    done = std::move(done)]() mutable {
    sell_until_sold(self, id, lines, order_ids, std::move(known),
                    std::vector<line_result>(lines.size()), 0,
                    std::move(done));
  });
}

void arm_forget(self_ptr self, uint64_t id, int64_t expires_at_ms) {
  auto wait = std::max<int64_t>(0, expires_at_ms - domain::now_ms()) + 1000;
  self->delayed_send(self, std::chrono::milliseconds{wait},
                     forget_atom::value, id);
}

// -- a new checkout ---------------------------------------------------------

void place_next(self_ptr self, std::shared_ptr<placing> op);

/// Answers once the lines held so far (and `also`, whose answer was lost)
/// are released, so that nothing is seen held after the refusal.
void refuse(self_ptr self, std::shared_ptr<placing> op, line_result line,
            bool also_this_line = false) {
  auto count = op->held.size() + (also_this_line ? 1 : 0);
  std::vector<domain::checkout_line> lines(op->req.items.begin(),
                                           op->req.items.begin()
                                             + static_cast<long>(count));
  release_all(self, op->id, lines, [self, op, line = std::move(line)] {
    auto& st = self->state;
    if (!op->req.idempotency_key.empty())
      st.books.end(op->req.idempotency_key);
    ++st.deps.stats->refused;
    auto res = refusal(line.error);
    res.lines.push_back(line);
    op->promise.deliver(std::move(res));
  });
}

void placed(self_ptr self, std::shared_ptr<placing> op) {
  auto& st = self->state;
  checkout_result res;
  res.checkout_id = op->id;
  res.customer_id = op->req.customer_id;
  res.expires_at_ms = op->expires_at_ms;
  auto finish = [self, op](checkout_result res) {
    auto& st = self->state;
    const auto& key = op->req.idempotency_key;
    if (!key.empty()) {
      st.books.end(key);
      st.books.remember(key, op->fingerprint, res);
    }
    op->promise.deliver(std::move(res));
  };
  if (op->req.reserve_only) {
    ++st.deps.stats->reservations;
    st.books.add(op->id, {.customer_id = op->req.customer_id,
                          .lines = op->req.items,
                          .created_at_ms = domain::now_ms(),
                          .expires_at_ms = op->expires_at_ms});
    arm_forget(self, op->id, op->expires_at_ms);
    res.lines = std::move(op->held);
    finish(std::move(res));
    return;
  }
  res.status = checkout_status::confirmed;
  decide_and_sell(self, op->id, op->req.customer_id, op->req.items, op->held,
                  [self, res, finish](std::vector<line_result> sold) mutable {
                    ++self->state.deps.stats->orders;
                    res.lines = std::move(sold);
                    finish(std::move(res));
                  });
}

/// A product says another checkout has this request's key (`taken`): gives
/// back what this one held and lets the coordinator that keeps that one
/// answer (its first answer, or busy while it is under way); 503 while its
/// node is out of reach. A hold that sold nothing and that no coordinator
/// keeps as live (its node restarted or rejoined, or this coordinator
/// refused it and its release was lost) is a leftover: this checkout takes
/// the key. Otherwise, if the keeper no longer knows the key, it is spent.
void key_taken(self_ptr self, std::shared_ptr<placing> op,
               const line_result& taken) {
  auto& st = self->state;
  auto other = taken.held_by;
  bool unreachable = false;
  auto keeper = st.deps.keeper(other, unreachable);
  bool here = keeper
              && caf::actor_cast<caf::actor_addr>(keeper) == self->address();
  const auto* kept = here ? st.books.find(other) : nullptr;
  bool live = kept != nullptr && kept->status == checkout_status::held;
  bool leftover = taken.order_id == 0 && !taken.held_busy
                  && op->supersedes == 0
                  && ((!keeper && !unreachable) || (here && !live));
  // A locked hold nobody keeps is sold or released soon: ask again then.
  unreachable = unreachable || (taken.held_busy && !keeper);
  if (leftover) {
    op->supersedes = other;
    place_next(self, op);
    return;
  }
  if (here || op->req.forwarded)
    keeper = nullptr; // it knows no answer to send
  std::vector<domain::checkout_line> lines(
    op->req.items.begin(),
    op->req.items.begin() + static_cast<long>(op->held.size()));
  release_all(self, op->id, lines, [self, op, other, keeper, unreachable] {
    auto& st = self->state;
    st.books.end(op->req.idempotency_key);
    if (!keeper) {
      // Its node is away (ask again later), or gone with what it knew.
      op->promise.deliver(refusal(unreachable ? errc::unavailable
                                              : errc::idempotency_key_reused,
                                  other));
      return;
    }
    auto req = op->req;
    req.forwarded = true;
    self->request(keeper, budget_of(req.due), checkout_atom::value, req)
      .then(
        [op](checkout_result& res) { op->promise.deliver(std::move(res)); },
        [op](caf::error&) {
          op->promise.deliver(refusal(op->req.due.passed()
                                        ? errc::deadline_exceeded
                                        : errc::unavailable));
        });
  });
}

/// Places the holds one after another in SKU order.
void place_next(self_ptr self, std::shared_ptr<placing> op) {
  const auto& req = op->req;
  if (op->held.size() == req.items.size()) {
    // The client is told 504 "not applied" at its deadline: past it, give
    // everything back instead of reserving or selling.
    if (req.due.passed()) {
      line_result late;
      late.error = errc::deadline_exceeded;
      late.sku = op->held.back().sku;
      refuse(self, op, std::move(late));
      return;
    }
    placed(self, op);
    return;
  }
  const auto& line = req.items[op->held.size()];
  domain::hold_request hold{
    {op->id, line.sku, req.customer_id, line.quantity, op->expires_at_ms,
     req.reserve_only ? domain::checkout_kind::reservation
                      : domain::checkout_kind::order,
     req.idempotency_key, 0, req.holder},
    req.due, op->supersedes, self->state.opts.max_holds_per_client};
  self
    ->request(self->state.deps.shards->route(line.sku), budget_of(req.due),
              hold_atom::value, std::move(hold))
    .then(
      [self, op](line_result& r) {
        if (r.error == errc::checkout_elsewhere) {
          key_taken(self, op, r);
          return;
        }
        if (r.error != errc::ok) {
          refuse(self, op, std::move(r));
          return;
        }
        op->held.push_back(std::move(r));
        place_next(self, op);
      },
      [self, op, sku = line.sku](caf::error&) {
        // Held or not, nobody knows: release this line too.
        refuse(self, op, lost(sku, op->req.due), true);
      });
}

caf::result<checkout_result> create(self_ptr self,
                                    domain::checkout_request& req) {
  auto& st = self->state;
  std::sort(req.items.begin(), req.items.end(),
            [](const auto& a, const auto& b) { return a.sku < b.sku; });
  auto fingerprint = checkout_books::fingerprint_of(req.customer_id,
                                                    req.reserve_only,
                                                    req.items);
  if (!req.idempotency_key.empty()) {
    if (auto seen = st.books.answer_for(req.idempotency_key))
      return seen->fingerprint == fingerprint
               ? seen->answer
               : refusal(errc::idempotency_key_reused);
    if (!st.books.start(req.idempotency_key))
      return refusal(errc::reservation_busy);
  }
  auto op = std::make_shared<placing>();
  // Ids of this coordinator are congruent to its index modulo the count.
  op->id = (uint64_t{st.deps.ids->generation()} << 32)
           + (++st.next) * st.opts.count + st.opts.index;
  op->expires_at_ms = domain::now_ms()
                      + (req.reserve_only ? req.ttl_ms
                                          : st.opts.order_hold_ms);
  op->fingerprint = std::move(fingerprint);
  op->promise = self->make_response_promise();
  op->req = std::move(req);
  place_next(self, op);
  return op->promise;
}

// -- an existing reservation ------------------------------------------------

/// The first error among the answers, the expiry first: it decides.
errc first_error(const std::vector<line_result>& lines) {
  errc found = errc::ok;
  for (const auto& l : lines) {
    if (l.error == errc::reservation_expired)
      return l.error;
    if (found == errc::ok)
      found = l.error;
  }
  return found;
}

/// A confirm or extension failed: the reservation is over if a line had
/// expired.
void failed(self_ptr self, uint64_t id, errc err) {
  auto& st = self->state;
  if (auto r = st.books.find(id))
    r->busy = false;
  if (err == errc::reservation_expired) {
    ++st.deps.stats->expired;
    st.books.finish(id, checkout_status::expired);
  }
}

void confirm(self_ptr self, uint64_t id, reservation& r,
             const domain::reservation_request& req,
             caf::response_promise promise) {
  r.busy = true;
  auto lines = r.lines;
  step_all(
    self, id, lines, domain::hold_step::lock, {}, budget_of(req.due), req.due,
    [self, id, lines, req, promise](std::vector<line_result> locked) mutable {
      auto err = first_error(locked);
      if (err != errc::ok) {
        std::vector<domain::checkout_line> unlock;
        for (size_t i = 0; i < lines.size(); ++i)
          if (locked[i].error == errc::ok)
            unlock.push_back(lines[i]);
        step_all(self, id, unlock, domain::hold_step::unlock, {},
                 settle_timeout, {}, [](std::vector<line_result>) {});
        failed(self, id, err);
        promise.deliver(refusal(err, id));
        return;
      }
      auto* r = self->state.books.find(id);
      auto base = checkout_books::view_of(id, *r);
      decide_and_sell(
        self, id, r->customer_id, lines, std::move(locked),
        [self, id, key = req.idempotency_key, base,
         promise](std::vector<line_result> sold) mutable {
          auto& st = self->state;
          ++st.deps.stats->confirmed;
          auto res = base;
          res.status = checkout_status::confirmed;
          res.lines = std::move(sold);
          auto* r = st.books.find(id);
          r->busy = false;
          r->confirm_key = key;
          r->confirmed = res;
          st.books.finish(id, checkout_status::confirmed);
          promise.deliver(std::move(res));
        });
    });
}

void cancel(self_ptr self, uint64_t id, reservation& r,
            caf::response_promise promise) {
  r.busy = true;
  release_all(self, id, r.lines, [self, id, promise]() mutable {
    auto& st = self->state;
    ++st.deps.stats->cancelled;
    st.books.find(id)->busy = false;
    st.books.finish(id, checkout_status::cancelled);
    promise.deliver(checkout_books::view_of(id, *st.books.find(id)));
  });
}

void extend(self_ptr self, uint64_t id, reservation& r, int64_t expires,
            const domain::reservation_request& req,
            caf::response_promise promise) {
  r.busy = true;
  auto lines = r.lines;
  std::vector<int64_t> values(lines.size(), expires);
  step_all(
    self, id, lines, domain::hold_step::extend, std::move(values),
    budget_of(req.due), req.due,
    [self, id, lines, expires, was = r.expires_at_ms, promise](
      std::vector<line_result> extended) mutable {
      auto err = first_error(extended);
      if (err != errc::ok) {
        if (err == errc::reservation_expired) { // a line expired: it is over
          release_all(self, id, lines, [] {});
        } else {
          // Lines refused (a product's max_hold_s, or no answer): the
          // others go back to the reservation's expiry.
          std::vector<domain::checkout_line> back;
          for (size_t i = 0; i < lines.size(); ++i)
            if (extended[i].error == errc::ok)
              back.push_back(lines[i]);
          step_all(self, id, back, domain::hold_step::extend,
                   std::vector<int64_t>(back.size(), was), settle_timeout,
                   {}, [](std::vector<line_result>) {});
        }
        failed(self, id, err);
        auto res = refusal(err, id);
        res.expires_at_ms = expires;
        promise.deliver(std::move(res));
        return;
      }
      auto* r = self->state.books.find(id);
      r->busy = false;
      r->expires_at_ms = expires;
      arm_forget(self, id, expires);
      promise.deliver(checkout_books::view_of(id, *r));
    });
}

caf::result<checkout_result> on_reservation(
  self_ptr self, const domain::reservation_request& req) {
  auto& st = self->state;
  auto id = req.checkout_id;
  auto* r = st.books.find(id);
  if (r == nullptr)
    return refusal(errc::unknown_reservation, id);
  auto now = domain::now_ms();
  if (r->status == checkout_status::held && now >= r->expires_at_ms
      && !r->busy) {
    ++st.deps.stats->expired;
    st.books.finish(id, checkout_status::expired); // products release on time
  }
  if (req.op == domain::reservation_op::get)
    return checkout_books::view_of(id, *r);
  switch (r->status) {
    case checkout_status::held:
      break;
    case checkout_status::confirmed:
      if (req.op == domain::reservation_op::confirm
          && !req.idempotency_key.empty()
          && req.idempotency_key == r->confirm_key)
        return r->confirmed;
      return refusal(errc::reservation_confirmed, id);
    case checkout_status::cancelled:
      return refusal(errc::reservation_cancelled, id);
    case checkout_status::expired:
      return refusal(errc::reservation_expired, id);
  }
  if (r->busy)
    return refusal(errc::reservation_busy, id);
  auto expires = now + req.ttl_ms;
  if (req.op == domain::reservation_op::extend
      && expires - r->created_at_ms > st.opts.max_ttl_ms)
    return refusal(errc::ttl_out_of_range, id);
  // Taking the promise takes over the answer: no early return after it.
  auto promise = self->make_response_promise();
  switch (req.op) {
    case domain::reservation_op::get:
      break;
    case domain::reservation_op::confirm:
      confirm(self, id, *r, req, promise);
      break;
    case domain::reservation_op::cancel:
      cancel(self, id, *r, promise);
      break;
    case domain::reservation_op::extend:
      extend(self, id, *r, expires, req, promise);
      break;
  }
  return promise;
}

// -- start-up and timers ----------------------------------------------------

void restore_live(self_ptr self, domain::live_reservation& saved) {
  auto& books = self->state.books;
  std::sort(saved.lines.begin(), saved.lines.end(),
            [](const auto& a, const auto& b) { return a.sku < b.sku; });
  reservation r{.customer_id = saved.customer_id,
                .lines = std::move(saved.lines),
                .created_at_ms = domain::now_ms(),
                .expires_at_ms = saved.expires_at_ms};
  if (!saved.idempotency_key.empty())
    books.remember(saved.idempotency_key,
                   checkout_books::fingerprint_of(r.customer_id, true,
                                                  r.lines),
                   checkout_books::view_of(saved.checkout_id, r));
  books.add(saved.checkout_id, std::move(r));
  arm_forget(self, saved.checkout_id, saved.expires_at_ms);
}

void restore_sold(self_ptr self, uint64_t id, domain::sold_checkout& saved) {
  auto& books = self->state.books;
  std::sort(saved.lines.begin(), saved.lines.end(),
            [](const auto& a, const auto& b) { return a.sku < b.sku; });
  checkout_result sold;
  sold.checkout_id = id;
  sold.customer_id = saved.customer_id;
  sold.status = checkout_status::confirmed;
  std::vector<domain::checkout_line> lines;
  for (const auto& o : saved.lines) {
    sold.lines.push_back(domain::sold_line(o));
    lines.push_back({o.sku, o.quantity});
  }
  bool reserved = saved.kind == domain::checkout_kind::reservation;
  if (reserved) {
    reservation r{.customer_id = saved.customer_id, .lines = lines};
    r.confirmed = sold;
    books.add(id, std::move(r));
    books.finish(id, checkout_status::confirmed);
  }
  if (!saved.idempotency_key.empty())
    books.remember(saved.idempotency_key,
                   checkout_books::fingerprint_of(saved.customer_id, reserved,
                                                  lines),
                   reserved ? checkout_books::view_of(id, *books.find(id))
                            : sold);
}

checkout_actor::behavior_type checkout_behavior(self_ptr self,
                                                checkout_deps deps,
                                                checkout_options opts) {
  self->state.deps = std::move(deps);
  self->state.opts = opts;
  return {
    [=](checkout_atom, domain::checkout_request& req) {
      return create(self, req);
    },
    [=](resv_atom, const domain::reservation_request& req) {
      return on_reservation(self, req);
    },
    [=](restore_atom, domain::live_reservation& saved) {
      restore_live(self, saved);
    },
    [=](restore_atom, uint64_t id, domain::sold_checkout& saved) {
      restore_sold(self, id, saved);
    },
    [=](persistence::durable_atom, uint64_t ticket) {
      auto& pending = self->state.after_durable;
      auto end = pending.upper_bound(ticket);
      std::vector<std::function<void()>> ready;
      for (auto i = pending.begin(); i != end; ++i)
        ready.push_back(std::move(i->second));
      pending.erase(pending.begin(), end);
      for (auto& then : ready)
        then();
    },
    [=](forget_atom, uint64_t id) {
      auto& st = self->state;
      auto* r = st.books.find(id);
      if (r == nullptr || r->status != checkout_status::held || r->busy)
        return;
      if (domain::now_ms() < r->expires_at_ms)
        return; // extended: a later timer is armed
      ++st.deps.stats->expired;
      st.books.finish(id, checkout_status::expired);
    },
  };
}

} // namespace

checkout_actor spawn_checkout_actor(caf::actor_system& sys,
                                    const checkout_deps& deps,
                                    const checkout_options& opts) {
  return sys.spawn(checkout_behavior, deps, opts);
}

} // namespace doorbuster::actors
