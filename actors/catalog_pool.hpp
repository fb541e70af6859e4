// The catalog actors of a node behind two CAF actor pools over the same
// workers: `reads` hands each read to one worker (round robin), `updates`
// broadcasts each product change to all of them.
#pragma once

#include "actors/stats.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <vector>

namespace doorbuster::actors {

class catalog_pool {
public:
  catalog_pool(caf::actor_system& sys, size_t workers);

  const caf::actor& reads() const { return reads_; }
  const caf::actor& updates() const { return updates_; }

  /// Stops both pools and their workers.
  void stop();

  /// Every worker's counters.
  const std::vector<std::unique_ptr<catalog_stats>>& stats() const {
    return stats_;
  }

private:
  caf::actor reads_;
  caf::actor updates_;
  std::vector<std::unique_ptr<catalog_stats>> stats_;
};

} // namespace doorbuster::actors
