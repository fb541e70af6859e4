#include "actors/product_actor.hpp"

#include "actors/product.hpp"
#include "actors/stats.hpp"
#include "persistence/journal_actor.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <optional>

namespace doorbuster::actors {

namespace {

using persistence::durable_fn;

struct product_state {
  std::optional<product> item; // set before the first message
  product_actor_deps deps;
  queue_depth depth;
};

using self_ptr = product_actor::stateful_pointer<product_state>;

persistence::product_record state_record(const product& p) {
  const auto& f = p.fields();
  const auto& r = p.rules();
  return {p.sku(),          f.name,
          f.description,    f.category,
          f.price,          f.currency,
          f.stock,          p.version(),
          p.reserved(),     r.max_per_order,
          r.max_per_customer, r.sale_starts_at_ms,
          r.sale_ends_at_ms, r.paused};
}

persistence::order_record order_of(const product& p, uint64_t order_id,
                                   int64_t quantity,
                                   const std::string& customer,
                                   const std::string& key,
                                   uint64_t checkout_id,
                                   hold_kind kind = hold_kind::reservation) {
  persistence::order_record o;
  o.order_id = order_id;
  o.sku = p.sku();
  o.quantity = quantity;
  o.customer_id = customer;
  o.idempotency_key = key;
  o.unit_price = p.fields().price;
  o.currency = p.fields().currency;
  o.created_at_ms = persistence::now_ms();
  o.stock_after = p.fields().stock;
  o.version_after = p.version();
  o.checkout_id = checkout_id;
  o.reserved_after = p.reserved();
  o.checkout_kind = checkout_id == 0 ? 0 : static_cast<uint8_t>(kind);
  return o;
}

persistence::hold_record hold_of(const product& p, const hold& h) {
  persistence::hold_record r;
  r.checkout_id = h.checkout_id;
  r.sku = p.sku();
  r.customer_id = h.customer_id;
  r.quantity = h.quantity;
  r.expires_at_ms = h.expires_at_ms;
  r.kind = static_cast<uint8_t>(h.kind);
  r.idempotency_key = h.idempotency_key;
  r.stock_after = p.fields().stock;
  r.reserved_after = p.reserved();
  r.version_after = p.version();
  return r;
}

persistence::release_record release_of(const product& p,
                                       uint64_t checkout_id) {
  return {checkout_id, p.sku(), p.fields().stock, p.reserved(), p.version()};
}

/// Journals `entry`; once it is durable, the new view goes to the catalog
/// and then `answer` runs, so a read after the answer sees the change. The
/// actor goes on with its mailbox meanwhile (pipelined acks).
void commit(self_ptr self, persistence::journal_entry entry,
            std::function<void()> answer) {
  auto& deps = self->state.deps;
  caf::anon_send(deps.journal, persistence::append_atom::value,
                 std::move(entry),
                 durable_fn{[catalog = deps.catalog_updates,
                             doc = self->state.item->render(),
                             answer = std::move(answer)] {
                   caf::anon_send(catalog, update_atom::value, doc);
                   if (answer)
                     answer();
                 }});
}

/// The product's own timer for a hold's expiry.
void arm_expiry(self_ptr self, uint64_t checkout_id, int64_t expires_at_ms) {
  auto wait = std::max<int64_t>(0, expires_at_ms - persistence::now_ms());
  self->delayed_send(self, std::chrono::milliseconds{wait}, step_atom::value,
                     hold_command{checkout_id, self->state.item->sku(),
                                  hold_step::expire, 0},
                     reply_fn<line_result>{});
}

void answer(const reply_fn<line_result>& reply, line_result res) {
  if (reply)
    reply(std::move(res));
}

/// Releases a hold and journals it; answers once durable.
void release_hold(self_ptr self, uint64_t checkout_id,
                  reply_fn<line_result> reply) {
  auto& item = *self->state.item;
  line_result res;
  res.sku = item.sku();
  if (!item.release(checkout_id)) {
    res.error = errc::reservation_expired;
    answer(reply, std::move(res));
    return;
  }
  res.available = item.available();
  commit(self, release_of(item, checkout_id),
         [reply = std::move(reply), res] { answer(reply, res); });
}

/// Sells a hold whose checkout decided; answers once durable.
void sell_hold(self_ptr self, uint64_t checkout_id, uint64_t order_id,
               reply_fn<line_result> reply) {
  auto& item = *self->state.item;
  const auto* h = item.find_hold(checkout_id);
  line_result res;
  res.sku = item.sku();
  if (h == nullptr) {
    res.error = errc::unknown_reservation;
    answer(reply, std::move(res));
    return;
  }
  auto customer = h->customer_id;
  auto key = h->idempotency_key;
  auto kind = h->kind;
  item.sell_hold(checkout_id, order_id, res);
  ++self->state.deps.stats->orders;
  commit(self,
         order_of(item, order_id, res.quantity, customer, key, checkout_id,
                  kind),
         [reply = std::move(reply), res] { answer(reply, res); });
}

void step(self_ptr self, const hold_command& cmd,
          reply_fn<line_result> reply) {
  auto& item = *self->state.item;
  line_result res;
  res.sku = item.sku();
  auto now = persistence::now_ms();
  switch (cmd.step) {
    case hold_step::release:
      release_hold(self, cmd.checkout_id, std::move(reply));
      return;
    case hold_step::expire: {
      const auto* h = item.find_hold(cmd.checkout_id);
      // Extended (a later timer is armed) or being confirmed: not yet.
      if (h == nullptr || h->locked || now < h->expires_at_ms)
        return;
      ++self->state.deps.stats->holds_expired;
      release_hold(self, cmd.checkout_id, std::move(reply));
      return;
    }
    case hold_step::lock:
      res.error = item.lock(cmd.checkout_id, now);
      if (res.error == errc::reservation_expired
          && item.find_hold(cmd.checkout_id) != nullptr) {
        release_hold(self, cmd.checkout_id, {}); // past due: let it go now
      }
      break;
    case hold_step::unlock:
      item.unlock(cmd.checkout_id);
      if (const auto* h = item.find_hold(cmd.checkout_id);
          h != nullptr && now >= h->expires_at_ms)
        release_hold(self, cmd.checkout_id, {});
      break;
    case hold_step::extend:
      res.error = item.extend(cmd.checkout_id, cmd.value, now);
      if (res.error == errc::ok) {
        arm_expiry(self, cmd.checkout_id, cmd.value);
        commit(self, hold_of(item, *item.find_hold(cmd.checkout_id)),
               [reply = std::move(reply), res] { answer(reply, res); });
        return;
      }
      break;
    case hold_step::sell:
      sell_hold(self, cmd.checkout_id, static_cast<uint64_t>(cmd.value),
                std::move(reply));
      return;
  }
  answer(reply, std::move(res));
}

/// Finishes what storage handed back: holds whose checkout decided are
/// sold, order holds without a decision are released (their coordinator
/// is gone), reservations expire on their own timers.
void resume_holds(self_ptr self) {
  for (const auto& h : self->state.item->holds_snapshot()) {
    if (h.order_id != 0)
      sell_hold(self, h.checkout_id, h.order_id, {});
    else if (h.kind == hold_kind::order)
      release_hold(self, h.checkout_id, {});
    else
      arm_expiry(self, h.checkout_id, h.expires_at_ms);
  }
}

product_actor::behavior_type product_behavior(self_ptr self, std::string sku,
                                              queue_depth depth,
                                              product_actor_deps deps) {
  self->state.item.emplace(std::move(sku), deps.idempotency_keys);
  self->state.deps = deps;
  self->state.depth = std::move(depth);
  return {
    [=](purchase_atom, const purchase_request& req,
        const reply_fn<purchase_result>& reply) {
      auto& st = self->state;
      --*st.depth;
      --st.deps.stats->depth;
      ++st.deps.stats->purchases;
      if (st.item->empty() || past_deadline(req.deadline_ns)) {
        purchase_result res;
        res.error = st.item->empty() ? errc::unknown_sku
                                     : errc::deadline_exceeded;
        if (res.error == errc::deadline_exceeded)
          ++st.deps.stats->expired;
        res.sku = req.sku;
        reply(std::move(res));
        return;
      }
      bool changed = false;
      auto res = st.item->purchase(req, persistence::now_ms(), *st.deps.ids, changed);
      if (changed) {
        ++st.deps.stats->orders;
        commit(self,
               order_of(*st.item, res.order_id, req.quantity, req.customer_id,
                        req.idempotency_key, 0),
               [reply, res] { reply(res); });
      } else if (res.error == errc::ok) {
        // A replayed key: answer only once the original is durable too.
        caf::anon_send(st.deps.journal, persistence::barrier_atom::value,
                       durable_fn{[reply, res] { reply(res); }});
      } else {
        reply(std::move(res));
      }
    },
    [=](hold_atom, const hold_request& req,
        const reply_fn<line_result>& reply) {
      auto& st = self->state;
      --*st.depth;
      --st.deps.stats->depth;
      if (st.item->empty() || past_deadline(req.deadline_ns)) {
        line_result res;
        res.error = st.item->empty() ? errc::unknown_sku
                                     : errc::deadline_exceeded;
        res.sku = req.sku;
        reply(std::move(res));
        return;
      }
      auto res = st.item->place_hold(req, persistence::now_ms());
      if (res.error != errc::ok) {
        reply(std::move(res));
        return;
      }
      ++st.deps.stats->holds;
      if (req.kind == hold_kind::reservation)
        arm_expiry(self, req.checkout_id, req.expires_at_ms);
      commit(self, hold_of(*st.item, *st.item->find_hold(req.checkout_id)),
             [reply, res] { reply(res); });
    },
    [=](step_atom, const hold_command& cmd,
        const reply_fn<line_result>& reply) { step(self, cmd, reply); },
    [=](inspect_atom, const std::string&, const reply_fn<std::string>& reply) {
      const auto& st = self->state;
      if (st.item->empty()) {
        reply({});
        return;
      }
      auto doc = st.item->render();
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w{buf};
      w.StartObject();
      w.Key("product");
      w.RawValue(doc->json.c_str(), doc->json.size(), rapidjson::kObjectType);
      w.Key("holds");
      w.Uint64(st.item->hold_count());
      w.Key("orders_since_start");
      w.Uint64(st.item->orders_since_start());
      w.Key("queued");
      w.Int64(st.depth->load());
      w.EndObject();
      reply({buf.GetString(), buf.GetSize()});
    },
    [=](put_atom, const std::string&, product_fields& fields,
        const reply_fn<write_result>& reply) {
      auto& st = self->state;
      write_result res;
      res.created = st.item->empty();
      if (fields.stock < st.item->reserved()) {
        res.error = errc::stock_out_of_range; // below what is held
        res.available = st.item->available();
        reply(std::move(res));
        return;
      }
      st.item->replace(std::move(fields));
      res.doc = st.item->render();
      commit(self, state_record(*st.item), [reply, res] { reply(res); });
    },
    [=](patch_atom, const std::string&, const product_patch& patch,
        const reply_fn<write_result>& reply) {
      auto& st = self->state;
      write_result res;
      if (st.item->empty()) {
        res.error = errc::unknown_sku;
      } else {
        res.error = st.item->apply(patch);
        if (res.error == errc::ok) {
          res.doc = st.item->render();
          commit(self, state_record(*st.item), [reply, res] { reply(res); });
          return;
        }
        res.available = st.item->available();
      }
      reply(std::move(res));
    },
    [=](restore_atom, const restored_product& saved,
        const reply_fn<uint64_t>& reply) {
      auto& st = self->state;
      st.item->restore(saved);
      caf::anon_send(st.deps.catalog_updates, update_atom::value,
                     st.item->render());
      resume_holds(self);
      reply(st.item->version());
    },
  };
}

} // namespace

product_actor spawn_product_actor(caf::local_actor* parent, std::string sku,
                                  queue_depth depth,
                                  const product_actor_deps& deps) {
  return parent->spawn<caf::linked>(product_behavior, std::move(sku),
                                    std::move(depth), deps);
}

} // namespace doorbuster::actors
