// Pushes this node's products' new documents to every other node's
// catalog, coalesced: at most one batch per push interval, holding each
// product's newest document once, so a hot SKU's purchases do not become a
// broadcast storm. Reads on other nodes are at most about one interval
// (plus a network hop) behind the owner.
#pragma once

#include "actors/catalog_actor.hpp"
#include "cluster/atoms.hpp"

#include <chrono>

namespace doorbuster::cluster {

/// How long documents gather before a push.
constexpr auto push_interval = std::chrono::milliseconds{10};

/// (update_atom, doc): a document to push.
/// (peer_atom, gateway, add): a peer's gateway to push to, or to forget.
using catalog_push_actor = actors::catalog_sink::extend<
  caf::reacts_to<peer_atom, caf::actor, bool>, caf::reacts_to<push_atom>>;

catalog_push_actor spawn_catalog_push(caf::actor_system& sys);

} // namespace doorbuster::cluster
