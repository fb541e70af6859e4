#include "actors/catalog_actor.hpp"

#include "actors/catalog_index.hpp"
#include "actors/stats.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace doorbuster::actors {

namespace {

struct catalog_state {
  catalog_index index;
  catalog_stats* stats = nullptr;
};

using self_ptr = catalog_actor::stateful_pointer<catalog_state>;

catalog_actor::behavior_type catalog_behavior(self_ptr self,
                                              catalog_stats* stats) {
  self->state.stats = stats;
  return {
    [=](update_atom, domain::product_doc_ptr& doc) {
      self->state.index.upsert(std::move(doc));
      self->state.stats->size = self->state.index.size();
    },
    [=](get_atom, const std::string& sku) {
      auto doc = self->state.index.find(sku);
      ++(doc ? self->state.stats->hits : self->state.stats->misses);
      return doc;
    },
    [=](list_atom, const domain::listing_query& query) {
      return self->state.index.list(query);
    },
    [=](categ_atom) { return self->state.index.categories_json(); },
  };
}

} // namespace

catalog_actor spawn_catalog_actor(caf::actor_system& sys,
                                  catalog_stats* stats) {
  return sys.spawn(catalog_behavior, stats);
}

} // namespace doorbuster::actors
