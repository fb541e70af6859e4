// The journal writer: the only owner of the journal files. Appends records
// with increasing sequence numbers and commits them in groups (one write and
// one fdatasync per batch). Runs on a thread of its own (a detached actor),
// since it blocks in fdatasync; nothing else runs there: producers are told
// their records are durable by a message and act on it in their own actor.
#pragma once

#include "config/options.hpp"
#include "domain/type_ids.hpp"
#include "persistence/status.hpp"

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

namespace doorbuster::persistence {

using append_atom = caf::atom_constant<caf::atom("append")>;
using durable_atom = caf::atom_constant<caf::atom("durable")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using nudge_atom = caf::atom_constant<caf::atom("nudge")>;
using refused_atom = caf::atom_constant<caf::atom("refused")>;

/// What a producer of records accepts: (durable_atom, ticket) once its
/// records up to the one it appended with `ticket` are durable. Tickets are
/// the producer's own running numbers; a producer gets one such message per
/// group commit that holds records of its. (refused_atom, ticket): its
/// records up to `ticket` not yet durable never will be, because the lease
/// they were fenced by is lost (only a cluster's committer refuses).
using journal_client
  = caf::typed_actor<caf::reacts_to<durable_atom, uint64_t>,
                     caf::reacts_to<refused_atom, uint64_t>>;

/// (append_atom, change, ticket, fence): append a record; its sender (a
///   journal_client) is told once it is durable. Anonymous appends are
///   written but not acknowledged. `fence` is the epoch of the shard lease
///   the change was made under (0: none); the local journal ignores it, a
///   cluster's committer (cluster/) commits the record only while that
///   lease is still held.
/// (stop_atom): commit what is pending, then quit.
using journal_actor = caf::typed_actor<
  caf::reacts_to<append_atom, domain::change, uint64_t, uint64_t>,
  caf::reacts_to<stop_atom>>;

/// The write-behind consumer, as the journal sees it: nudged when a full
/// batch is durable.
using journal_consumer = caf::typed_actor<caf::reacts_to<nudge_atom>>;

/// Writes segments in `dir` as `opts` say (fsync, segment-bytes,
/// group-commit-records, group-commit-delay-us). `next_seq` is the first
/// sequence number to hand out. `consumer` (may be invalid) is nudged when a
/// full batch is durable. `stat` must outlive the actor.
journal_actor spawn_journal(caf::actor_system& sys, std::string dir,
                            const config::persistence_options& opts,
                            uint64_t next_seq, journal_consumer consumer,
                            status* stat);

} // namespace doorbuster::persistence
