// A cluster node's committer: speaks the journal's protocol, but makes each
// record durable in PostgreSQL instead of a local file, in group commits
// fenced by the shard leases the records were made under. A producer hears
// durable_atom once its records are committed, or refused_atom once their
// lease is lost (the records were not committed and never will be). While
// PostgreSQL cannot be reached it retries with backoff; the records wait,
// their requests time out (an uncertain outcome the Idempotency-Key
// resolves). Runs on a thread of its own (a detached actor): it blocks on
// PostgreSQL.
#pragma once

#include "config/options.hpp"
#include "persistence/journal_actor.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/status.hpp"

#include <string>

namespace doorbuster::persistence {

/// Commits as `holder()` (asked before every batch) to the database at `pg_uri`; `shards` is the
/// cluster's shard count (a record's shard is shard_of(its SKU)). Batches
/// hold at most persistence.group-commit-records records; backs off up to
/// persistence.max-backoff-ms. `stat` must outlive the actor: the committed
/// records count as both durable and applied.
journal_actor spawn_pg_committer(caf::actor_system& sys, std::string pg_uri,
                                 lease_holder_source holder, size_t shards,
                                 const config::persistence_options& opts,
                                 status* stat);

} // namespace doorbuster::persistence
