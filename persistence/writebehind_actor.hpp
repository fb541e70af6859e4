// The write-behind actor: reads durable journal records in order (behind
// the writer) and hands them in batches to its sink, every flush interval or
// when the journal nudges it; on failure it keeps the batch and retries with
// capped exponential backoff. Runs on its own thread (a detached actor),
// since its sink blocks.
#pragma once

#include "persistence/journal_actor.hpp"
#include "persistence/status.hpp"
#include "persistence/writebehind_sink.hpp"

#include <memory>

namespace doorbuster::persistence {

using flush_atom = caf::atom_constant<caf::atom("flush")>;
using snap_atom = caf::atom_constant<caf::atom("snapshot")>;

/// (nudge_atom): a batch is ready.
/// (flush_atom) -> (error, seq): write behind everything durable now; waits
///   up to 5 s. `error` is empty on success; `seq` is the last record the
///   sink holds.
/// (snap_atom) -> (error, seq): write a snapshot now (journal-only mode).
/// (stop_atom, ms): drain for at most that long, then quit.
using writebehind_actor = journal_consumer::extend<
  caf::replies_to<flush_atom>::with<std::string, uint64_t>,
  caf::replies_to<snap_atom>::with<std::string, uint64_t>,
  caf::reacts_to<stop_atom, uint64_t>>;

/// Reads the journal in `journal_dir`; flushes every flush-interval-ms, at
/// most flush-batch-records a batch, backs off up to max-backoff-ms. Starts
/// after journal record `after_seq`. `stat` must outlive the actor.
writebehind_actor spawn_writebehind(caf::actor_system& sys,
                                    std::string journal_dir,
                                    const config::persistence_options& opts,
                                    std::unique_ptr<writebehind_sink> sink,
                                    uint64_t after_seq, status* stat);

} // namespace doorbuster::persistence
