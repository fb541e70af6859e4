#include "actors/product_actor.hpp"

#include "actors/product.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <optional>

namespace doorbuster::actors {

namespace {

struct product_state {
  std::optional<product> item; // set before the first message
  product_actor_deps deps;
};

using self_ptr = product_actor::stateful_pointer<product_state>;

product_doc_ptr publish(self_ptr self) {
  auto doc = self->state.item->render();
  caf::anon_send(self->state.deps.catalog_updates, update_atom::value, doc);
  return doc;
}

product_actor::behavior_type product_behavior(self_ptr self, std::string sku,
                                              product_actor_deps deps) {
  self->state.item.emplace(std::move(sku), deps.idempotency_keys);
  self->state.deps = deps;
  return {
    [=](purchase_atom, const purchase_request& req,
        const reply_fn<purchase_result>& reply) {
      auto& st = self->state;
      if (st.item->empty()) {
        purchase_result res;
        res.error = errc::unknown_sku;
        res.sku = req.sku;
        reply(std::move(res));
        return;
      }
      bool changed = false;
      auto res = st.item->purchase(req, *st.deps.ids, changed);
      if (changed)
        publish(self);
      reply(std::move(res));
    },
    [=](put_atom, const std::string&, product_fields& fields,
        const reply_fn<write_result>& reply) {
      auto& st = self->state;
      write_result res;
      res.created = st.item->empty();
      st.item->replace(std::move(fields));
      res.doc = publish(self);
      reply(std::move(res));
    },
    [=](patch_atom, const std::string&, const product_patch& patch,
        const reply_fn<write_result>& reply) {
      auto& st = self->state;
      write_result res;
      if (st.item->empty()) {
        res.error = errc::unknown_sku;
      } else {
        res.error = st.item->apply(patch);
        if (res.error == errc::ok)
          res.doc = publish(self);
        else
          res.available = st.item->fields().stock;
      }
      reply(std::move(res));
    },
  };
}

} // namespace

product_actor spawn_product_actor(caf::local_actor* parent, std::string sku,
                                  const product_actor_deps& deps) {
  return parent->spawn<caf::linked>(product_behavior, std::move(sku), deps);
}

} // namespace doorbuster::actors
