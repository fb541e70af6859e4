#include "actors/checkout_actor.hpp"

#include "actors/gather.hpp"
#include "actors/idempotency_cache.hpp"
#include "actors/order_ids.hpp"
#include "actors/protocol.hpp"
#include "actors/shard_map.hpp"
#include "actors/stats.hpp"
#include "persistence/journal_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace doorbuster::actors {

using settle_atom = caf::atom_constant<caf::atom("settle")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;

namespace {

/// How an operation on a checkout ended; the coordinator applies it to its
/// books, then answers.
struct settlement {
  enum kind_t { created, confirmed, confirm_failed, cancelled, extended,
                extend_failed, refused } kind;
  checkout_result result;
  std::vector<checkout_line> lines; // created
  std::string key;                  // the request's Idempotency-Key
  std::string fingerprint;          // created, refused
  reply_fn<checkout_result> reply;
};

} // namespace
} // namespace doorbuster::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::actors::settlement)

namespace doorbuster::actors {

size_t checkout_owner(uint64_t checkout_id, size_t count) {
  return static_cast<size_t>((checkout_id & 0xffffffffu) % count);
}

namespace {

struct reservation {
  std::string customer_id;
  std::vector<checkout_line> lines; // in SKU order
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  checkout_status status = checkout_status::held;
  bool busy = false; // a confirm, cancel or extension is under way
  std::string confirm_key;
  checkout_result confirmed; // the confirm's answer
};

struct checkout_state {
  checkout_deps deps;
  checkout_options opts;
  uint64_t next = 0;
  std::unordered_map<uint64_t, reservation> books;
  std::deque<uint64_t> finished; // ids in a final state, oldest first
  idempotency_cache<std::string, checkout_result> keys{0};
  std::unordered_set<std::string> pending_keys;
};

using self_ptr = caf::stateful_actor<checkout_state>*;

checkout_result refusal(errc e, uint64_t id = 0) {
  checkout_result res;
  res.error = e;
  res.checkout_id = id;
  return res;
}

/// Sends one step to the product owning `sku`.
void send_step(const shard_map& shards, uint64_t id, const std::string& sku,
               hold_step step, int64_t value, reply_fn<line_result> reply) {
  caf::anon_send(shards.route(sku), step_atom::value,
                 hold_command{id, sku, step, value}, std::move(reply));
}

/// Runs `step` on every line at once; `done` gets the answers in line
/// order once all are in.
void step_all(const shard_map& shards, uint64_t id,
              const std::vector<checkout_line>& lines, hold_step step,
              std::vector<int64_t> values,
              reply_fn<std::vector<line_result>> done) {
  if (lines.empty()) {
    done({});
    return;
  }
  auto all = std::make_shared<gather<line_result>>(lines.size(),
                                                   std::move(done));
  for (size_t i = 0; i < lines.size(); ++i)
    send_step(shards, id, lines[i].sku, step,
              values.empty() ? 0 : values[i], all->slot(i, all));
}

/// Journals the decision to sell every line, then sells them; `done` gets
/// the sold lines.
void sell_all(const checkout_deps& deps, uint64_t id,
              const std::string& customer,
              const std::vector<checkout_line>& lines,
              std::function<void(std::vector<line_result>)> done) {
  persistence::checkout_record decision;
  decision.checkout_id = id;
  decision.customer_id = customer;
  std::vector<int64_t> order_ids;
  for (const auto& line : lines) {
    auto order_id = deps.ids->next();
    decision.lines.push_back({line.sku, order_id});
    order_ids.push_back(static_cast<int64_t>(order_id));
  }
  caf::anon_send(deps.journal, persistence::append_atom::value,
                 persistence::journal_entry{std::move(decision)},
                 persistence::durable_fn{[shards = deps.shards, id, lines,
                                          order_ids = std::move(order_ids),
                                          done = std::move(done)]() mutable {
                   step_all(*shards, id, lines, hold_step::sell,
                            std::move(order_ids), std::move(done));
                 }});
}

/// Places a new checkout's holds one after another in SKU order; on the
/// first refusal releases those placed and reports the refused line.
struct placing : std::enable_shared_from_this<placing> {
  caf::actor coordinator;
  checkout_deps deps;
  checkout_request req;
  uint64_t id = 0;
  int64_t expires_at_ms = 0;
  std::string fingerprint;
  reply_fn<checkout_result> reply;
  std::vector<line_result> held;

