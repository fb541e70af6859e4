// The write-behind actor: reads durable journal records in order (behind
// the writer) and hands them in batches to its sink, every flush interval or
// when the journal nudges it; on failure it keeps the batch and retries with
// capped exponential backoff. Runs on its own thread (a detached actor),
// since its sink blocks.
#pragma once

#include "persistence/status.hpp"
#include "persistence/writebehind_sink.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <functional>
#include <memory>

namespace doorbuster::persistence {

// Protocol: (nudge_atom) a batch is ready; (stop_atom, uint64_t ms) drain
// for at most that long, then quit; (flush_atom, operator_fn) write behind
// everything durable now; (snap_atom, operator_fn) write a snapshot now.

using flush_atom = caf::atom_constant<caf::atom("flush")>;
using snap_atom = caf::atom_constant<caf::atom("snapshot")>;

/// An operator's request answered: empty `error` on success, and the last
/// record the sink holds.
using operator_fn = std::function<void(std::string error, uint64_t seq)>;

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

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::persistence::operator_fn)
