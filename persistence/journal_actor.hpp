// The journal writer: the only owner of the journal files. Appends records
// with increasing sequence numbers and commits them in groups (one write and
// one fdatasync per batch); each append's callback runs once its record is
// on disk. Runs on a thread of its own (a detached actor), since it blocks
// in fdatasync.
#pragma once

#include "persistence/journal_record.hpp"
#include "persistence/status.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <functional>

namespace doorbuster::persistence {

/// Runs on the journal's thread once the record (or barrier) is durable.
/// Must not block.
using durable_fn = std::function<void()>;

using append_atom = caf::atom_constant<caf::atom("append")>;
using barrier_atom = caf::atom_constant<caf::atom("barrier")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using nudge_atom = caf::atom_constant<caf::atom("nudge")>;

// Protocol (dynamically typed, so that producers of any kind can send):
//   (append_atom, journal_entry, durable_fn)  append; fn once durable
//   (barrier_atom, durable_fn)                fn once all earlier appends are
//   (stop_atom)                               commit what is pending, quit

struct journal_options {
  std::string dir;
  bool fsync = true;
  size_t segment_bytes = 64 * 1024 * 1024;
  size_t max_batch_records = 4096;
  size_t max_delay_us = 0; // 0: commit as soon as the mailbox is drained
};

/// `next_seq` is the first sequence number to hand out. `consumer` (may be
/// invalid) gets a nudge_atom when a full batch is durable. `stat` must
/// outlive the actor.
caf::actor spawn_journal(caf::actor_system& sys, const journal_options& opts,
                         uint64_t next_seq, caf::actor consumer,
                         status* stat);

} // namespace doorbuster::persistence

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::persistence::durable_fn)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::persistence::journal_entry)
