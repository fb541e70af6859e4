#include "persistence/writebehind_actor.hpp"

#include "domain/clock.hpp"
#include "persistence/journal_files.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <thread>

namespace doorbuster::persistence {

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

struct writebehind_state {
  config::persistence_options opts;
  std::shared_ptr<writebehind_sink> sink;
  std::optional<journal_cursor> cursor;
  status* stat = nullptr;
  std::vector<journal_record> batch; // read, not yet applied
  size_t backoff_ms = 0;             // 0: healthy
};

using self_ptr = caf::stateful_actor<writebehind_state>*;

void update_lag(writebehind_state& st) {
  if (st.stat->lag_records() == 0)
    st.stat->behind_since_ms = 0;
  else if (st.stat->behind_since_ms == 0)
    st.stat->behind_since_ms = domain::now_ms();
}

/// The next wait after a failure: doubling up to persistence.max-backoff-ms.
void back_off(writebehind_state& st) {
  st.backoff_ms = st.backoff_ms == 0
                    ? st.opts.flush_interval_ms
                    : std::min(st.backoff_ms * 2, st.opts.max_backoff_ms);
}

/// Applies what is durable, a bounded number of batches at a time; returns
/// false after a failure.
bool drain(writebehind_state& st) {
  for (int round = 0; round < 16; ++round) {
    try {
      if (st.batch.empty())
        st.cursor->read(st.stat->durable_seq, st.opts.flush_batch_records, st.batch);
      if (st.batch.empty())
        break;
      st.sink->apply(st.batch);
    } catch (const std::exception& ex) {
      st.stat->sink_errors += 1;
      if (st.stat->sink_up.exchange(false))
        spdlog::error("write-behind: {} (retrying with backoff; requests keep "
                      "being served from the journal)",
                      ex.what());
      else
        spdlog::debug("write-behind: still failing: {}", ex.what());
      back_off(st);
      update_lag(st);
      return false;
    }
    st.stat->applied_seq = st.batch.back().seq;
    st.batch.clear();
    if (!st.stat->sink_up.exchange(true))
      spdlog::info("write-behind: sink reachable again, draining the backlog");
    st.backoff_ms = 0;
  }
  try {
    st.sink->tick(); // a snapshot, when one is due
  } catch (const std::exception& ex) {
    // A full disk fails every snapshot until space returns: back off.
    st.stat->sink_errors += 1;
    spdlog::error("write-behind: {} (retrying with backoff)", ex.what());
    back_off(st);
    return false;
  }
  st.backoff_ms = 0;
  st.stat->confirmed_seq = st.sink->confirmed();
  update_lag(st);
  return true;
}

caf::behavior writebehind_behavior(self_ptr self, std::string journal_dir,
                                   config::persistence_options opts,
                                   std::shared_ptr<writebehind_sink> sink,
                                   uint64_t after_seq, status* stat) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.sink = std::move(sink);
  st.cursor.emplace(journal_dir, after_seq);
  st.stat = stat;
  stat->applied_seq = after_seq;
  stat->confirmed_seq = st.sink->confirmed();
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      auto& st = self->state;
      drain(st);
      auto wait = st.backoff_ms > 0 ? st.backoff_ms : st.opts.flush_interval_ms;
      self->delayed_send(self, std::chrono::milliseconds{wait},
                         tick_atom::value);
    },
    [=](nudge_atom) {
      auto& st = self->state;
      if (st.backoff_ms == 0)
        drain(st);
    },
    [=](flush_atom) -> caf::result<std::string, uint64_t> {
      // Up to 5 s: an operator waits at a prompt.
      auto& st = self->state;
      auto target = st.stat->durable_seq.load();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
      while (st.stat->applied_seq < target
             && std::chrono::steady_clock::now() < deadline)
        if (!drain(st))
          break;
      uint64_t applied = st.stat->applied_seq;
      if (applied < target)
        return {"write-behind is " + std::to_string(target - applied)
                  + " records behind and could not catch up (see the log)",
                applied};
      return {std::string{}, applied};
    },
    [=](snap_atom) -> caf::result<std::string, uint64_t> {
      auto& st = self->state;
      std::string error;
      try {
        if (!st.sink->snapshot_now())
          error = "this node writes behind to PostgreSQL; it keeps no "
                  "snapshots";
      } catch (const std::exception& ex) {
        error = ex.what();
      }
      st.stat->confirmed_seq = st.sink->confirmed();
      uint64_t seq = error.empty() ? st.sink->confirmed() : 0;
      return {std::move(error), seq};
    },
    [=](stop_atom, uint64_t deadline_ms) {
      auto& st = self->state;
      auto deadline = std::chrono::steady_clock::now()
                      + std::chrono::milliseconds{deadline_ms};
      while (st.stat->lag_records() > 0
             && std::chrono::steady_clock::now() < deadline) {
        if (!drain(st))
          std::this_thread::sleep_for(std::chrono::milliseconds{
            std::min<size_t>(st.backoff_ms, 200)});
      }
      if (st.stat->lag_records() > 0)
        spdlog::warn("write-behind: stopping with {} records not written "
                     "behind; they stay in the journal for the next start",
                     st.stat->lag_records());
      self->quit();
    },
  };
}

} // namespace

writebehind_actor spawn_writebehind(caf::actor_system& sys,
                                    std::string journal_dir,
                                    const config::persistence_options& opts,
                                    std::unique_ptr<writebehind_sink> sink,
                                    uint64_t after_seq, status* stat) {
  // CAF copies spawn arguments, so the sink travels as a shared_ptr; the
  // actor is its only holder afterwards.
  return caf::actor_cast<writebehind_actor>(sys.spawn<caf::detached>(
    writebehind_behavior, std::move(journal_dir), opts,
    std::shared_ptr<writebehind_sink>{std::move(sink)}, after_seq, stat));
}

} // namespace doorbuster::persistence
