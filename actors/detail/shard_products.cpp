#include "actors/detail/shard_state.hpp"

#include "actors/product_doc.hpp"

#include <caf/send.hpp>

#include <algorithm>
#include <mutex>
#include <tuple>

namespace doorbuster::actors::detail {

namespace {

constexpr auto rank_interval = std::chrono::seconds{1};
constexpr size_t top_sellers = 10; // per shard

/// Products asked whether they may rest, per shard and tick at most: a
/// node of 256 shards puts up to 16,000 products a second to rest. A
/// hundred thousand offers at once held up the worker the shards share,
/// and every request behind them, for over a second.
constexpr size_t asked_per_tick = 64;

/// The idle sweep's period: a quarter of the passivation time, from 1 ms
/// to 1 s.
std::chrono::milliseconds idle_tick_of(std::chrono::milliseconds after) {
  return std::clamp(after / 4, std::chrono::milliseconds{1},
                    std::chrono::milliseconds{1000});
}

/// Ticks without a message before a product is asked: at least
/// `passivate_after` (a tick more than it takes).
uint64_t idle_ticks(std::chrono::milliseconds after) {
  auto tick = idle_tick_of(after);
  return static_cast<uint64_t>((after + tick - std::chrono::milliseconds{1})
                               / tick)
         + 1;
}

void arm_idle_tick(shard_self self) {
  auto& st = self->state;
  if (st.ticking || st.deps.passivate_after.count() <= 0)
    return;
  st.ticking = true;
  self->delayed_send(self, idle_tick_of(st.deps.passivate_after),
                     idle_atom::value);
}

} // namespace

void activate(shard_self self, const std::string& sku, product_slot& slot,
              domain::stored_product* saved) {
  auto& st = self->state;
  slot.gauges = std::make_shared<product_gauges>();
  slot.actor = spawn_product_actor(self, sku, slot.gauges, st.deps);
  slot.sent = 0;
  slot.last_tick = slot.asked_tick = st.tick;
  ++st.deps.stats->active;
  arm_idle_tick(self);
  if (!saved)
    return;
  ++slot.sent;
  self->send(slot.actor, restore_atom::value, std::move(*saved));
}

void idle_tick(shard_self self) {
  auto& st = self->state;
  st.ticking = false;
  ++st.tick;
  auto wait = idle_ticks(st.deps.passivate_after);
  size_t asked = 0;
  for (auto& [sku, slot] : st.active) {
    if (asked == asked_per_tick)
      break;
    if (st.tick - std::max(slot.last_tick, slot.asked_tick) < wait)
      continue;
    slot.asked_tick = st.tick;
    self->send(slot.actor, idle_atom::value);
    ++asked;
  }
  if (!st.active.empty())
    arm_idle_tick(self);
}

void count_at_rest(shard_stats& stats, const passive_product& passive,
                   int64_t sign) {
  stats.passive += sign;
  stats.passive_bytes += sign * static_cast<int64_t>(passive.bytes());
}

void put_to_rest(shard_state& st, const std::string& sku,
                 const domain::stored_product& saved) {
  auto& stats = *st.deps.stats;
  auto& passive = st.resting[sku];
  if (!passive.empty())
    count_at_rest(stats, passive, -1);
  passive = passive_product::pack(saved);
  count_at_rest(stats, passive, 1);
}

product_slot* find(shard_self self, const std::string& sku) {
  auto& st = self->state;
  if (auto i = st.active.find(sku); i != st.active.end())
    return &i->second;
  auto rested = st.resting.find(sku);
  if (rested == st.resting.end())
    return nullptr;
  auto& stats = *st.deps.stats;
  auto saved = rested->second.unpack();
  count_at_rest(stats, rested->second, -1);
  ++stats.activated;
  st.resting.erase(rested);
  auto& slot = st.active[sku];
  activate(self, sku, slot, &saved);
  return &slot;
}

product_slot& find_or_spawn(shard_self self, const std::string& sku) {
  if (auto slot = find(self, sku))
    return *slot;
  auto& slot = self->state.active[sku];
  activate(self, sku, slot, nullptr);
  return slot;
}

const product_actor& to_product(shard_state& st, product_slot& slot) {
  slot.last_tick = st.tick;
  ++slot.sent;
  return slot.actor;
}

void take_products(shard_self self,
                   std::vector<domain::stored_product>& products) {
  auto& st = self->state;
  st.resting.reserve(st.resting.size() + products.size());
  for (auto& p : products) {
    if (!p.holds.empty()) {
      activate(self, p.state.sku, st.active[p.state.sku], &p);
      continue;
    }
    put_to_rest(st, p.state.sku, p);
  }
}

void passivate(shard_self self, const std::string& sku, uint64_t handled,
               domain::stored_product& saved) {
  auto& st = self->state;
  auto i = st.active.find(sku);
  if (st.now != mode::serving || i == st.active.end())
    return;
  auto& slot = i->second;
  if (!slot.actor || self->current_sender() != slot.actor.address() ||
      slot.sent != handled)
    return;
  self->unlink_from(slot.actor);
  self->send_exit(slot.actor, caf::exit_reason::user_shutdown);
  st.rested_requests += slot.requests;
  st.active.erase(i);
  auto& stats = *st.deps.stats;
  --stats.active;
  ++stats.passivated;
  if (saved.state.version != 0) // never created: nothing to keep
    put_to_rest(st, sku, saved);
}

void rank(shard_state& st) {
  for (const auto& sku : st.touched) {
    auto i = st.active.find(sku);
    if (i == st.active.end())
      continue; // at rest: keeps its place until a newer ranking
    i->second.touched = false;
    std::erase_if(st.top, [&](const auto& p) { return p.sku == sku; });
    const auto& g = *i->second.gauges;
    if (auto orders = g.orders.load(std::memory_order_relaxed); orders > 0)
      st.top.push_back({sku, orders, g.stock.load(std::memory_order_relaxed)});
  }
  st.touched.clear();
  std::stable_sort(
      st.top.begin(), st.top.end(),
      [](const auto& a, const auto& b) { return a.orders > b.orders; });
  if (st.top.size() > top_sellers)
    st.top.resize(top_sellers);
  std::lock_guard lock{st.deps.stats->top_mutex};
  st.deps.stats->top = st.top;
}

void touch(shard_self self, const std::string& sku, product_slot& slot) {
  if (slot.touched)
    return;
  slot.touched = true;
  auto& st = self->state;
  if (st.touched.empty())
    self->delayed_send(self, rank_interval, rank_atom::value);
  st.touched.push_back(sku);
}

domain::shard_report report(const shard_state& st) {
  domain::shard_report r;
  r.products = st.active.size() + st.resting.size();
  r.requests = st.rested_requests;
  for (const auto& [sku, slot] : st.active) {
    r.requests += slot.requests;
    ++r.active;
    auto depth = slot.gauges->depth.load();
    r.queued += depth;
    r.max_depth = std::max(r.max_depth, depth);
  }
  return r;
}

std::vector<domain::product_heat> hottest(shard_state& st, size_t n) {
  std::vector<domain::product_heat> heat;
  for (auto& [sku, slot] : st.active) {
    auto recent = slot.requests - slot.reported;
    slot.reported = slot.requests;
    auto depth = slot.gauges->depth.load();
    if (recent > 0 || depth > 0)
      heat.push_back({sku, recent, depth});
  }
  auto hotter = [](const auto& a, const auto& b) {
    return std::tie(a.requests, a.depth) > std::tie(b.requests, b.depth);
  };
  if (heat.size() > n) {
    std::partial_sort(heat.begin(), heat.begin() + n, heat.end(), hotter);
    heat.resize(n);
  }
  return heat;
}

void drop_products(shard_self self) {
  for (auto& [sku, slot] : self->state.active) {
    self->unlink_from(slot.actor);
    self->send_exit(slot.actor, caf::exit_reason::user_shutdown);
  }
  auto& stats = *self->state.deps.stats;
  stats.active = 0;
  stats.passive = 0;
  stats.passive_bytes = 0;
  self->state.active.clear();
  self->state.resting.clear();
  self->state.rested_requests = 0;
  self->state.touched.clear();
  self->state.top.clear();
  std::lock_guard lock{self->state.deps.stats->top_mutex};
  self->state.deps.stats->top.clear();
}

} // namespace doorbuster::actors::detail
