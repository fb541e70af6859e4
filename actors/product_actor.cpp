#include "actors/product_actor.hpp"

#include "actors/product.hpp"
#include "actors/stats.hpp"
#include "persistence/journal_actor.hpp"
#include "persistence/status.hpp"

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
  return {p.sku(), f.name,  f.description, f.category,
          f.price, f.currency, f.stock,    p.version()};
}

persistence::order_record order_of(const product& p,
                                   const purchase_request& req,
                                   const purchase_result& res) {
  return {res.order_id,        p.sku(),
          req.quantity,        req.customer_id,
          req.idempotency_key, p.fields().price,
          p.fields().currency, persistence::now_ms(),
          res.remaining,       p.version()};
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
                   answer();
                 }});
}

bool expired(const purchase_request& req) {
  return req.deadline_ns != 0
         && std::chrono::steady_clock::now().time_since_epoch().count()
              > req.deadline_ns;
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
      if (st.item->empty() || expired(req)) {
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
      auto res = st.item->purchase(req, *st.deps.ids, changed);
      if (changed) {
        ++st.deps.stats->orders;
        commit(self, order_of(*st.item, req, res), [reply, res] { reply(res); });
      } else if (res.error == errc::ok) {
        // A replayed key: answer only once the original is durable too.
        caf::anon_send(st.deps.journal, persistence::barrier_atom::value,
                       durable_fn{[reply, res] { reply(res); }});
      } else {
        reply(std::move(res));
      }
    },
    [=](put_atom, const std::string&, product_fields& fields,
        const reply_fn<write_result>& reply) {
      auto& st = self->state;
      write_result res;
      res.created = st.item->empty();
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
        res.available = st.item->fields().stock;
      }
      reply(std::move(res));
    },
    [=](restore_atom, const restored_product& saved,
        const reply_fn<uint64_t>& reply) {
      auto& st = self->state;
      st.item->restore(saved);
      caf::anon_send(st.deps.catalog_updates, update_atom::value,
                     st.item->render());
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
