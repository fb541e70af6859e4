// The node's admin actor: the one entry point of operator commands (the
// table in admin_commands.hpp). Published on the admin port through CAF's
// middleman for doorbuster-console, where every request carries the admin
// token; the HTTP admin endpoints ask it too (they check the token
// themselves). Each operation is written once, here.
#pragma once

#include "actors/atoms.hpp"
#include "domain/type_ids.hpp"
#include "persistence/writebehind_actor.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace doorbuster::actors {

/// admin: (token, words) -> {"ok":true,"result":...} or
///   {"ok":false,"error":{"code":...,"message":...}}; built-in types only,
///   so that any console build can speak it.
/// put, patch, bulk: the HTTP admin endpoints' product writes.
/// log: sets the log level; "" on success, else why not.
using admin_actor = caf::typed_actor<
  caf::replies_to<admin_atom, std::string, std::vector<std::string>>::with<
    std::string>,
  caf::replies_to<put_atom, std::string, domain::product_fields>::with<
    domain::write_result>,
  caf::replies_to<patch_atom, std::string, domain::product_patch>::with<
    domain::write_result>,
  caf::replies_to<bulk_atom, std::vector<domain::product_entry>>::with<
    std::vector<domain::write_result>>,
  caf::replies_to<log_atom, std::string>::with<std::string>>;

/// How long a bulk load may take to answer (every product journaled).
constexpr std::chrono::seconds bulk_timeout{60};

class inventory;

struct admin_stats {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> denied{0}; // wrong or missing token
};

/// What the admin actor needs from the rest of the node. The functions run
/// in the admin actor.
struct admin_deps {
  inventory* inv; // outlives the actor
  persistence::writebehind_actor writebehind;
  std::function<bool(const std::string& token)> token_ok; // constant time
  std::function<std::string()> node_status;               // a JSON object
  std::function<void(bool)> set_draining;
  std::function<std::string()> cluster_status; // a JSON object; unset: alone
  admin_stats* stats; // outlives the actor
};

/// Prometheus text for the admin actor's counters.
std::string admin_metrics(const admin_stats& stats);

admin_actor spawn_admin_actor(caf::actor_system& sys, admin_deps deps);

} // namespace doorbuster::actors
