#include "cluster/catalog_push.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace doorbuster::cluster {

namespace {

struct push_state {
  std::unordered_map<std::string, domain::product_doc_ptr> pending;
  std::vector<caf::actor> peers;
  bool scheduled = false;
};

using self_ptr = catalog_push_actor::stateful_pointer<push_state>;

catalog_push_actor::behavior_type push_behavior(self_ptr self) {
  return {
    [=](actors::update_atom, domain::product_doc_ptr& doc) {
      auto& st = self->state;
      if (st.peers.empty() || !doc)
        return;
      auto& slot = st.pending[doc->sku];
      if (!slot || slot->version < doc->version)
        slot = std::move(doc);
      if (!st.scheduled) {
        st.scheduled = true;
        self->delayed_send(self, push_interval, push_atom::value);
      }
    },
    [=](peer_atom, caf::actor& gateway, bool add) {
      auto& peers = self->state.peers;
      peers.erase(std::remove(peers.begin(), peers.end(), gateway),
                  peers.end());
      if (add)
        peers.push_back(std::move(gateway));
    },
    [=](push_atom) {
      auto& st = self->state;
      st.scheduled = false;
      std::vector<domain::product_doc_ptr> docs;
      docs.reserve(st.pending.size());
      for (auto& [sku, doc] : st.pending)
        docs.push_back(std::move(doc));
      st.pending.clear();
      for (const auto& peer : st.peers)
        caf::anon_send(peer, actors::update_atom::value, docs);
    },
  };
}

} // namespace

catalog_push_actor spawn_catalog_push(caf::actor_system& sys) {
  return sys.spawn(push_behavior);
}

} // namespace doorbuster::cluster
