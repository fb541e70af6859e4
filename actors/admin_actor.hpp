// The node's admin actor: the one entry point of operator commands (status,
// shards, top, product, stock and price changes, pause/resume, sale window,
// flush, snapshot, log level, drain). Published on the admin port through
// CAF's middleman for doorbuster-console; every request carries the admin
// token. Changes go through the inventory like the HTTP admin calls, so
// they are journaled the same way.
#pragma once

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace doorbuster::actors {

class inventory;

/// (admin_atom, token, words) -> JSON text: {"ok":true,"result":…} or
/// {"ok":false,"error":{"code":…,"message":…}}. Only built-in types, so the
/// message crosses the network as is.
using admin_atom = caf::atom_constant<caf::atom("admin")>;

/// What the admin actor needs from the rest of the node.
struct admin_hooks {
  std::function<bool(const std::string& token)> token_ok; // constant time
  std::function<std::string()> node_status; // a JSON object
  std::function<void(bool)> set_draining;
  using done_fn = std::function<void(std::string error, uint64_t seq)>;
  std::function<void(done_fn)> flush;
  std::function<void(done_fn)> snapshot;
};

struct admin_stats {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> denied{0}; // wrong or missing token
};

/// Prometheus text for the admin actor's counters.
std::string admin_metrics(const admin_stats& stats);

/// `inv` and `stats` must outlive the actor.
caf::actor spawn_admin_actor(caf::actor_system& sys, inventory& inv,
                             admin_hooks hooks, admin_stats& stats);

} // namespace doorbuster::actors
