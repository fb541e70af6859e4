// One catalog actor: answers reads from its own catalog_index of pre-rendered
// documents. Only product actors' updates change it.
#pragma once

#include "actors/protocol.hpp"

#include <caf/fwd.hpp>

namespace doorbuster::actors {

struct catalog_stats;

/// `stats` must outlive the actor.
catalog_actor spawn_catalog_actor(caf::actor_system& sys, catalog_stats* stats);

} // namespace doorbuster::actors
