// The actor that owns one product. Its mailbox serializes every change of the
// product, so stock needs no lock: only this actor changes it. Each change is
// journaled; once durable it is published to the catalog and then answered,
// so a read issued after the answer sees it.
#pragma once

#include "actors/protocol.hpp"

#include <caf/fwd.hpp>

#include <atomic>
#include <memory>

namespace doorbuster::actors {

class order_ids;
struct shard_stats;

/// Purchases queued for one product: raised by its shard when it forwards
/// one, lowered by the product actor when it takes one up.
using queue_depth = std::shared_ptr<std::atomic<int64_t>>;

struct product_actor_deps {
  caf::actor catalog_updates; // broadcasts to every catalog actor
  caf::actor journal;         // persistence::journal_actor protocol
  order_ids* ids;             // outlives the actor system's actors
  size_t idempotency_keys;
  shard_stats* stats;         // of the owning shard; outlives the actor
};

product_actor spawn_product_actor(caf::local_actor* parent, std::string sku,
                                  queue_depth depth,
                                  const product_actor_deps& deps);

} // namespace doorbuster::actors
