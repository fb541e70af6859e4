#include "actors/catalog_actor.hpp"

#include "actors/shared_catalog.hpp"
#include "actors/stats.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace doorbuster::actors {

namespace {

struct catalog_state {
  std::shared_ptr<shared_catalog> catalog;
  catalog_stats* stats = nullptr;
};

using self_ptr = catalog_actor::stateful_pointer<catalog_state>;

catalog_actor::behavior_type catalog_behavior(
  self_ptr self, std::shared_ptr<shared_catalog> catalog,
  catalog_stats* stats) {
  self->state.catalog = std::move(catalog);
  self->state.stats = stats;
  return {
    [=](update_atom, domain::product_doc_ptr& doc) {
      if (self->state.catalog->replace(doc)) // a sale's change: no new size
        return uint64_t{1};
      auto size = self->state.catalog->write([&](catalog_index& index) {
        index.upsert(std::move(doc));
        return index.size();
      });
      self->state.stats->size = size;
      return uint64_t{1};
    },
    [=](update_atom, std::vector<domain::product_doc_ptr>& docs) {
      auto n = static_cast<uint64_t>(docs.size());
      auto size = self->state.catalog->write([&](catalog_index& index) {
        index.upsert_many(std::move(docs));
        return index.size();
      });
      self->state.stats->size = size;
      return n;
    },
    [=](get_atom, const std::string& sku) {
      auto doc = self->state.catalog->read(
        [&](const catalog_index& index) { return index.find(sku); });
      ++(doc ? self->state.stats->hits : self->state.stats->misses);
      return doc;
    },
    [=](list_atom, const domain::listing_query& query) {
      return self->state.catalog->read(
        [&](const catalog_index& index) { return index.list(query); });
    },
    [=](categ_atom) {
      return self->state.catalog->read(
        [](const catalog_index& index) { return index.categories_json(); });
    },
  };
}

} // namespace

catalog_actor spawn_catalog_actor(caf::actor_system& sys,
                                  std::shared_ptr<shared_catalog> catalog,
                                  catalog_stats* stats) {
  return sys.spawn(catalog_behavior, std::move(catalog), stats);
}

} // namespace doorbuster::actors
