#include "actors/inventory.hpp"

#include "actors/catalog_pool.hpp"
#include "actors/checkout_actor.hpp"
#include "actors/gather.hpp"
#include "actors/order_ids.hpp"
#include "actors/shard_actor.hpp"
#include "actors/shard_map.hpp"
#include "actors/stats.hpp"
#include "telemetry/prometheus_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <map>
#include <tuple>

namespace doorbuster::actors {

struct inventory::impl {
  impl(caf::actor_system& sys, const caf::actor& journal,
       const inventory_options& opts)
    : ids(opts.generation),
      catalog(sys, opts.catalog_workers),
      stats(std::make_unique<shard_stats[]>(opts.shards)),
      shards(make_shards(sys, journal, opts)),
      checkouts(make_checkouts(sys, journal, opts)) {}

  std::vector<caf::actor> make_checkouts(caf::actor_system& sys,
                                         const caf::actor& journal,
                                         const inventory_options& opts) {
    std::vector<caf::actor> result;
    for (size_t i = 0; i < opts.checkouts; ++i) {
      checkout_options o;
      o.index = i;
      o.count = opts.checkouts;
      o.generation = opts.generation;
      o.max_ttl_ms = opts.max_ttl_ms;
      o.order_hold_ms = opts.order_hold_ms;
      result.push_back(spawn_checkout_actor(
        sys, {&shards, journal, &ids, &checkout_counts}, o));
    }
    return result;
  }

  std::vector<shard_actor> make_shards(caf::actor_system& sys,
                                       const caf::actor& journal,
                                       const inventory_options& opts) {
    std::vector<shard_actor> result;
    result.reserve(opts.shards);
    for (size_t i = 0; i < opts.shards; ++i) {
      product_actor_deps deps{catalog.updates(), journal, &ids,
                              opts.idempotency_keys, &stats[i]};
      result.push_back(spawn_shard_actor(sys, deps, opts.max_mailbox));
    }
    return result;
  }

  order_ids ids;
  catalog_pool catalog;
  std::unique_ptr<shard_stats[]> stats; // one per shard, index = shard
  shard_map shards;
  checkout_stats checkout_counts;
  std::vector<caf::actor> checkouts;
  std::atomic<size_t> next_checkout{0};
};

inventory::inventory(caf::actor_system& sys, const caf::actor& journal,
                     const inventory_options& opts)
  : impl_(std::make_unique<impl>(sys, journal, opts)) {}

inventory::~inventory() = default;

void inventory::get_product(std::string sku, reply_fn<product_doc_ptr> reply) {
  caf::anon_send(impl_->catalog.reads(), get_atom::value, std::move(sku),
                 std::move(reply));
}

void inventory::list_products(listing_query query, reply_fn<listing> reply) {
  caf::anon_send(impl_->catalog.reads(), list_atom::value, std::move(query),
                 std::move(reply));
}

void inventory::categories(reply_fn<std::string> reply) {
  caf::anon_send(impl_->catalog.reads(), categ_atom::value, std::move(reply));
}

void inventory::purchase(purchase_request req,
                         reply_fn<purchase_result> reply) {
  const auto& shard = impl_->shards.route(req.sku);
  caf::anon_send(shard, purchase_atom::value, std::move(req),
                 std::move(reply));
}

void inventory::put_product(std::string sku, product_fields fields,
                            reply_fn<write_result> reply) {
  const auto& shard = impl_->shards.route(sku);
  caf::anon_send(shard, put_atom::value, std::move(sku), std::move(fields),
                 std::move(reply));
}

void inventory::patch_product(std::string sku, product_patch patch,
                              reply_fn<write_result> reply) {
  const auto& shard = impl_->shards.route(sku);
  caf::anon_send(shard, patch_atom::value, std::move(sku), std::move(patch),
                 std::move(reply));
}

void inventory::checkout(checkout_request req,
                         reply_fn<checkout_result> reply) {
  auto& d = *impl_;
  // One key, one coordinator: it tells retries from new requests.
  auto index = req.idempotency_key.empty()
                 ? d.next_checkout.fetch_add(1, std::memory_order_relaxed)
                 : std::hash<std::string>{}(req.idempotency_key);
  caf::anon_send(d.checkouts[index % d.checkouts.size()],
                 checkout_atom::value, std::move(req), std::move(reply));
}

void inventory::reservation(reservation_request req,
                            reply_fn<checkout_result> reply) {
  auto& d = *impl_;
  auto owner = checkout_owner(req.checkout_id, d.checkouts.size());
  caf::anon_send(d.checkouts[owner], resv_atom::value, std::move(req),
                 std::move(reply));
}



void inventory::shard_reports(reply_fn<std::vector<shard_report>> reply) {
  const auto& shards = impl_->shards.shards();
  auto all = std::make_shared<gather<shard_report>>(shards.size(),
                                                    std::move(reply));
  for (size_t i = 0; i < shards.size(); ++i)
    caf::anon_send(shards[i], report_atom::value, all->slot(i, all));
}

void inventory::hot_products(size_t n,
                             reply_fn<std::vector<product_heat>> reply) {
  const auto& shards = impl_->shards.shards();
  auto all = std::make_shared<gather<std::vector<product_heat>>>(
    shards.size(),
    [n, reply = std::move(reply)](std::vector<std::vector<product_heat>> per) {
      std::vector<product_heat> merged;
      for (auto& part : per)
        merged.insert(merged.end(), part.begin(), part.end());
      std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) {
        return std::tie(a.requests, a.depth) > std::tie(b.requests, b.depth);
      });
      if (merged.size() > n)
        merged.resize(n);
      reply(std::move(merged));
    });
  for (size_t i = 0; i < shards.size(); ++i)
    caf::anon_send(shards[i], hot_atom::value, n, all->slot(i, all));
}

