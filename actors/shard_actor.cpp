#include "actors/shard_actor.hpp"

#include "actors/stats.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace doorbuster::actors {

namespace {

using domain::errc;

struct product_slot {
  product_actor actor;
  queue_depth depth;
  uint64_t requests = 0; // purchases and holds routed to it
  uint64_t reported = 0; // `requests` at the last hot_atom query
};

struct shard_state {
  std::unordered_map<std::string, product_slot> products;
  product_actor_deps deps;
  size_t max_mailbox = 0;
};

using self_ptr = shard_actor::stateful_pointer<shard_state>;

/// Returns the product's slot, or nullptr for an unknown SKU.
product_slot* find(self_ptr self, const std::string& sku) {
  auto i = self->state.products.find(sku);
  return i == self->state.products.end() ? nullptr : &i->second;
}

product_slot& find_or_spawn(self_ptr self, const std::string& sku) {
  if (auto slot = find(self, sku))
    return *slot;
  auto depth = std::make_shared<std::atomic<int64_t>>(0);
  auto actor = spawn_product_actor(self, sku, depth, self->state.deps);
  return self->state.products.emplace(sku, product_slot{actor, depth, 0, 0})
    .first->second;
}

/// Delegates a purchase or a hold to its product, unless the SKU is unknown
/// or its queue is full.
template <class Result, class Atom, class Request>
caf::result<Result> admit(self_ptr self, Atom atm, const std::string& sku,
                          Request& req) {
  auto& st = self->state;
  auto slot = find(self, sku);
  if (!slot || *slot->depth >= static_cast<int64_t>(st.max_mailbox)) {
    Result res;
    res.error = slot ? errc::overloaded : errc::unknown_sku;
    if (slot)
      ++st.deps.stats->overloaded;
    res.sku = sku;
    return res;
  }
  ++*slot->depth;
  ++slot->requests;
  ++st.deps.stats->depth;
  return self->delegate(slot->actor, atm, std::move(req));
}

domain::shard_report report(const shard_state& st) {
  domain::shard_report r;
  for (const auto& [sku, slot] : st.products) {
    ++r.products;
    auto depth = slot.depth->load();
    r.queued += depth;
    r.max_depth = std::max(r.max_depth, depth);
    r.requests += slot.requests;
  }
  return r;
}

std::vector<domain::product_heat> hottest(shard_state& st, size_t n) {
  std::vector<domain::product_heat> heat;
  for (auto& [sku, slot] : st.products) {
    auto recent = slot.requests - slot.reported;
    slot.reported = slot.requests;
    auto depth = slot.depth->load();
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

shard_actor::behavior_type shard_behavior(self_ptr self,
                                          product_actor_deps deps,
                                          size_t max_mailbox) {
  self->state.deps = std::move(deps);
  self->state.max_mailbox = max_mailbox;
  return {
    [=](purchase_atom atm, domain::purchase_request& req) {
      auto sku = req.sku;
      return admit<domain::purchase_result>(self, atm, sku, req);
    },
    [=](hold_atom atm, domain::hold_request& req) {
      auto sku = req.wanted.sku;
      return admit<domain::line_result>(self, atm, sku, req);
    },
    [=](step_atom atm, domain::hold_command& cmd)
      -> caf::result<domain::line_result> {
      // Never refused: a step settles units already held.
      if (auto slot = find(self, cmd.sku))
        return self->delegate(slot->actor, atm, std::move(cmd));
      domain::line_result res;
      res.error = errc::unknown_sku;
      res.sku = std::move(cmd.sku);
      return res;
    },
    [=](inspect_atom atm, std::string& sku) -> caf::result<std::string> {
      if (auto slot = find(self, sku))
        return self->delegate(slot->actor, atm, std::move(sku));
      return std::string{};
    },
    [=](report_atom) { return report(self->state); },
    [=](hot_atom, uint64_t n) { return hottest(self->state, n); },
    [=](put_atom atm, std::string& sku, domain::product_fields& fields) {
      auto& slot = find_or_spawn(self, sku);
      return self->delegate(slot.actor, atm, std::move(sku),
                            std::move(fields));
    },
    [=](restore_atom atm, domain::stored_product& saved) {
      auto& slot = find_or_spawn(self, saved.state.sku);
      return self->delegate(slot.actor, atm, std::move(saved));
    },
    [=](patch_atom atm, std::string& sku, domain::product_patch& patch)
      -> caf::result<domain::write_result> {
      if (auto slot = find(self, sku))
        return self->delegate(slot->actor, atm, std::move(sku),
                              std::move(patch));
      domain::write_result res;
      res.error = errc::unknown_sku;
      return res;
    },
  };
}

} // namespace

shard_actor spawn_shard_actor(caf::actor_system& sys,
                              const product_actor_deps& deps,
                              size_t max_mailbox) {
  return sys.spawn(shard_behavior, deps, max_mailbox);
}

} // namespace doorbuster::actors
