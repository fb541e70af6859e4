#include "actors/shard_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <unordered_map>

namespace doorbuster::actors {

namespace {

struct shard_state {
  std::unordered_map<std::string, product_actor> products;
  product_actor_deps deps;
};

using self_ptr = shard_actor::stateful_pointer<shard_state>;

/// Returns the product's actor, or nullptr for an unknown SKU.
product_actor* find(self_ptr self, const std::string& sku) {
  auto i = self->state.products.find(sku);
  return i == self->state.products.end() ? nullptr : &i->second;
}

const product_actor& find_or_spawn(self_ptr self, const std::string& sku) {
  if (auto product = find(self, sku))
    return *product;
  auto spawned = spawn_product_actor(self, sku, self->state.deps);
  return self->state.products.emplace(sku, spawned).first->second;
}

shard_actor::behavior_type shard_behavior(self_ptr self,
                                          product_actor_deps deps) {
  self->state.deps = std::move(deps);
  return {
    [=](purchase_atom atm, purchase_request& req,
        reply_fn<purchase_result>& reply) {
      if (auto product = find(self, req.sku)) {
        self->send(*product, atm, std::move(req), std::move(reply));
        return;
      }
      purchase_result res;
      res.error = errc::unknown_sku;
      res.sku = std::move(req.sku);
      reply(std::move(res));
    },
    [=](put_atom atm, std::string& sku, product_fields& fields,
        reply_fn<write_result>& reply) {
      self->send(find_or_spawn(self, sku), atm, std::move(sku),
                 std::move(fields), std::move(reply));
    },
    [=](restore_atom atm, restored_product& saved, reply_fn<uint64_t>& reply) {
      const auto& product = find_or_spawn(self, saved.sku);
      self->send(product, atm, std::move(saved), std::move(reply));
    },
    [=](patch_atom atm, std::string& sku, product_patch& patch,
        reply_fn<write_result>& reply) {
      if (auto product = find(self, sku)) {
        self->send(*product, atm, std::move(sku), std::move(patch),
                   std::move(reply));
        return;
      }
      write_result res;
      res.error = errc::unknown_sku;
      reply(std::move(res));
    },
  };
}

} // namespace

shard_actor spawn_shard_actor(caf::actor_system& sys,
                              const product_actor_deps& deps) {
  return sys.spawn(shard_behavior, deps);
}

} // namespace doorbuster::actors
