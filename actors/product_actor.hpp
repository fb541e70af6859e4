// The actor that owns one product. Its mailbox serializes every change of the
// product, so stock needs no lock: only this actor changes it. Each change is
// journaled; the actor goes on with its mailbox meanwhile and keeps the
// change's response promise until the journal says the record is on disk.
// Then (in this actor) it publishes the new view to the catalog and answers,
// so a read issued after the answer sees the change.
//
// Passivation: its shard asks it (idle_atom) once the shard has sent it
// nothing for `passivate_after`; if it has been idle that long (no request,
// no live hold, nothing waiting for the journal), it offers its shard its
// stored state and how many of the shard's messages it handled. The shard
// takes the offer only if it sent no more than that, then ends the actor
// and keeps the state at rest until the next request. The actor keeps no
// idle timer of its own: one per woken product kept CAF's timer thread
// busy (a million products at rest, bought at random, sold 30-40% more
// without them).
#pragma once

#include "actors/atoms.hpp"
#include "actors/catalog_actor.hpp"
#include "domain/type_ids.hpp"
#include "persistence/journal_actor.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace doorbuster::actors {

/// What may be asked of a product, directly or through its shard.
///   purchase: sell now, answered once the order is durable
///   put, patch: an operator's change, answered once durable
///   hold, step: a checkout's hold and what it asks about it afterwards
///   inspect: the full state as JSON, for operators ("" for no product)
using product_api = caf::typed_actor<
  caf::replies_to<purchase_atom, domain::purchase_request>::with<
    domain::purchase_result>,
  caf::replies_to<put_atom, std::string, domain::product_fields>::with<
    domain::write_result>,
  caf::replies_to<patch_atom, std::string, domain::product_patch>::with<
    domain::write_result>,
  caf::replies_to<hold_atom, domain::hold_request>::with<domain::line_result>,
  caf::replies_to<step_atom, domain::hold_command>::with<domain::line_result>,
  caf::replies_to<inspect_atom, std::string>::with<std::string>>;

/// A product actor: its API, plus what only its journal (durable_atom,
/// refused_atom), its own timers (expire_atom, checkout id: a hold's
/// expiry) and its shard send it (idle_atom: may it rest?; drain_atom:
/// answered once nothing of it waits for the journal; restore_atom: take
/// back a stored state, not journaled again, as the shard's first message).
using product_actor = product_api::extend<
  caf::reacts_to<persistence::durable_atom, uint64_t>,
  caf::reacts_to<persistence::refused_atom, uint64_t>,
  caf::reacts_to<expire_atom, uint64_t>,
  caf::reacts_to<idle_atom>,
  caf::replies_to<drain_atom>::with<bool>,
  caf::reacts_to<restore_atom, domain::stored_product>>;

/// Where an idle product offers itself to be kept at rest: its shard.
/// (sku, messages of the shard it handled, its state)
using product_keeper = caf::typed_actor<
  caf::reacts_to<passivate_atom, std::string, uint64_t, domain::stored_product>>;

class order_ids;
struct shard_stats;

/// What a product shows its shard without a message: purchases queued for
/// it (raised by the shard when it forwards one, lowered by the product
/// actor when it takes one up), and its orders since start and stock as of
/// its last change (the best sellers in /metrics).
struct product_gauges {
  std::atomic<int64_t> depth{0};
  std::atomic<uint64_t> orders{0};
  std::atomic<int64_t> stock{0};
};
using product_gauges_ptr = std::shared_ptr<product_gauges>;

struct product_actor_deps {
  catalog_actor catalog_updates;       // broadcasts to every catalog actor
  catalog_sink peer_updates;           // other nodes' catalogs; may be unset
  persistence::journal_actor journal;
  order_ids* ids;                      // outlives the actor system's actors
  size_t idempotency_keys;
  shard_stats* stats;                  // of the owning shard; outlives it
  uint64_t fence = 0; // the epoch of the shard's lease (0: single node)
  /// Idle this long, a product is asked to rest, and offers itself to
  /// `keeper` (0: never).
  std::chrono::milliseconds passivate_after{0};
  product_keeper keeper; // its shard
};

/// Spawned by (and linked to) its shard.
product_actor spawn_product_actor(caf::local_actor* parent, std::string sku,
                                  product_gauges_ptr gauges,
                                  const product_actor_deps& deps);

} // namespace doorbuster::actors
