#include "actors/catalog_actor.hpp"

#include "actors/catalog_index.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace doorbuster::actors {

namespace {

struct catalog_state {
  catalog_index index;
};

using self_ptr = catalog_actor::stateful_pointer<catalog_state>;

catalog_actor::behavior_type catalog_behavior(self_ptr self) {
  return {
    [=](update_atom, product_doc_ptr& doc) {
      self->state.index.upsert(std::move(doc));
    },
    [=](get_atom, const std::string& sku,
        const reply_fn<product_doc_ptr>& reply) {
      reply(self->state.index.find(sku));
    },
    [=](list_atom, const listing_query& query,
        const reply_fn<listing>& reply) {
      reply(self->state.index.list(query));
    },
    [=](categ_atom, const reply_fn<std::string>& reply) {
      reply(self->state.index.categories_json());
    },
  };
}

} // namespace

catalog_actor spawn_catalog_actor(caf::actor_system& sys) {
  return sys.spawn(catalog_behavior);
}

} // namespace doorbuster::actors
