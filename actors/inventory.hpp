// The actors layer's entry point: the node's shards, product actors, catalog
// pool and checkout coordinators. Callers get the typed handle that serves a
// request and ask it from an actor of their own (request(...).then(...));
// nothing here answers through callbacks.
#pragma once

#include "actors/catalog_actor.hpp"
#include "actors/checkout_actor.hpp"
#include "actors/shard_actor.hpp"
#include "config/options.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorbuster::actors {

class inventory {
public:
  /// `generation`: the boot generation, the high half of ids minted here.
  inventory(caf::actor_system& sys, const persistence::journal_actor& journal,
            const config::options& opts, uint32_t generation);

  /// A cluster node's inventory: its shards wait until the cluster says who
  /// serves them (shard_control); products push their new documents to
  /// `peer_updates` too; `cluster` hears of stale routes (moved_atom).
  inventory(caf::actor_system& sys, const persistence::journal_actor& journal,
            const config::options& opts, uint32_t generation,
            catalog_sink peer_updates, caf::actor cluster);
  ~inventory();

  inventory(const inventory&) = delete;
  inventory& operator=(const inventory&) = delete;

  // -- who serves what ------------------------------------------------------

  /// Purchases, holds, operators' product changes: the SKU's shard.
  const shard_actor& shard_for(std::string_view sku) const;
  const std::vector<shard_actor>& shards() const;
  /// The same shards, as the cluster steers them.
  const std::vector<shard_control>& shard_controls() const;

  /// Where every catalog actor takes product documents (any node's).
  const catalog_actor& catalog_updates() const;

  /// A product page without a message: the document read on the calling
  /// thread from the view the catalog actors share (null: unknown SKU).
  /// Nothing when the catalog's writer is changing the view at that moment:
  /// ask catalog() then.
  std::optional<domain::product_doc_ptr>
  try_find_product(const std::string& sku) const;

  /// Product pages, listings, categories: one of the catalog actors.
  const catalog_actor& catalog() const;
  /// Searches (listings by name): the catalog actor that serves them alone.
  const catalog_actor& catalog_searches() const;

  /// A new checkout: one key, one coordinator, so it tells retries from new
  /// requests; without a key, the coordinators take turns.
  const checkout_actor& checkout_for(const std::string& idempotency_key);

  /// The coordinator that keeps reservation `checkout_id`: one of this
  /// node's, or, for an id of another generation in a cluster, what
  /// `remote_checkouts` names. An invalid handle: none; `unreachable` then
  /// says whether the node that keeps it is a member not connected now.
  checkout_actor reservation_owner(uint64_t checkout_id,
                                   bool* unreachable = nullptr) const;

  /// A local coordinator, by the id it keeps (whatever its generation).
  const checkout_actor& local_reservation_owner(uint64_t checkout_id) const;

  /// Who keeps the reservations of another generation. Set before serving.
  /// The resolver sets its bool when the generation is a member that is
  /// not connected.
  using checkout_resolver =
    std::function<checkout_actor(uint32_t generation, bool& unreachable)>;
  void set_remote_checkouts(checkout_resolver resolve);

  /// A cluster node that rejoined under a new generation: ids are minted
  /// under it from now on; the reservations of the earlier ones stay here
  /// (peers route those generations here too).
  void rejoined(uint32_t generation);

  // -- start-up: these block the calling thread (never an actor's) ----------

  /// Recreates recovered products without journaling them again, their live
  /// reservations and the newest sold checkouts; returns once all products
  /// are in place and visible to reads.
  size_t restore(std::vector<domain::stored_product> products,
                 std::map<uint64_t, domain::sold_checkout> checkouts);

  /// Puts every entry, journaled like an operator's; returns the results in
  /// the entries' order.
  std::vector<domain::write_result>
  put_all(std::vector<domain::product_entry> entries);

  /// Queue depths, purchases, orders, holds, checkouts and catalog counters,
  /// as Prometheus text. Any thread.
  std::string metrics() const;

  /// Ends every actor of the inventory.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::actors
