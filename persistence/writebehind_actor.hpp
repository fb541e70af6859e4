// The write-behind actor: reads durable journal records in order (behind
// the writer) and hands them in batches to its sink, every flush interval or
// when the journal nudges it; on failure it keeps the batch and retries with
// capped exponential backoff. Runs on its own thread (a detached actor),
// since its sink blocks.
#pragma once

#include "persistence/status.hpp"
#include "persistence/writebehind_sink.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>

namespace doorbuster::persistence {

// Protocol: (nudge_atom) a batch is ready; (stop_atom, uint64_t ms) drain
// for at most that long, then quit.

struct writebehind_options {
  std::string journal_dir;
  size_t flush_interval_ms = 100;
  size_t batch_records = 5000;
  size_t max_backoff_ms = 5000;
};

/// Starts after journal record `after_seq`. `stat` must outlive the actor.
caf::actor spawn_writebehind(caf::actor_system& sys,
                             const writebehind_options& opts,
                             std::unique_ptr<writebehind_sink> sink,
                             uint64_t after_seq, status* stat);

} // namespace doorbuster::persistence