  void next() {
    if (held.size() == req.items.size()) {
      // The client is told 504 "not applied" at its deadline: past it,
      // give everything back instead of reserving or selling.
      if (past_deadline(req.deadline_ns)) {
        line_result late;
        late.error = errc::deadline_exceeded;
        late.sku = held.back().sku;
        refused(std::move(late));
        return;
      }
      placed();
      return;
    }
    const auto& line = req.items[held.size()];
    hold_request h{id,
                   line.sku,
                   req.customer_id,
                   line.quantity,
                   expires_at_ms,
                   req.reserve_only ? hold_kind::reservation
                                    : hold_kind::order,
                   req.idempotency_key,
                   req.deadline_ns};
    caf::anon_send(deps.shards->route(line.sku), hold_atom::value,
                   std::move(h),
                   reply_fn<line_result>{[self = shared_from_this()](
                                           line_result r) {
                     if (r.error == errc::ok) {
                       self->held.push_back(std::move(r));
                       self->next();
                     } else {
                       self->refused(std::move(r));
                     }
                   }});
  }

  /// Answers once the lines held so far are released, so that nothing is
  /// seen held after the refusal.
  void refused(line_result line) {
    settlement s{settlement::refused, refusal(line.error), {},
                 req.idempotency_key, fingerprint, std::move(reply)};
    s.result.lines.push_back(std::move(line));
    auto answer = [coordinator = coordinator,
                   s = std::move(s)](std::vector<line_result>) mutable {
      caf::anon_send(coordinator, settle_atom::value, std::move(s));
    };
    std::vector<checkout_line> lines(req.items.begin(),
                                     req.items.begin() + held.size());
    step_all(*deps.shards, id, lines, hold_step::release, {},
             std::move(answer));
  }

