// The actors layer's entry point: the node's shards, product actors and
// catalog pool behind plain calls. Every call returns at once and answers
// through its reply_fn on an actor thread, so callers never block.
#pragma once

#include "actors/checkout_types.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace doorbuster::actors {

struct inventory_options {
  size_t shards = 256;
  size_t catalog_workers = 2;
  size_t idempotency_keys = 100000;
  uint32_t generation = 1; // boot generation, for order ids
  size_t max_mailbox = 1000; // queued purchases per product before 503
  size_t checkouts = 4;      // checkout coordinators
  int64_t max_ttl_ms = 30 * 60 * 1000;
  int64_t order_hold_ms = 60 * 1000;
};

class inventory {
public:
  /// `journal` speaks the persistence::journal_actor protocol.
  inventory(caf::actor_system& sys, const caf::actor& journal,
            const inventory_options& opts);
  ~inventory();

  inventory(const inventory&) = delete;
  inventory& operator=(const inventory&) = delete;

  // Reads: served by the catalog pool, never by product actors.
  void get_product(std::string sku, reply_fn<product_doc_ptr> reply);
  void list_products(listing_query query, reply_fn<listing> reply);
  void categories(reply_fn<std::string> reply);

  // Writes: routed by SKU to the owning shard and product actor.
  void purchase(purchase_request req, reply_fn<purchase_result> reply);
  void put_product(std::string sku, product_fields fields,
                   reply_fn<write_result> reply);
  void patch_product(std::string sku, product_patch patch,
                     reply_fn<write_result> reply);

  /// A reservation, or a multi-item order (all lines sold or none).
  void checkout(checkout_request req, reply_fn<checkout_result> reply);

  /// Reads, confirms, cancels or extends a reservation.
  void reservation(reservation_request req, reply_fn<checkout_result> reply);

  // Operators' views (the admin actor).
  void shard_reports(reply_fn<std::vector<shard_report>> reply);
  /// The `n` products with the most purchases and holds routed to them
  /// since the previous call, busiest first.
  void hot_products(size_t n, reply_fn<std::vector<product_heat>> reply);
  /// The product actor's full state as JSON; empty for an unknown SKU.
  void inspect(std::string sku, reply_fn<std::string> reply);

  using product_entry = std::pair<std::string, product_fields>;

  /// Puts every entry; answers once with the results in the entries' order.
  void put_many(std::vector<product_entry> entries,
                reply_fn<std::vector<write_result>> reply);

  /// Recreates recovered products without journaling them again, and their
  /// live reservations; answers once all are in place and visible to reads.
  void restore(std::vector<restored_product> products,
               reply_fn<size_t> reply);

  /// Gives the coordinators back the newest sold checkouts, so retries and
  /// second confirms are answered as before a restart.
  void restore_checkouts(std::vector<restored_checkout> checkouts);

  /// Queue depths, purchases, orders and catalog counters, as Prometheus
  /// text.
  std::string metrics() const;

  /// Ends every actor of the inventory; pending replies are dropped.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::actors
