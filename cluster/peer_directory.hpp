// The peers' gateways by node generation, for routing a reservation to the
// node whose coordinator keeps it, and the generations of every member
// (connected or not: a frozen or cut-off node still keeps its
// reservations). Written by the cluster coordinator, read from io threads.
#pragma once

#include <caf/actor.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <set>

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

  /// The generations of the members that have not left.
  void set_members(std::set<uint64_t> generations) {
    std::lock_guard<std::mutex> guard{mutex_};
    members_ = std::move(generations);
  }

  bool member(uint64_t generation) const {
    std::lock_guard<std::mutex> guard{mutex_};
    return members_.count(generation) > 0;
  }

private:
  mutable std::mutex mutex_;
  std::map<uint64_t, caf::actor> by_generation_;
  std::set<uint64_t> members_;
};

} // namespace doorbuster::cluster
