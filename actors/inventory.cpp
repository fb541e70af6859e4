#include "actors/inventory.hpp"

#include "actors/catalog_pool.hpp"
#include "actors/detail/put_each.hpp"
#include "actors/gather.hpp"
#include "actors/order_ids.hpp"
#include "actors/product_doc.hpp"
#include "actors/shard_map.hpp"
#include "actors/stats.hpp"
#include "telemetry/prometheus_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <tuple>

namespace doorbuster::actors {

namespace {

/// Start-up work may be large (a million products); only a node in trouble
/// takes this long for one of them.
constexpr auto startup_timeout = std::chrono::seconds{60};

/// A few shards at a time (the scheduler has a thread or two anyway), so
/// that a shard is asked once an earlier one answered: the progress log
/// then says how far the restore got.
constexpr size_t shards_restored_at_once = 8;

/// Runs `start(self, done)` in a short-lived actor, which asks others and
/// calls `done(result)` from its continuation; the future has the result.
/// What `start` refers to must outlive the future's get().
template <class Result, class Start>
std::future<Result> start_waiting(caf::actor_system& sys, Start start) {
  auto done = std::make_shared<std::promise<Result>>();
  auto result = done->get_future();
  sys.spawn([start = std::move(start), done](caf::event_based_actor* self) {
    start(self, [done](Result r) { done->set_value(std::move(r)); });
  });
  return result;
}

/// start_waiting(), then waits. Start-up only: the caller is no actor's
/// thread.
template <class Result, class Start>
Result wait_for(caf::actor_system& sys, Start start) {
  return start_waiting<Result>(sys, std::move(start)).get();
}

/// Logs how far a long start-up step got, each tenth of the way; steps of
/// fewer than 100,000 products are quiet.
class progress {
public:
  progress(const char* what, size_t total) : what_(what), total_(total) {}

  void at(size_t done) {
    if (total_ < 100000 || done * 10 / total_ <= tenths_)
      return;
    tenths_ = done * 10 / total_;
    spdlog::info("{}: {} of {} products", what_, done, total_);
  }

private:
  const char* what_;
  size_t total_;
  size_t tenths_ = 0;
};

} // namespace

struct inventory::impl {
  impl(caf::actor_system& sys, const persistence::journal_actor& journal,
       const config::options& opts, uint32_t generation,
       catalog_sink peer_updates, caf::actor cluster)
    : sys(sys),
      generations{generation},
      ids(generation),
      catalog(sys, opts.catalog.workers),
      stats(std::make_unique<shard_stats[]>(opts.products.shards)),
      controls(make_shards(journal, opts.products, std::move(peer_updates),
                           std::move(cluster))),
      shards(as_shards(controls)),
      checkouts(make_checkouts(journal, opts.checkout)),
      queue_limit(opts.products.max_mailbox) {}

  std::vector<shard_control>
  make_shards(const persistence::journal_actor& journal,
              const config::product_options& opts, catalog_sink peer_updates,
              caf::actor cluster) {
    std::vector<shard_control> result;
    result.reserve(opts.shards);
    bool clustered = static_cast<bool>(cluster);
    for (size_t i = 0; i < opts.shards; ++i) {
      product_actor_deps deps{catalog.updates(), peer_updates, journal, &ids,
                              opts.idempotency_keys, &stats[i]};
      deps.passivate_after = std::chrono::milliseconds{opts.passivate_after_ms};
      result.push_back(spawn_shard_actor(
        sys, deps, {i, opts.max_mailbox, !clustered, cluster}));
    }
    return result;
  }

  static std::vector<shard_actor>
  as_shards(const std::vector<shard_control>& controls) {
    return {controls.begin(), controls.end()};
  }

  std::vector<checkout_actor>
  make_checkouts(const persistence::journal_actor& journal,
                 const config::checkout_options& opts) {
    std::vector<checkout_actor> result;
    for (size_t i = 0; i < opts.coordinators; ++i)
      result.push_back(spawn_checkout_actor(
        sys,
        {&shards, journal, &ids, &checkout_counts,
         [this](uint64_t id, bool& unreachable) {
           return keeper_of(id, unreachable);
         }},
        {i, opts.coordinators, opts.max_ttl_s * 1000,
         opts.order_hold_s * 1000, opts.max_holds_per_client}));
    return result;
  }

