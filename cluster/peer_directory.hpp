// The peers' gateways by node generation, for routing a reservation to the
// node whose coordinator keeps it. Written by the cluster coordinator, read
// from io threads.
#pragma once

#include <caf/actor.hpp>

#include <cstdint>
#include <map>
#include <mutex>

namespace doorbuster::cluster {

class peer_directory {
public:
  void set(uint64_t generation, caf::actor gateway) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (gateway)
      by_generation_[generation] = std::move(gateway);
    else
      by_generation_.erase(generation);
  }

  /// An invalid handle when no connected peer has that generation.
  caf::actor find(uint64_t generation) const {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = by_generation_.find(generation);
    return i == by_generation_.end() ? caf::actor{} : i->second;
  }

private:
  mutable std::mutex mutex_;
  std::map<uint64_t, caf::actor> by_generation_;
};

} // namespace doorbuster::cluster
