// The catalog actors of a node, over one shared_catalog: `reads`, a CAF
// actor pool, hands each read to one worker (round robin); `updates` is the
// one writer, which applies every product change in the order sent.
#pragma once

#include "actors/catalog_actor.hpp"
#include "actors/stats.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace doorbuster::actors {

class shared_catalog;

class catalog_pool {
public:
  catalog_pool(caf::actor_system& sys, size_t workers);

  /// A CAF actor pool seen as one catalog actor: requests reach one worker
  /// and are answered by it. With two or more workers, the first serves
  /// searches alone and the others everything else, so that a search (a
  /// scan of the names) never delays a product page queued behind it.
  const catalog_actor& reads() const { return reads_; }
  /// Where searches go: the first worker (the only one, if it is alone).
  const catalog_actor& searches() const { return searches_; }
  /// The writer: updates sent here are applied in the order they were sent,
  /// and every worker reads them.
  const catalog_actor& updates() const { return updates_; }

  /// A product's document, read on the calling thread from the view the
  /// catalog actors share, without a message: null for an unknown SKU;
  /// nothing when the writer is changing the view at that moment (ask
  /// reads() then).
  std::optional<domain::product_doc_ptr> try_find(const std::string& sku) const;

  /// Start-up only, before the node serves: applies `docs` on the calling
  /// thread, under the writer's lock, as the writer would (the start-up's
  /// restore indexes a million products while the shards take them on the
  /// scheduler's thread).
  void load(std::vector<domain::product_doc_ptr> docs);

  /// Stops the pool, its workers and the writer.
  void stop();

  /// Every worker's counters, the writer's, then those of try_find().
  const std::vector<std::unique_ptr<catalog_stats>>& stats() const {
    return stats_;
  }

private:
  catalog_actor reads_;
  catalog_actor searches_;
  catalog_actor updates_;
  std::vector<std::unique_ptr<catalog_stats>> stats_;
  std::shared_ptr<shared_catalog> catalog_;
  catalog_stats* writer_ = nullptr; // the writer's, in stats_
  catalog_stats* direct_ = nullptr; // try_find()'s, in stats_
};

} // namespace doorbuster::actors
