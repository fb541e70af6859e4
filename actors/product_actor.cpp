#include "actors/product_actor.hpp"

#include "actors/product.hpp"
#include "actors/stats.hpp"
#include "domain/clock.hpp"
#include "domain/refusal.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace doorbuster::actors {

namespace {

using domain::errc;

/// A journaled change, or an answer, waiting for the journal.
struct awaiting {
  uint64_t ticket;               // of the product's record it waits for
  domain::product_doc_ptr doc;   // the view after the change; null: none
  caf::response_promise promise; // unset: nobody to answer
  caf::message answer;
  caf::message (*refusal)(const std::string& sku) = nullptr; // if refused
};

struct product_state {
  std::optional<product> item; // set before the first message
  product_actor_deps deps;
  product_gauges_ptr gauges;
  uint64_t appended = 0; // tickets handed to the journal, the last one
  std::deque<awaiting> waiting; // in ticket order
  std::vector<caf::response_promise> drained; // answered once nothing waits
  bool fenced = false; // a record was refused: this actor's lease is lost
  size_t publishing = 0; // documents sent to the catalog, not yet applied
  uint64_t handled = 0; // messages of the shard taken up
  std::chrono::steady_clock::time_point last_request;
};

using self_ptr = product_actor::stateful_pointer<product_state>;

/// Notes one of the shard's messages taken up: the product is busy now.
void took(product_state& st) {
  ++st.handled;
  st.last_request = std::chrono::steady_clock::now();
}

/// Nothing in flight that the state at rest would not keep: no live hold
/// (its timer), nothing waiting for the journal or the catalog, no lease
/// lost.
bool at_rest(const product_state& st) {
  return st.item->hold_count() == 0 && st.waiting.empty()
         && st.publishing == 0 && st.drained.empty() && !st.fenced;
}

/// The shard's question whether the product may rest: offers its state if
/// it has been idle long enough and holds nothing in flight (the shard
/// refuses if it has sent more since), else stays silent (the shard asks
/// again later).
void on_idle(self_ptr self) {
  auto& st = self->state;
  auto idle = std::chrono::steady_clock::now() - st.last_request;
  if (idle >= st.deps.passivate_after && at_rest(st))
    self->send(st.deps.keeper, passivate_atom::value, st.item->sku(),
               st.handled, st.item->save());
}

/// The answer of type T to a request whose record was refused: moved, not
/// applied (the shard's new owner serves the retry).
template <class T>
caf::message refusal_of(const std::string& sku) {
  return caf::make_message(domain::refusal<T>(errc::moved, sku));
}

/// Shows the shard the product's orders and stock after a change.
void publish_gauges(product_state& st) {
  st.gauges->orders.store(st.item->orders_since_start(),
                          std::memory_order_relaxed);
  st.gauges->stock.store(st.item->fields().stock, std::memory_order_relaxed);
}

/// Journals `change`. Once it is durable, the view of the state after it
/// (`doc`, rendered here if not given) goes to the catalog and `answer` to
/// `promise`: a read after the answer sees the change. If the journal
/// refuses it, `refusal` goes to `promise` instead.
void commit(self_ptr self, domain::change change,
            caf::response_promise promise = {}, caf::message answer = {},
            domain::product_doc_ptr doc = nullptr,
            caf::message (*refusal)(const std::string&) = nullptr) {
  auto& st = self->state;
  publish_gauges(st);
  auto ticket = ++st.appended;
  self->send(st.deps.journal, persistence::append_atom::value,
             std::move(change), ticket, st.deps.fence);
  st.waiting.push_back({ticket, doc ? std::move(doc) : st.item->render(),
                        std::move(promise), std::move(answer), refusal});
}

/// Answers the current request with `answer` once `change` is durable.
template <class T>
caf::result<T> commit_then_answer(self_ptr self, domain::change change,
                                  T answer,
                                  domain::product_doc_ptr doc = nullptr) {
  auto promise = self->make_response_promise();
  commit(self, std::move(change), promise,
         caf::make_message(std::move(answer)), std::move(doc),
         &refusal_of<T>);
  return promise;
}

/// Answers the shard's drain requests once nothing waits for the journal.
void answer_drained(product_state& st) {
  if (!st.waiting.empty())
    return;
  for (auto& p : st.drained)
    p.deliver(true);
  st.drained.clear();
}

/// Answers now if nothing of this product waits for the journal, else once
/// everything journaled so far is durable (a replayed purchase must not
/// be answered before the original is on disk).
template <class T>
caf::result<T> answer_after_pending(self_ptr self, T answer) {
  auto& st = self->state;
  if (st.waiting.empty())
    return answer;
  auto promise = self->make_response_promise();
  st.waiting.push_back({st.appended, nullptr, promise,
                        caf::make_message(std::move(answer)),
                        &refusal_of<T>});
  return promise;
}

/// Answers that wait for the catalog to apply a document.
using answers = std::vector<std::pair<caf::response_promise, caf::message>>;

void deliver(answers& xs) {
  for (auto& [promise, answer] : xs)
    promise.deliver(std::move(answer));
}

/// The journal's word that records up to `ticket` are on disk: one catalog
/// update with the newest durable view, then, once the catalog applied it,
/// the answers, in order (a read after an answer sees the change).
void on_durable(self_ptr self, uint64_t ticket) {
  auto& st = self->state;
  auto end = st.waiting.begin();
  domain::product_doc_ptr newest;
  answers due;
  for (; end != st.waiting.end() && end->ticket <= ticket; ++end) {
    if (end->doc)
      newest = end->doc;
    if (end->promise.pending())
      due.emplace_back(std::move(end->promise), std::move(end->answer));
  }
  st.waiting.erase(st.waiting.begin(), end);
  answer_drained(st);
  if (!newest) {
    deliver(due);
    return;
  }
  if (st.deps.peer_updates)
    self->send(st.deps.peer_updates, update_atom::value, newest);
  ++st.publishing;
  auto done = [self, due = std::move(due)]() mutable {
    --self->state.publishing;
    deliver(due);
  };
  self->request(st.deps.catalog_updates, caf::infinite, update_atom::value,
                std::move(newest))
    .then([done](uint64_t) mutable { done(); },
          [done](caf::error&) mutable { done(); });
}

/// The journal's word that records up to `ticket` will never be durable:
/// the shard's lease was lost. Their requests are answered "moved" (not
/// applied), and so is every later write: this actor's state is no longer
/// the product's; its shard drops it.
void on_refused(self_ptr self, uint64_t ticket) {
  auto& st = self->state;
  st.fenced = true;
  auto end = st.waiting.begin();
  for (; end != st.waiting.end() && end->ticket <= ticket; ++end)
    if (end->promise.pending() && end->refusal != nullptr)
      end->promise.deliver(end->refusal(st.item->sku()));
  st.waiting.erase(st.waiting.begin(), end);
  answer_drained(st);
}

/// The product's own timer for a hold's expiry.
void arm_expiry(self_ptr self, uint64_t checkout_id, int64_t expires_at_ms) {
  auto wait = std::max<int64_t>(0, expires_at_ms - domain::now_ms());
  self->delayed_send(self, std::chrono::milliseconds{wait},
                     expire_atom::value, checkout_id);
}

/// Releases a hold and journals it; the answer once durable.
caf::result<domain::line_result> release_hold(self_ptr self,
                                              uint64_t checkout_id,
                                              bool answer = true) {
  auto& item = *self->state.item;
  domain::line_result res;
  res.sku = item.sku();
  auto released = item.release(checkout_id);
  if (!released) {
    res.error = errc::reservation_expired;
    return res;
  }
  res.available = item.available();
  if (!answer) {
    commit(self, std::move(*released));
    return res;
  }
  return commit_then_answer(self, std::move(*released), std::move(res));
}

/// Sells a hold whose checkout decided; the answer once durable.
caf::result<domain::line_result> sell_hold(self_ptr self, uint64_t checkout_id,
                                           uint64_t order_id,
                                           bool answer = true) {
  auto& item = *self->state.item;
  domain::line_result res;
  res.sku = item.sku();
  auto sold = item.sell_hold(checkout_id, order_id, domain::now_ms(), res);
  if (!sold) {
    res.error = errc::unknown_reservation;
    return res;
  }
  ++self->state.deps.stats->orders;
  if (!answer) {
    commit(self, std::move(*sold));
    return res;
  }
  return commit_then_answer(self, std::move(*sold), std::move(res));
}

caf::result<domain::line_result> step(self_ptr self,
                                      const domain::hold_command& cmd) {
  auto& item = *self->state.item;
  domain::line_result res;
  res.sku = item.sku();
  auto now = domain::now_ms();
  switch (cmd.step) {
    case domain::hold_step::release:
      return release_hold(self, cmd.checkout_id);
    case domain::hold_step::lock:
      res.error = item.lock(cmd.checkout_id, now);
      if (res.error == errc::ok) {
        // What the line would be sold as: the coordinator's answer if the
        // sale's own answer is late.
        res.quantity = item.find_hold(cmd.checkout_id)->quantity;
        res.unit_price = item.fields().price;
        res.currency = item.fields().currency;
      } else if (res.error == errc::reservation_expired
                 && item.find_hold(cmd.checkout_id) != nullptr) {
        release_hold(self, cmd.checkout_id, false); // past due: let it go
      }
      return res;
    case domain::hold_step::unlock:
      item.unlock(cmd.checkout_id);
      if (const auto* h = item.find_hold(cmd.checkout_id);
          h != nullptr && now >= h->expires_at_ms)
        release_hold(self, cmd.checkout_id, false);
      return res;
    case domain::hold_step::extend:
      res.error = item.extend(cmd.checkout_id, cmd.value, now);
      if (res.error != errc::ok)
        return res;
      arm_expiry(self, cmd.checkout_id, cmd.value);
      return commit_then_answer(self, item.hold_record_of(cmd.checkout_id),
                                std::move(res));
    case domain::hold_step::sell:
      return sell_hold(self, cmd.checkout_id,
                       static_cast<uint64_t>(cmd.value));
  }
  return res;
}

/// Finishes what storage handed back: holds whose checkout decided are
/// sold, reservations expire on their own timers. An order's hold without
/// a decision is released at once after a restart (its coordinator is
/// gone); in a cluster the shard may just have moved while that
/// coordinator, on another node, still works on the order, so the hold
/// waits for its decision until it expires (checkout.order-hold-s).
void resume_holds(self_ptr self) {
  bool clustered = self->state.deps.fence != 0;
  for (const auto& h : self->state.item->holds_snapshot()) {
    if (h.order_id != 0)
      sell_hold(self, h.checkout_id, h.order_id, false);
    else if (h.kind == domain::checkout_kind::order && !clustered)
      release_hold(self, h.checkout_id, false);
    else
      arm_expiry(self, h.checkout_id, h.expires_at_ms);
  }
}

std::string inspect_json(const product_state& st) {
  if (st.item->empty())
    return {};
  auto doc = st.item->render();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("product");
  auto json = doc->json();
  w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
  w.Key("holds");
  w.Uint64(st.item->hold_count());
  w.Key("orders_since_start");
  w.Uint64(st.item->orders_since_start());
  w.Key("queued");
  w.Int64(st.gauges->depth.load());
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

product_actor::behavior_type product_behavior(self_ptr self, std::string sku,
                                              product_gauges_ptr gauges,
                                              product_actor_deps deps) {
  self->state.item.emplace(std::move(sku), deps.idempotency_keys);
  self->state.deps = deps;
  self->state.gauges = std::move(gauges);
  self->state.last_request = std::chrono::steady_clock::now();
  return {
    [=](purchase_atom, const domain::purchase_request& req)
      -> caf::result<domain::purchase_result> {
      auto& st = self->state;
      took(st);
      --st.gauges->depth;
      --st.deps.stats->depth;
      ++st.deps.stats->purchases;
      if (st.fenced)
        return domain::refusal<domain::purchase_result>(errc::moved, req.sku);
      if (st.item->empty() || req.due.passed()) {
        domain::purchase_result res;
        res.error = st.item->empty() ? errc::unknown_sku
                                     : errc::deadline_exceeded;
        if (res.error == errc::deadline_exceeded)
          ++st.deps.stats->expired;
        res.sku = req.sku;
        return res;
      }
      std::optional<domain::order> sold;
      auto res = st.item->purchase(req, domain::now_ms(), *st.deps.ids, sold);
      if (sold) {
        ++st.deps.stats->orders;
        return commit_then_answer(self, std::move(*sold), std::move(res));
      }
      if (res.error == errc::ok) // a replayed key
        return answer_after_pending(self, std::move(res));
      return res;
    },
    [=](hold_atom, const domain::hold_request& req)
      -> caf::result<domain::line_result> {
      auto& st = self->state;
      took(st);
      --st.gauges->depth;
      --st.deps.stats->depth;
      if (st.fenced || st.item->empty() || req.due.passed()) {
        domain::line_result res;
        res.error = st.fenced         ? errc::moved
                    : st.item->empty() ? errc::unknown_sku
                                       : errc::deadline_exceeded;
        res.sku = req.wanted.sku;
        return res;
      }
      auto res = st.item->place_hold(req.wanted, domain::now_ms(),
                                     req.supersedes, req.holder_cap);
      if (res.error != errc::ok)
        return res;
      ++st.deps.stats->holds;
      const auto& id = req.wanted.checkout_id;
      if (req.wanted.kind == domain::checkout_kind::reservation)
        arm_expiry(self, id, req.wanted.expires_at_ms);
      return commit_then_answer(self, st.item->hold_record_of(id),
                                std::move(res));
    },
    [=](step_atom, const domain::hold_command& cmd) {
      took(self->state);
      return step(self, cmd);
    },
    [=](expire_atom, uint64_t checkout_id) {
      auto& item = *self->state.item;
      const auto* h = item.find_hold(checkout_id);
      // Extended (a later timer is armed) or being confirmed: not yet.
      if (h == nullptr || item.locked(checkout_id)
          || domain::now_ms() < h->expires_at_ms)
        return;
      ++self->state.deps.stats->holds_expired;
      release_hold(self, checkout_id, false);
    },
    [=](persistence::durable_atom, uint64_t ticket) {
      on_durable(self, ticket);
    },
    [=](persistence::refused_atom, uint64_t ticket) {
      on_refused(self, ticket);
    },
    [=](drain_atom) -> caf::result<bool> {
      auto& st = self->state;
      took(st);
      if (st.waiting.empty())
        return true;
      st.drained.push_back(self->make_response_promise());
      return st.drained.back();
    },
    [=](inspect_atom, const std::string&) {
      took(self->state);
      return inspect_json(self->state);
    },
    [=](put_atom, const std::string&, domain::product_fields& fields)
      -> caf::result<domain::write_result> {
      took(self->state);
      if (self->state.fenced)
        return domain::refusal<domain::write_result>(errc::moved, {});
      auto& item = *self->state.item;
      domain::write_result res;
      res.created = item.empty();
      if (fields.stock < item.reserved()) {
        res.error = errc::stock_out_of_range; // below what is held
        res.available = item.available();
        return res;
      }
      item.replace(std::move(fields));
      res.doc = item.render();
      auto doc = res.doc;
      return commit_then_answer(self, item.state(), std::move(res),
                                std::move(doc));
    },
    [=](patch_atom, const std::string&, const domain::product_patch& patch)
      -> caf::result<domain::write_result> {
      took(self->state);
      if (self->state.fenced)
        return domain::refusal<domain::write_result>(errc::moved, {});
      auto& item = *self->state.item;
      domain::write_result res;
      if (item.empty()) {
        res.error = errc::unknown_sku;
        return res;
      }
      res.error = item.apply(patch);
      if (res.error != errc::ok) {
        res.available = item.available();
        return res;
      }
      res.doc = item.render();
      auto doc = res.doc;
      return commit_then_answer(self, item.state(), std::move(res),
                                std::move(doc));
    },
    [=](restore_atom, const domain::stored_product& saved) {
      auto& st = self->state;
      took(st);
      st.item->restore(saved);
      publish_gauges(st);
      resume_holds(self);
    },
    [=](idle_atom) { on_idle(self); },
  };
}

} // namespace

product_actor spawn_product_actor(caf::local_actor* parent, std::string sku,
                                  product_gauges_ptr gauges,
                                  const product_actor_deps& deps) {
  return parent->spawn<caf::linked>(product_behavior, std::move(sku),
                                    std::move(gauges), deps);
}

} // namespace doorbuster::actors
