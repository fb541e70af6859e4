#include "persistence/pg_committer.hpp"

#include "domain/shard.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <unordered_map>

namespace doorbuster::persistence {

namespace {

using commit_atom = caf::atom_constant<caf::atom("commit")>;

struct pending_record {
  fenced_change change;
  caf::strong_actor_ptr producer; // null: nobody to tell
  uint64_t ticket = 0;
};

struct committer_state {
  std::string uri;
  lease_holder_source holder;
  size_t shards = 1;
  config::persistence_options opts;
  status* stat = nullptr;
  std::unique_ptr<pg_store> store; // null: (re)connect on the next commit
  std::deque<pending_record> pending;
  bool commit_scheduled = false;
  size_t backoff_ms = 0; // 0: healthy
  bool stopping = false;
};

using self_ptr = caf::stateful_actor<committer_state>*;

/// The SKU a product's record is about ("" for a checkout's decision).
const std::string& sku_of(const domain::change& c) {
  static const std::string none;
  return std::visit(
    [](const auto& r) -> const std::string& {
      using T = std::decay_t<decltype(r)>;
      if constexpr (std::is_same_v<T, domain::hold_record>)
        return r.placed.sku;
      else if constexpr (std::is_same_v<T, domain::checkout_decision>)
        return none;
      else
        return r.sku;
    },
    c);
}

/// Tells each producer of `done` its newest ticket there: durable, or
/// refused. Urgent, as the journal's acknowledgements are.
void answer(self_ptr self, const std::vector<pending_record>& done,
            const std::vector<bool>& committed) {
  std::unordered_map<caf::actor_control_block*,
                     std::pair<caf::strong_actor_ptr, uint64_t>>
    durable, refused;
  for (size_t i = 0; i < done.size(); ++i) {
    if (!done[i].producer)
      continue;
    auto& into = committed[i] ? durable : refused;
    into[done[i].producer.get()] = {done[i].producer, done[i].ticket};
  }
  for (auto& [_, p] : refused)
    self->send<caf::message_priority::high>(
      caf::actor_cast<journal_client>(p.first), refused_atom::value, p.second);
  for (auto& [_, p] : durable)
    self->send<caf::message_priority::high>(
      caf::actor_cast<journal_client>(p.first), durable_atom::value, p.second);
}

/// Commits up to one batch; returns false when PostgreSQL failed (the batch
/// stays pending).
bool commit_batch(self_ptr self) {
  auto& st = self->state;
  auto n = std::min(st.pending.size(), st.opts.group_commit_records);
  std::vector<fenced_change> batch;
  batch.reserve(n);
  for (size_t i = 0; i < n; ++i)
    batch.push_back(st.pending[i].change);
  auto started = std::chrono::steady_clock::now();
  std::vector<bool> committed;
  try {
    auto holder = st.holder();
    if (!st.store)
      st.store = std::make_unique<pg_store>(st.uri, holder.node_id);
    committed = st.store->apply_fenced(batch, holder);
  } catch (const std::exception& ex) {
    st.store.reset();
    st.stat->sink_errors += 1;
    if (st.stat->sink_up.exchange(false))
      spdlog::error("committer: {} (writes wait and are retried; reads go "
                    "on)",
                    ex.what());
    st.backoff_ms = st.backoff_ms == 0
                      ? 10
                      : std::min(st.backoff_ms * 2, st.opts.max_backoff_ms);
    return false;
  }
  if (!st.stat->sink_up.exchange(true))
    spdlog::info("committer: PostgreSQL reachable again");
  st.backoff_ms = 0;
  std::vector<pending_record> done{std::make_move_iterator(st.pending.begin()),
                                   std::make_move_iterator(st.pending.begin()
                                                           + n)};
  st.pending.erase(st.pending.begin(), st.pending.begin() + n);
  size_t refused = 0;
  for (bool c : committed)
    refused += c ? 0 : 1;
  if (refused > 0)
    spdlog::warn("committer: {} records refused: their shard lease is lost",
                 refused);
  st.stat->durable_seq += n - refused;
  st.stat->applied_seq = st.stat->durable_seq.load();
  st.stat->syncs += 1;
  st.stat->sync_micros += static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started)
      .count());
  answer(self, done, committed);
  return true;
}

void schedule_commit(self_ptr self, std::chrono::milliseconds delay = {}) {
  auto& st = self->state;
  if (st.commit_scheduled)
    return;
  st.commit_scheduled = true;
  // Queued behind every append already in the mailbox: they join the batch.
  if (delay.count() == 0)
    self->send(self, commit_atom::value);
  else
    self->delayed_send(self, delay, commit_atom::value);
}

caf::behavior committer_behavior(self_ptr self, std::string uri,
                                 lease_holder_source holder, size_t shards,
                                 config::persistence_options opts,
                                 status* stat) {
  auto& st = self->state;
  st.uri = std::move(uri);
  st.holder = std::move(holder);
  st.shards = shards;
  st.opts = std::move(opts);
  st.stat = stat;
  return {
    [=](append_atom, domain::change& entry, uint64_t ticket, uint64_t fence) {
      auto& st = self->state;
      const auto& sku = sku_of(entry);
      auto shard = sku.empty() ? 0 : domain::shard_of(sku, st.shards);
      st.pending.push_back({{std::move(entry), static_cast<uint32_t>(shard),
                             fence},
                            self->current_sender(),
                            ticket});
      st.stat->appends += 1;
      if (st.backoff_ms == 0)
        schedule_commit(self);
    },
    [=](commit_atom) {
      auto& st = self->state;
      st.commit_scheduled = false;
      while (!st.pending.empty())
        if (!commit_batch(self)) {
          if (st.stopping)
            break;
          schedule_commit(self, std::chrono::milliseconds{st.backoff_ms});
          return;
        }
      if (st.stopping)
        self->quit();
    },
    [=](stop_atom) {
      auto& st = self->state;
      st.stopping = true;
      // One last try for what is pending; a record left over was never
      // acknowledged, so nothing acknowledged is lost.
      while (!st.pending.empty() && commit_batch(self)) {
      }
      if (!st.pending.empty())
        spdlog::warn("committer: stopping with {} records not committed "
                     "(none of them was acknowledged)",
                     st.pending.size());
      self->quit();
    },
  };
}

} // namespace

journal_actor spawn_pg_committer(caf::actor_system& sys, std::string pg_uri,
                                 lease_holder_source holder, size_t shards,
                                 const config::persistence_options& opts,
                                 status* stat) {
  return caf::actor_cast<journal_actor>(sys.spawn<caf::detached>(
    committer_behavior, std::move(pg_uri), std::move(holder), shards, opts,
    stat));
}

} // namespace doorbuster::persistence
