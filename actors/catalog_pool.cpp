#include "actors/catalog_pool.hpp"

#include "actors/catalog_actor.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_pool.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_execution_unit.hpp>
#include <caf/send.hpp>

namespace doorbuster::actors {

catalog_pool::catalog_pool(caf::actor_system& sys, size_t workers) {
  caf::scoped_execution_unit ctx{&sys};
  auto reads = caf::actor_pool::make(&ctx, caf::actor_pool::round_robin());
  auto updates = caf::actor_pool::make(&ctx, caf::actor_pool::broadcast());
  for (size_t i = 0; i < workers; ++i) {
    stats_.push_back(std::make_unique<catalog_stats>());
    auto worker = caf::actor_cast<caf::actor>(
      spawn_catalog_actor(sys, stats_.back().get()));
    if (i == 0)
      searches_ = caf::actor_cast<catalog_actor>(worker);
    if (i > 0 || workers == 1)
      caf::anon_send(reads, caf::sys_atom::value, caf::put_atom::value,
                     worker);
    caf::anon_send(updates, caf::sys_atom::value, caf::put_atom::value,
                   worker);
  }
  // The pools forward each message with its sender and request id, so they
  // speak their workers' protocol.
  reads_ = caf::actor_cast<catalog_actor>(reads);
  updates_ = caf::actor_cast<catalog_actor>(updates);
}

void catalog_pool::stop() {
  // An exit message to a pool also ends its workers.
  caf::anon_send_exit(reads_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(updates_, caf::exit_reason::user_shutdown);
}

} // namespace doorbuster::actors