  void placed() {
    checkout_result res;
    res.checkout_id = id;
    res.customer_id = req.customer_id;
    res.expires_at_ms = expires_at_ms;
    if (req.reserve_only) {
      res.lines = std::move(held);
      settlement s{settlement::created, std::move(res), std::move(req.items),
                   req.idempotency_key, fingerprint, std::move(reply)};
      caf::anon_send(coordinator, settle_atom::value, std::move(s));
      return;
    }
    res.status = checkout_status::confirmed;
    sell_all(deps, id, req.customer_id, req.items,
             [self = shared_from_this(), res](std::vector<line_result> sold) {
               auto out = res;
               out.lines = std::move(sold);
               settlement s{settlement::created, std::move(out),
                            std::move(self->req.items),
                            self->req.idempotency_key, self->fingerprint,
                            std::move(self->reply)};
               caf::anon_send(self->coordinator, settle_atom::value,
                              std::move(s));
             });
  }
};

/// What makes two requests under one Idempotency-Key the same request.
std::string fingerprint_of(const std::string& customer, bool reserve_only,
                           const std::vector<checkout_line>& sorted_items) {
  std::string f = customer;
  f += reserve_only ? "\nR" : "\nO";
  for (const auto& line : sorted_items)
    f += "\n" + line.sku + " " + std::to_string(line.quantity);
  return f;
}

/// The reservation's state as an answer.
checkout_result view_of(uint64_t id, const reservation& r) {
  checkout_result res;
  res.checkout_id = id;
  res.customer_id = r.customer_id;
  res.status = r.status;
  res.expires_at_ms = r.expires_at_ms;
  for (const auto& line : r.lines) {
    line_result l;
    l.sku = line.sku;
    l.quantity = line.quantity;
    res.lines.push_back(std::move(l));
  }
  return res;
}

void finish(self_ptr self, uint64_t id, checkout_status status) {
  auto& st = self->state;
  st.books[id].status = status;
  st.finished.push_back(id);
  while (st.finished.size() > st.opts.remembered) {
    st.books.erase(st.finished.front());
    st.finished.pop_front();
  }
}

void arm_forget(self_ptr self, uint64_t id, int64_t expires_at_ms) {
  auto wait = std::max<int64_t>(0, expires_at_ms - persistence::now_ms()) + 1000;
  self->delayed_send(self, std::chrono::milliseconds{wait}, forget_atom::value,
                     id);
}

void create(self_ptr self, checkout_request& req,
            reply_fn<checkout_result>& reply) {
  auto& st = self->state;
  std::sort(req.items.begin(), req.items.end(),
            [](const auto& a, const auto& b) { return a.sku < b.sku; });
  auto fingerprint = fingerprint_of(req.customer_id, req.reserve_only,
                                    req.items);
  if (!req.idempotency_key.empty()) {
    if (auto seen = st.keys.find(req.idempotency_key)) {
      reply(seen->request == fingerprint
              ? seen->answer
              : refusal(errc::idempotency_key_reused));
      return;
    }
    if (!st.pending_keys.insert(req.idempotency_key).second) {
      reply(refusal(errc::reservation_busy));
      return;
    }
  }
  auto op = std::make_shared<placing>();
  op->coordinator = caf::actor_cast<caf::actor>(self);
  op->deps = st.deps;
  // Ids of this coordinator are congruent to its index modulo the count.
  op->id = (uint64_t{st.opts.generation} << 32)
           + (++st.next) * st.opts.count + st.opts.index;
  op->expires_at_ms = persistence::now_ms()
                      + (req.reserve_only ? req.ttl_ms
                                          : st.opts.order_hold_ms);
  op->fingerprint = std::move(fingerprint);
  op->reply = std::move(reply);
  op->req = std::move(req);
  op->next();
}

void settle(self_ptr self, settlement& s) {
  auto& st = self->state;
  auto id = s.result.checkout_id;
  auto& stats = *st.deps.stats;
  if (!s.key.empty() && (s.kind == settlement::created
                         || s.kind == settlement::refused))
    st.pending_keys.erase(s.key);
  switch (s.kind) {
    case settlement::refused:
      ++stats.refused;
      break;
    case settlement::created:
      if (!s.key.empty())
        st.keys.insert(s.key, s.fingerprint, s.result);
      if (s.result.status == checkout_status::confirmed) {
        ++stats.orders;
        break;
      }
      ++stats.reservations;
      st.books[id] = reservation{s.result.customer_id, std::move(s.lines),
                                 persistence::now_ms(), s.result.expires_at_ms};
      arm_forget(self, id, s.result.expires_at_ms);
      break;
    case settlement::confirmed: {
      ++stats.confirmed;
      auto& r = st.books[id];
      r.busy = false;
      r.confirm_key = s.key;
      r.confirmed = s.result;
      finish(self, id, checkout_status::confirmed);
      break;
    }
    case settlement::confirm_failed:
    case settlement::extend_failed: {
      auto& r = st.books[id];
      r.busy = false;
      if (s.result.error == errc::reservation_expired) {
        ++stats.expired;
        finish(self, id, checkout_status::expired);
      }
      break;
    }
    case settlement::cancelled:
      ++stats.cancelled;
      st.books[id].busy = false;
      finish(self, id, checkout_status::cancelled);
      s.result = view_of(id, st.books[id]);
      break;
    case settlement::extended: {
      auto& r = st.books[id];
      r.busy = false;
      r.expires_at_ms = s.result.expires_at_ms;
      arm_forget(self, id, r.expires_at_ms);
      s.result = view_of(id, r);
      break;
    }
  }
  s.reply(std::move(s.result));
}

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

void confirm(self_ptr self, uint64_t id, reservation& r,
             reservation_request& req, reply_fn<checkout_result>& reply) {
  auto& deps = self->state.deps;
  r.busy = true;
  auto coordinator = caf::actor_cast<caf::actor>(self);
  auto settle_with = [coordinator, key = req.idempotency_key,
                      reply = std::move(reply)](settlement::kind_t kind,
                                                checkout_result res) {
    caf::anon_send(coordinator, settle_atom::value,
                   settlement{kind, std::move(res), {}, key, {}, reply});
  };
  auto base = view_of(id, r);
  step_all(*deps.shards, id, r.lines, hold_step::lock, {},
           [deps, id, lines = r.lines, base,
            settle_with](std::vector<line_result> locked) {
             auto err = first_error(locked);
             if (err != errc::ok) {
               for (size_t i = 0; i < lines.size(); ++i)
                 if (locked[i].error == errc::ok)
                   send_step(*deps.shards, id, lines[i].sku,
                             hold_step::unlock, 0, {});
               settle_with(settlement::confirm_failed, refusal(err, id));
               return;
             }
             sell_all(deps, id, base.customer_id, lines,
                      [base, settle_with](std::vector<line_result> sold) {
                        auto res = base;
                        res.status = checkout_status::confirmed;
                        res.lines = std::move(sold);
                        settle_with(settlement::confirmed, std::move(res));
                      });
           });
}

void on_reservation(self_ptr self, reservation_request& req,
                    reply_fn<checkout_result>& reply) {
  auto& st = self->state;
  auto id = req.checkout_id;
  auto found = st.books.find(id);
  if (found == st.books.end()) {
    reply(refusal(errc::unknown_reservation, id));
    return;
  }
  auto& r = found->second;
  auto now = persistence::now_ms();
  if (r.status == checkout_status::held && now >= r.expires_at_ms
      && !r.busy) {
    ++st.deps.stats->expired;
    finish(self, id, checkout_status::expired); // products release on time
  }
  if (req.op == reservation_op::get) {
    reply(view_of(id, r));
    return;
  }
  switch (r.status) {
    case checkout_status::held:
      break;
    case checkout_status::confirmed:
      if (req.op == reservation_op::confirm && !req.idempotency_key.empty()
          && req.idempotency_key == r.confirm_key) {
        reply(r.confirmed);
        return;
      }
      reply(refusal(errc::reservation_confirmed, id));
      return;
    case checkout_status::cancelled:
      reply(refusal(errc::reservation_cancelled, id));
      return;
    case checkout_status::expired:
      reply(refusal(errc::reservation_expired, id));
      return;
  }
  if (r.busy) {
    reply(refusal(errc::reservation_busy, id));
    return;
  }
  auto coordinator = caf::actor_cast<caf::actor>(self);
  switch (req.op) {
    case reservation_op::get:
      break;
    case reservation_op::confirm:
      confirm(self, id, r, req, reply);
      break;
    case reservation_op::cancel:
      r.busy = true;
      step_all(*st.deps.shards, id, r.lines, hold_step::release, {},
               [coordinator, id, reply](std::vector<line_result>) {
                 caf::anon_send(coordinator, settle_atom::value,
                                settlement{settlement::cancelled,
                                           refusal(errc::ok, id),
                                           {},
                                           {},
                                           {},
                                           reply});
               });
      break;
    case reservation_op::extend: {
      auto expires = now + req.ttl_ms;
      if (expires - r.created_at_ms > st.opts.max_ttl_ms) {
        reply(refusal(errc::ttl_out_of_range, id));
        return;
      }
      r.busy = true;
      std::vector<int64_t> values(r.lines.size(), expires);
      step_all(*st.deps.shards, id, r.lines, hold_step::extend,
               std::move(values),
               [coordinator, id, expires, lines = r.lines,
                shards = st.deps.shards,
                reply](std::vector<line_result> extended) {
                 auto err = first_error(extended);
                 auto res = refusal(err, id);
                 res.expires_at_ms = expires;
                 if (err != errc::ok)
                   // A line expired meanwhile: the reservation is over.
                   for (const auto& line : lines)
                     send_step(*shards, id, line.sku, hold_step::release, 0,
                               {});
                 caf::anon_send(coordinator, settle_atom::value,
                                settlement{err == errc::ok
                                             ? settlement::extended
                                             : settlement::extend_failed,
                                           std::move(res),
                                           {},
                                           {},
                                           {},
                                           reply});
               });
      break;
    }
  }
}

caf::behavior checkout_behavior(self_ptr self, checkout_deps deps,
                                checkout_options opts) {
  self->state.deps = std::move(deps);
  self->state.opts = opts;
  self->state.keys = idempotency_cache<std::string, checkout_result>{
    opts.remembered};
  return {
    [=](checkout_atom, checkout_request& req,
        reply_fn<checkout_result>& reply) { create(self, req, reply); },
    [=](resv_atom, reservation_request& req,
        reply_fn<checkout_result>& reply) { on_reservation(self, req, reply); },
    [=](settle_atom, settlement& s) { settle(self, s); },
    [=](restore_atom, restored_reservation& saved) {
      auto& st = self->state;
      std::sort(saved.lines.begin(), saved.lines.end(),
                [](const auto& a, const auto& b) { return a.sku < b.sku; });
      reservation r{saved.customer_id, std::move(saved.lines), persistence::now_ms(),
                    saved.expires_at_ms};
      if (!saved.idempotency_key.empty())
        st.keys.insert(saved.idempotency_key,
                       fingerprint_of(r.customer_id, true, r.lines),
                       view_of(saved.checkout_id, r));
      st.books[saved.checkout_id] = std::move(r);
      arm_forget(self, saved.checkout_id, saved.expires_at_ms);
    },
    [=](restore_atom, restored_checkout& saved) {
      auto& st = self->state;
      auto by_sku = [](const auto& a, const auto& b) { return a.sku < b.sku; };
      std::sort(saved.lines.begin(), saved.lines.end(), by_sku);
      checkout_result sold;
      sold.checkout_id = saved.checkout_id;
      sold.customer_id = saved.customer_id;
      sold.status = checkout_status::confirmed;
      sold.lines = saved.lines;
      std::vector<checkout_line> lines;
      for (const auto& l : saved.lines)
        lines.push_back({l.sku, l.quantity});
      bool reserved = saved.kind == hold_kind::reservation;
      if (reserved) {
        reservation r{saved.customer_id, lines, 0, 0};
        r.confirmed = sold;
        st.books[saved.checkout_id] = std::move(r);
        finish(self, saved.checkout_id, checkout_status::confirmed);
      }
      if (!saved.idempotency_key.empty())
        st.keys.insert(saved.idempotency_key,
                       fingerprint_of(saved.customer_id, reserved, lines),
                       reserved ? view_of(saved.checkout_id,
                                          st.books[saved.checkout_id])
                                : sold);
    },
    [=](forget_atom, uint64_t id) {
      auto& st = self->state;
      auto found = st.books.find(id);
      if (found == st.books.end() || found->second.status
                                       != checkout_status::held
          || found->second.busy)
        return;
      if (persistence::now_ms() < found->second.expires_at_ms)
        return; // extended: a later timer is armed
      ++st.deps.stats->expired;
      finish(self, id, checkout_status::expired);
    },
  };
}

} // namespace

caf::actor spawn_checkout_actor(caf::actor_system& sys,
                                const checkout_deps& deps,
                                const checkout_options& opts) {
  return sys.spawn(checkout_behavior, deps, opts);
}

} // namespace doorbuster::actors
