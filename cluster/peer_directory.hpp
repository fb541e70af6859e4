// The peers' gateways by node generation (a node that rejoined has its
// earlier ones too), for routing a reservation to the node whose
// coordinator keeps it, and the generations of every member (connected or
// not: a frozen or cut-off node still keeps its reservations). Written by
// the cluster coordinator, read from io threads.
#pragma once

#include <caf/actor.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace doorbuster::cluster {

class peer_directory {
public:
  /// Routes `generations` (one node's) to `gateway`; an invalid one
  /// forgets them.
  void set(const std::vector<uint64_t>& generations, caf::actor gateway) {
    std::lock_guard<std::mutex> guard{mutex_};
    for (auto generation : generations)
      if (gateway)
        by_generation_[generation] = gateway;
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
