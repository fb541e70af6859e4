#include "actors/catalog_pool.hpp"

#include "actors/catalog_actor.hpp"
#include "actors/shared_catalog.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_pool.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_execution_unit.hpp>
#include <caf/send.hpp>

namespace doorbuster::actors {

catalog_pool::catalog_pool(caf::actor_system& sys, size_t workers)
  : catalog_(std::make_shared<shared_catalog>()) {
  auto spawn = [&] {
    stats_.push_back(std::make_unique<catalog_stats>());
    return spawn_catalog_actor(sys, catalog_, stats_.back().get());
  };
  caf::scoped_execution_unit ctx{&sys};
  auto reads = caf::actor_pool::make(&ctx, caf::actor_pool::round_robin());
  for (size_t i = 0; i < workers; ++i) {
    auto worker = spawn();
    if (i == 0)
      searches_ = worker;
    if (i > 0 || workers == 1)
      caf::anon_send(reads, caf::sys_atom::value, caf::put_atom::value,
                     caf::actor_cast<caf::actor>(worker));
  }
  // The pool forwards each message with its sender and request id, so it
  // speaks its workers' protocol.
  reads_ = caf::actor_cast<catalog_actor>(reads);
  updates_ = spawn();
  writer_ = stats_.back().get();
  direct_ = stats_.emplace_back(std::make_unique<catalog_stats>()).get();
}

std::optional<domain::product_doc_ptr>
catalog_pool::try_find(const std::string& sku) const {
  auto doc = catalog_->try_read(
    [&](const catalog_index& index) { return index.find(sku); });
  if (doc)
    ++(*doc ? direct_->hits : direct_->misses);
  else
    ++direct_->passed_on;
  return doc;
}

void catalog_pool::load(std::vector<domain::product_doc_ptr> docs) {
  writer_->size = catalog_->write([&](catalog_index& index) {
    index.upsert_many(std::move(docs));
    return index.size();
  });
}

void catalog_pool::stop() {
  // An exit message to a pool also ends its workers.
  caf::anon_send_exit(reads_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(searches_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(updates_, caf::exit_reason::user_shutdown);
}

} // namespace doorbuster::actors