void inventory::inspect(std::string sku, reply_fn<std::string> reply) {
  const auto& shard = impl_->shards.route(sku);
  caf::anon_send(shard, inspect_atom::value, std::move(sku), std::move(reply));
}

void inventory::put_many(std::vector<product_entry> entries,
                         reply_fn<std::vector<write_result>> reply) {
  if (entries.empty()) {
    reply({});
    return;
  }
  auto all = std::make_shared<gather<write_result>>(entries.size(),
                                                    std::move(reply));
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& [sku, fields] = entries[i];
    put_product(std::move(sku), std::move(fields), all->slot(i, all));
  }
}

void inventory::restore(std::vector<restored_product> products,
                        reply_fn<size_t> reply) {
  // Live reservations go back to the coordinators that own their ids.
  std::map<uint64_t, restored_reservation> live;
  for (const auto& p : products)
    for (const auto& h : p.holds) {
      if (h.kind != hold_kind::reservation || h.order_id != 0)
        continue;
      auto& r = live[h.checkout_id];
      r.checkout_id = h.checkout_id;
      r.customer_id = h.customer_id;
      r.idempotency_key = h.idempotency_key;
      r.lines.push_back({p.sku, h.quantity});
      r.expires_at_ms = r.expires_at_ms == 0
                          ? h.expires_at_ms
                          : std::min(r.expires_at_ms, h.expires_at_ms);
    }
  for (auto& [id, r] : live)
    caf::anon_send(impl_->checkouts[checkout_owner(id,
                                                   impl_->checkouts.size())],
                   restore_atom::value, std::move(r));
  auto count = products.size();
  if (count == 0) {
    reply(0);
    return;
  }
  auto all = std::make_shared<gather<uint64_t>>(
    count, [count, reply = std::move(reply)](std::vector<uint64_t>) {
      reply(count);
    });
  for (size_t i = 0; i < count; ++i) {
    const auto& shard = impl_->shards.route(products[i].sku);
    caf::anon_send(shard, restore_atom::value, std::move(products[i]),
                   all->slot(i, all));
  }
}

void inventory::restore_checkouts(std::vector<restored_checkout> checkouts) {
  auto& d = *impl_;
  for (auto& c : checkouts)
    caf::anon_send(d.checkouts[checkout_owner(c.checkout_id,
                                              d.checkouts.size())],
                   restore_atom::value, std::move(c));
}

std::string inventory::metrics() const {
  const auto& d = *impl_;
  uint64_t purchases = 0, orders = 0, overloaded = 0, expired = 0;
  uint64_t holds = 0, holds_expired = 0;
  int64_t max_depth = 0;
  for (size_t i = 0; i < d.shards.size(); ++i) {
    const auto& s = d.stats[i];
    purchases += s.purchases;
    orders += s.orders;
    overloaded += s.overloaded;
    expired += s.expired;
    holds += s.holds;
    holds_expired += s.holds_expired;
    max_depth = std::max(max_depth, s.depth.load());
  }
  uint64_t size = 0, hits = 0, misses = 0;
  for (const auto& c : d.catalog.stats()) {
    size = std::max(size, c->size.load());
    hits += c->hits;
    misses += c->misses;
  }
  telemetry::prometheus_text out;
  out.single("doorbuster_purchases_total", "counter",
             "Purchase requests taken up by product actors.", purchases);
  out.single("doorbuster_orders_total", "counter", "Orders created.", orders);
  out.single("doorbuster_purchases_overloaded_total", "counter",
             "Purchases refused because the product's queue was full.",
             overloaded);
  out.single("doorbuster_purchases_expired_total", "counter",
             "Purchases dropped unapplied: deadline passed in the queue.",
             expired);
  const char* depth = "doorbuster_shard_queue_depth";
  out.family(depth, "gauge", "Purchases queued at the products of each shard.");
  for (size_t i = 0; i < d.shards.size(); ++i)
    out.sample(depth, "shard=\"" + std::to_string(i) + "\"",
               d.stats[i].depth.load());
  out.single("doorbuster_queue_depth_max", "gauge", "The deepest shard queue.",
             max_depth);
  out.single("doorbuster_catalog_products", "gauge", "Products in the catalog.",
             size);
  const char* lookups = "doorbuster_catalog_lookups_total";
  out.family(lookups, "counter", "Catalog lookups by SKU, by result.")
    .sample(lookups, R"(result="hit")", hits)
    .sample(lookups, R"(result="miss")", misses);
  const char* held = "doorbuster_holds_total";
  out.family(held, "counter",
             "Holds placed for checkouts, and holds their timer released.")
    .sample(held, R"(event="placed")", holds)
    .sample(held, R"(event="expired")", holds_expired);
  const auto& c = d.checkout_counts;
  const char* checkouts = "doorbuster_checkouts_total";
  out.family(checkouts, "counter",
             "Reservations and multi-item orders, by outcome.");
  for (const auto& [event, value] :
       {std::pair<const char*, uint64_t>{"reserved", c.reservations},
        {"confirmed", c.confirmed},
        {"cancelled", c.cancelled},
        {"expired", c.expired},
        {"ordered", c.orders},
        {"refused", c.refused}})
    out.sample(checkouts, std::string{"event=\""} + event + "\"", value);
  return out.str();
}

void inventory::stop() {
  for (const auto& shard : impl_->shards.shards())
    caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  for (const auto& checkout : impl_->checkouts)
    caf::anon_send_exit(checkout, caf::exit_reason::user_shutdown);
  impl_->catalog.stop();
}

} // namespace doorbuster::actors
