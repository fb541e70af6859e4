#include "cluster/dialer.hpp"

#include "cluster/gateway.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

namespace doorbuster::cluster {

namespace {

caf::behavior dialer_behavior(caf::event_based_actor* self) {
  return {
    [=](dial_atom, const std::string& node_id, uint64_t generation,
        const std::string& address) {
      auto& sys = self->home_system();
      caf::actor gateway;
      auto colon = address.rfind(':');
      if (colon != std::string::npos) {
        auto port = static_cast<uint16_t>(std::stoul(address.substr(colon + 1)));
        auto remote = caf::openssl::remote_actor<gateway_actor>(sys,
          address.substr(0, colon), port);
        if (remote)
          gateway = caf::actor_cast<caf::actor>(*remote);
        else
          spdlog::warn("cluster: cannot reach {} at {}: {}", node_id, address,
                       sys.render(remote.error()));
      }
      caf::anon_send(caf::actor_cast<caf::actor>(self->current_sender()),
                     dialed_atom::value, node_id, generation, gateway);
    },
  };
}

} // namespace

caf::actor spawn_dialer(caf::actor_system& sys) {
  return sys.spawn<caf::detached>(dialer_behavior);
}

} // namespace doorbuster::cluster
