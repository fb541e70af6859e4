#include "persistence/writebehind_sink.hpp"

#include "persistence/pg_store.hpp"
#include "persistence/snapshot.hpp"

#include <spdlog/spdlog.h>

namespace doorbuster::persistence {

pg_sink::pg_sink(std::string uri, std::string node_id, uint64_t watermark)
  : uri_(std::move(uri)), node_id_(std::move(node_id)), confirmed_(watermark) {}

pg_sink::~pg_sink() = default;

void pg_sink::apply(const std::vector<journal_record>& batch) {
  try {
    if (!store_)
      store_ = std::make_unique<pg_store>(uri_, node_id_);
    store_->apply(batch);
  } catch (...) {
    store_.reset(); // reconnect on the next try
    throw;
  }
  confirmed_ = batch.back().seq;
}

snapshot_sink::snapshot_sink(std::string dir, recovered_state state,
                             std::chrono::milliseconds interval)
  : dir_(std::move(dir)),
    state_(std::move(state)),
    interval_(interval),
    last_(std::chrono::steady_clock::now()),
    snapshot_seq_(0) {}

void snapshot_sink::apply(const std::vector<journal_record>& batch) {
  for (const auto& rec : batch)
    state_.apply(rec);
}

void snapshot_sink::tick() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_ || state_.seq <= snapshot_seq_)
    return;
  snapshot_now();
}

bool snapshot_sink::snapshot_now() {
  auto now = std::chrono::steady_clock::now();
  write_snapshot(dir_, state_);
  last_ = now;
  snapshot_seq_ = state_.seq;
  spdlog::info("snapshot written up to record {} ({} products)", snapshot_seq_,
               state_.product_count());
  return true;
}

} // namespace doorbuster::persistence
