// The node's admin actor: the one entry point of operator commands (status,
// shards, top, product, stock and price changes, pause/resume, sale window,
// flush, snapshot, log level, drain). Published on the admin port through
// CAF's middleman for doorbuster-console, where every request carries the
// admin token; the HTTP admin endpoints reach it through an admin_desk
// (they check the token themselves). Each operation is written once, here.
#pragma once

#include "actors/product_types.hpp"

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

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

/// The admin actor's local entry, for the HTTP admin endpoints: the same
/// operations the console's commands run, in the same actor. Answers come
/// through the reply_fn, on an actor thread.
class admin_desk {
public:
  /// Before the first call: the actor spawn_admin_actor() returned.
  void bind(caf::actor admin) { admin_ = std::move(admin); }

  void put_product(std::string sku, product_fields fields,
                   reply_fn<write_result> reply);
  void patch_product(std::string sku, product_patch patch,
                     reply_fn<write_result> reply);
  using product_entry = std::pair<std::string, product_fields>;
  void put_many(std::vector<product_entry> entries,
                reply_fn<std::vector<write_result>> reply);
  /// Empty answer on success, else why `level` was refused.
  void set_log_level(std::string level, reply_fn<std::string> reply);

private:
  caf::actor admin_;
};

/// Prometheus text for the admin actor's counters.
std::string admin_metrics(const admin_stats& stats);

/// `inv` and `stats` must outlive the actor.
caf::actor spawn_admin_actor(caf::actor_system& sys, inventory& inv,
                             admin_hooks hooks, admin_stats& stats);

} // namespace doorbuster::actors
