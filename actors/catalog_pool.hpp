// The catalog actors of a node behind two CAF actor pools over the same
// workers: `reads` hands each read to one worker (round robin), `updates`
// broadcasts each product change to all of them.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace doorbuster::actors {

class catalog_pool {
public:
  catalog_pool(caf::actor_system& sys, size_t workers);

  const caf::actor& reads() const { return reads_; }
  const caf::actor& updates() const { return updates_; }

  /// Stops both pools and their workers.
  void stop();

private:
  caf::actor reads_;
  caf::actor updates_;
};

} // namespace doorbuster::actors
