#include "cluster/gateway.hpp"

#include "actors/inventory.hpp"
#include "domain/refusal.hpp"
#include "domain/shard.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace doorbuster::cluster {

namespace {

using domain::errc;

gateway_actor::behavior_type
gateway_behavior(gateway_actor::pointer self, actors::inventory* inv,
                 const std::atomic<uint64_t>* owned, size_t shards,
                 caf::actor coordinator) {
  // Delegates to the SKU's shard if this node serves it, else "moved".
  auto serve = [=](const std::string& sku, auto result, auto&&... xs)
    -> caf::result<decltype(result)> {
    using T = decltype(result);
    auto shard = domain::shard_of(sku, shards);
    if (owned[shard].load(std::memory_order_acquire) == 0)
      return domain::refusal<T>(errc::moved, sku);
    return self->delegate(inv->shard_for(sku), std::move(xs)...);
  };
  return {
    [=](actors::purchase_atom atm, domain::purchase_request& req) {
      auto sku = req.sku;
      return serve(sku, domain::purchase_result{}, atm, std::move(req));
    },
    [=](actors::put_atom atm, std::string& sku,
        domain::product_fields& fields) {
      auto key = sku;
      return serve(key, domain::write_result{}, atm, std::move(sku),
                   std::move(fields));
    },
    [=](actors::patch_atom atm, std::string& sku,
        domain::product_patch& patch) {
      auto key = sku;
      return serve(key, domain::write_result{}, atm, std::move(sku),
                   std::move(patch));
    },
    [=](actors::hold_atom atm, domain::hold_request& req) {
      auto sku = req.wanted.sku;
      return serve(sku, domain::line_result{}, atm, std::move(req));
    },
    [=](actors::step_atom atm, domain::hold_command& cmd) {
      auto sku = cmd.sku;
      return serve(sku, domain::line_result{}, atm, std::move(cmd));
    },
    [=](actors::inspect_atom atm, std::string& sku)
      -> caf::result<std::string> {
      if (owned[domain::shard_of(sku, shards)].load() == 0)
        return std::string{};
      return self->delegate(inv->shard_for(sku), atm, std::move(sku));
    },
    [=](actors::resv_atom atm, domain::reservation_request& req) {
      return self->delegate(inv->local_reservation_owner(req.checkout_id), atm,
                            std::move(req));
    },
    [=](actors::checkout_atom atm, domain::checkout_request& req) {
      return self->delegate(inv->checkout_for(req.idempotency_key), atm,
                            std::move(req));
    },
    [=](actors::update_atom atm, std::vector<domain::product_doc_ptr>& docs) {
      caf::anon_send(inv->catalog_updates(), atm, std::move(docs));
    },
    [=](hello_atom atm, std::string& node_id, uint64_t generation,
        caf::actor& gateway) {
      caf::anon_send(coordinator, atm, std::move(node_id), generation,
                     std::move(gateway));
    },
  };
}

} // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, actors::inventory& inv,
                            const std::atomic<uint64_t>* owned, size_t shards,
                            caf::actor coordinator) {
  return sys.spawn(gateway_behavior, &inv, owned, shards,
                   std::move(coordinator));
}

} // namespace doorbuster::cluster