  const checkout_actor& owner_of(uint64_t checkout_id) const {
    return checkouts[checkout_owner(checkout_id, checkouts.size())];
  }

  bool ours(uint32_t generation) const {
    std::lock_guard<std::mutex> lock{generations_mutex};
    return generations.count(generation) > 0;
  }

  checkout_actor keeper_of(uint64_t checkout_id, bool& unreachable) const {
    unreachable = false;
    auto generation = static_cast<uint32_t>(checkout_id >> 32);
    if (!ours(generation) && remote_checkouts)
      return remote_checkouts(generation, unreachable);
    return owner_of(checkout_id);
  }

  caf::actor_system& sys;
  /// Every generation this process had (a cluster node rejoins under a
  /// new one): its reservations keep their ids.
  mutable std::mutex generations_mutex;
  std::set<uint32_t> generations;
  order_ids ids;
  catalog_pool catalog;
  std::unique_ptr<shard_stats[]> stats; // one per shard, index = shard
  std::vector<shard_control> controls;
  shard_map shards;
  checkout_resolver remote_checkouts;
  checkout_stats checkout_counts;
  std::vector<checkout_actor> checkouts;
  size_t queue_limit; // products.max-mailbox, for /metrics
  std::atomic<size_t> next_checkout{0};
};

inventory::inventory(caf::actor_system& sys,
                     const persistence::journal_actor& journal,
                     const config::options& opts, uint32_t generation)
  : impl_(std::make_unique<impl>(sys, journal, opts, generation,
                                 catalog_sink{}, caf::actor{})) {}

inventory::inventory(caf::actor_system& sys,
                     const persistence::journal_actor& journal,
                     const config::options& opts, uint32_t generation,
                     catalog_sink peer_updates, caf::actor cluster)
  : impl_(std::make_unique<impl>(sys, journal, opts, generation,
                                 std::move(peer_updates), std::move(cluster))) {
}

inventory::~inventory() = default;

const shard_actor& inventory::shard_for(std::string_view sku) const {
  return impl_->shards.route(sku);
}

const std::vector<shard_actor>& inventory::shards() const {
  return impl_->shards.shards();
}

const std::vector<shard_control>& inventory::shard_controls() const {
  return impl_->controls;
}

const catalog_actor& inventory::catalog_updates() const {
  return impl_->catalog.updates();
}

std::optional<domain::product_doc_ptr>
inventory::try_find_product(const std::string& sku) const {
  return impl_->catalog.try_find(sku);
}

const catalog_actor& inventory::catalog() const {
  return impl_->catalog.reads();
}

const catalog_actor& inventory::catalog_searches() const {
  return impl_->catalog.searches();
}

const checkout_actor&
inventory::checkout_for(const std::string& idempotency_key) {
  auto& d = *impl_;
  auto index = idempotency_key.empty()
                 ? d.next_checkout.fetch_add(1, std::memory_order_relaxed)
                 : std::hash<std::string>{}(idempotency_key);
  return d.checkouts[index % d.checkouts.size()];
}

checkout_actor inventory::reservation_owner(uint64_t checkout_id,
                                            bool* unreachable) const {
  bool ignored = false;
  return impl_->keeper_of(checkout_id, unreachable ? *unreachable : ignored);
}

const checkout_actor&
inventory::local_reservation_owner(uint64_t checkout_id) const {
  return impl_->owner_of(checkout_id);
}

void inventory::rejoined(uint32_t generation) {
  {
    std::lock_guard<std::mutex> lock{impl_->generations_mutex};
    impl_->generations.insert(generation);
  }
  impl_->ids.rebase(generation);
}

void inventory::set_remote_checkouts(checkout_resolver resolve) {
  impl_->remote_checkouts = std::move(resolve);
}

size_t inventory::restore(std::vector<domain::stored_product> products,
                          std::map<uint64_t, domain::sold_checkout> sold) {
  auto& d = *impl_;
  // Live reservations go back to the coordinators that own their ids.
  std::map<uint64_t, domain::live_reservation> live;
  for (const auto& p : products)
    for (const auto& [id, record] : p.holds) {
      const auto& h = record.placed;
      if (h.kind != domain::checkout_kind::reservation || h.order_id != 0)
        continue;
      auto& r = live[id];
      r.checkout_id = id;
      r.customer_id = h.customer_id;
      r.idempotency_key = h.idempotency_key;
      r.lines.push_back({p.state.sku, h.quantity});
      r.expires_at_ms = r.expires_at_ms == 0
                          ? h.expires_at_ms
                          : std::min(r.expires_at_ms, h.expires_at_ms);
    }
  for (auto& [id, r] : live)
    caf::anon_send(d.owner_of(id), restore_atom::value, std::move(r));
  for (auto& [id, c] : sold)
    caf::anon_send(d.owner_of(id), restore_atom::value, id, std::move(c));
  // Each shard takes its products in one message (a million products:
  // 256 messages) on the scheduler's thread, while this thread renders
  // their documents and indexes them for the catalog, all at once (its
  // SKU orders are then built in one pass): a million products were ready
  // 3 s sooner than with the shards rendering and the catalog's writer
  // indexing them, one after the other, on that one thread.
  auto total = products.size();
  std::vector<domain::product_doc_ptr> docs;
  docs.reserve(total);
  for (const auto& p : products)
    docs.push_back(render_product_doc(p.state));
  std::vector<std::vector<domain::stored_product>> per_shard(d.shards.size());
  for (auto& p : products)
    per_shard[domain::shard_of(p.state.sku, per_shard.size())].push_back(
      std::move(p));
  products.clear();
  products.shrink_to_fit();
  // A shard that does not answer in time counts none, so the start-up can
  // tell and refuse.
  progress shown{"restoring", total};
  auto taking = start_waiting<std::vector<uint64_t>>(
    d.sys, [&d, &per_shard, &shown, total](caf::event_based_actor* self,
                                           auto done) {
      gather<uint64_t>(
        per_shard.size(),
        [&d, &per_shard, &shown, total, self](size_t i) {
          shown.at(i * total / per_shard.size());
          return self->request(d.shards.shards()[i], startup_timeout,
                               restore_atom::value, std::move(per_shard[i]));
        },
        [](size_t, const caf::error&) { return uint64_t{0}; },
        std::move(done), shards_restored_at_once);
    });
  d.catalog.load(std::move(docs));
  if (total >= 100000)
    spdlog::info("restoring: the catalog has indexed {} products", total);
  auto taken = taking.get();
  auto restored = std::accumulate(taken.begin(), taken.end(), uint64_t{0});
  if (restored != total)
    throw std::runtime_error(
      std::to_string(total - restored)
      + " products did not come back within "
      + std::to_string(startup_timeout.count()) + " s at start-up");
  return total;
}

std::vector<domain::write_result>
inventory::put_all(std::vector<domain::product_entry> entries) {
  return wait_for<std::vector<domain::write_result>>(
    impl_->sys, [&](caf::event_based_actor* self, auto done) {
      auto shown = std::make_shared<progress>("loading", entries.size());
      detail::put_each(self, *this, std::move(entries),
                       caf::duration{startup_timeout}, std::move(done),
                       [shown](size_t i) { shown->at(i); });
    });
}

namespace {

/// The best sellers /metrics names: bounded, so that a catalog of any size
/// adds a fixed number of series.
constexpr size_t top_products = 10;

std::vector<product_sales> best_sellers(const shard_stats* stats,
                                        size_t shards, size_t n) {
  std::vector<product_sales> all;
  for (size_t i = 0; i < shards; ++i) {
    std::lock_guard lock{stats[i].top_mutex};
    all.insert(all.end(), stats[i].top.begin(), stats[i].top.end());
  }
  auto more = [](const auto& a, const auto& b) { return a.orders > b.orders; };
  if (all.size() > n) {
    std::partial_sort(all.begin(), all.begin() + n, all.end(), more);
    all.resize(n);
  } else {
    std::sort(all.begin(), all.end(), more);
  }
  return all;
}

} // namespace

std::string inventory::metrics() const {
  const auto& d = *impl_;
  uint64_t purchases = 0, orders = 0, overloaded = 0, expired = 0;
  uint64_t holds = 0, holds_expired = 0, forwarded = 0;
  uint64_t passivated = 0, activated = 0;
  int64_t active = 0, passive = 0, passive_bytes = 0;
  int64_t max_depth = 0;
  for (size_t i = 0; i < d.shards.size(); ++i) {
    const auto& s = d.stats[i];
    purchases += s.purchases;
    orders += s.orders;
    overloaded += s.overloaded;
    expired += s.expired;
    holds += s.holds;
    holds_expired += s.holds_expired;
    forwarded += s.forwarded;
    passivated += s.passivated;
    activated += s.activated;
    active += s.active;
    passive += s.passive;
    passive_bytes += s.passive_bytes;
    max_depth = std::max(max_depth, s.depth.load());
  }
  uint64_t size = 0, hits = 0, misses = 0, passed_on = 0;
  for (const auto& c : d.catalog.stats()) {
    size = std::max(size, c->size.load());
    hits += c->hits;
    misses += c->misses;
    passed_on += c->passed_on;
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
  out.single("doorbuster_forwarded_total", "counter",
             "Requests forwarded to the node that owns their shard "
             "(cluster).",
             forwarded);
  const char* products = "doorbuster_products";
  out.family(products, "gauge",
             "Products of this node's shards: served by an actor (active) or "
             "at rest in their shard (passive).");
  out.sample(products, "state=\"active\"", active);
  out.sample(products, "state=\"passive\"", passive);
  out.single("doorbuster_passive_product_bytes", "gauge",
             "Bytes the products at rest keep (their packed state).",
             passive_bytes);
  out.single("doorbuster_passivations_total", "counter",
             "Idle product actors ended, their state put at rest.",
             passivated);
  out.single("doorbuster_activations_total", "counter",
             "Product actors spawned for a product at rest.", activated);
  const char* depth = "doorbuster_shard_queue_depth";
  out.family(depth, "gauge", "Purchases queued at the products of each shard.");
  for (size_t i = 0; i < d.shards.size(); ++i)
    out.sample(depth, "shard=\"" + std::to_string(i) + "\"",
               d.stats[i].depth.load());
  out.single("doorbuster_queue_depth_max", "gauge", "The deepest shard queue.",
             max_depth);
  auto top = best_sellers(d.stats.get(), d.shards.size(), top_products);
  const char* sold = "doorbuster_product_orders_total";
  out.family(sold, "counter",
             "Orders of this node's best-selling products since it started "
             "(the top " + std::to_string(top_products) + ").");
  for (const auto& p : top)
    out.sample(sold, telemetry::prometheus_text::label("sku", p.sku),
               p.orders);
  const char* stock = "doorbuster_product_stock";
  out.family(stock, "gauge", "Stock on hand of the best-selling products.");
  for (const auto& p : top)
    out.sample(stock, telemetry::prometheus_text::label("sku", p.sku),
               p.stock);
  out.single("doorbuster_product_queue_limit", "gauge",
             "Purchases one product queues before it answers 503 "
             "(products.max-mailbox).",
             d.queue_limit);
  out.single("doorbuster_catalog_products", "gauge", "Products in the catalog.",
             size);
  const char* lookups = "doorbuster_catalog_lookups_total";
  out.family(lookups, "counter", "Catalog lookups by SKU, by result.")
    .sample(lookups, R"(result="hit")", hits)
    .sample(lookups, R"(result="miss")", misses);
  out.single("doorbuster_catalog_pages_passed_on_total", "counter",
             "Product pages an io thread passed on to a catalog actor, as "
             "the catalog's writer held its lock.",
             passed_on);
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
  for (const auto& shard : impl_->controls)
    caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  for (const auto& checkout : impl_->checkouts)
    caf::anon_send_exit(checkout, caf::exit_reason::user_shutdown);
  impl_->catalog.stop();
}

} // namespace doorbuster::actors
