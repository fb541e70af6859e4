#include "cluster/shard_loader.hpp"

#include "domain/shard.hpp"
#include "domain/type_ids.hpp"
#include "persistence/pg_store.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <set>

namespace doorbuster::cluster {

namespace {

struct loader_state {
  std::string pg_uri;
  std::string node_id;
  size_t shards = 1;
  size_t keys_per_product = 0;
  std::unique_ptr<persistence::pg_store> store; // null: connect first
};

caf::behavior loader_behavior(caf::stateful_actor<loader_state>* self,
                              std::string pg_uri, std::string node_id,
                              size_t shards, size_t keys_per_product) {
  auto& st = self->state;
  st.pg_uri = std::move(pg_uri);
  st.node_id = std::move(node_id);
  st.shards = shards;
  st.keys_per_product = keys_per_product;
  return {
    [=](load_atom, uint64_t ticket, const std::vector<uint32_t>& wanted) {
      auto& st = self->state;
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      std::set<uint32_t> chosen{wanted.begin(), wanted.end()};
      std::vector<domain::stored_product> products;
      bool ok = true;
      auto started = std::chrono::steady_clock::now();
      try {
        if (!st.store)
          st.store = std::make_unique<persistence::pg_store>(st.pg_uri,
                                                             st.node_id);
        products = st.store->load_shards(
          [&](const std::string& sku) {
            return chosen.count(static_cast<uint32_t>(
                     domain::shard_of(sku, st.shards)))
                   > 0;
          },
          st.keys_per_product);
        spdlog::info("cluster: loaded {} shards ({} products) in {} ms",
                     wanted.size(), products.size(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
      } catch (const std::exception& ex) {
        st.store.reset(); // reconnects for the next load
        ok = false;
        products.clear();
        spdlog::error("cluster: loading {} shards failed: {}", wanted.size(),
                      ex.what());
      }
      caf::anon_send(sender, loaded_atom::value, ticket, ok,
                     std::move(products));
    },
  };
}

} // namespace

caf::actor spawn_shard_loader(caf::actor_system& sys, std::string pg_uri,
                              std::string node_id, size_t shards,
                              size_t keys_per_product) {
  return sys.spawn<caf::detached>(loader_behavior, std::move(pg_uri),
                                  std::move(node_id), shards,
                                  keys_per_product);
}

} // namespace doorbuster::cluster
