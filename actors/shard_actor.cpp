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

struct product_slot {
  product_actor actor;
  queue_depth depth;
  uint64_t requests = 0;    // purchases and holds routed to it
  uint64_t reported = 0;    // `requests` at the last hot_atom query
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

/// Forwards a purchase or a hold to its product, unless the SKU is unknown
/// or its queue is full. Refused before it queues (admission control), so
/// a hot SKU's backlog never delays other SKUs.
template <class Atom, class Request, class Result>
void admit(self_ptr self, Atom atm, Request& req, reply_fn<Result>& reply) {
  auto& st = self->state;
  auto slot = find(self, req.sku);
  if (!slot || *slot->depth >= static_cast<int64_t>(st.max_mailbox)) {
    Result res;
    res.error = slot ? errc::overloaded : errc::unknown_sku;
    if (slot)
      ++st.deps.stats->overloaded;
    res.sku = std::move(req.sku);
    reply(std::move(res));
    return;
  }
  ++*slot->depth;
  ++slot->requests;
  ++st.deps.stats->depth;
  self->send(slot->actor, atm, std::move(req), std::move(reply));
}

shard_actor::behavior_type shard_behavior(self_ptr self,
                                          product_actor_deps deps,
                                          size_t max_mailbox) {
  self->state.deps = std::move(deps);
  self->state.max_mailbox = max_mailbox;
  return {
    [=](purchase_atom atm, purchase_request& req,
        reply_fn<purchase_result>& reply) { admit(self, atm, req, reply); },
    [=](hold_atom atm, hold_request& req, reply_fn<line_result>& reply) {
      admit(self, atm, req, reply);
    },
    [=](step_atom atm, hold_command& cmd, reply_fn<line_result>& reply) {
      // Never refused: a step settles units already held.
      if (auto slot = find(self, cmd.sku)) {
        self->send(slot->actor, atm, std::move(cmd), std::move(reply));
        return;
      }
      line_result res;
      res.error = errc::unknown_sku;
      res.sku = std::move(cmd.sku);
      if (reply)
        reply(std::move(res));
    },
    [=](inspect_atom atm, std::string& sku, reply_fn<std::string>& reply) {
      if (auto slot = find(self, sku))
        self->send(slot->actor, atm, std::move(sku), std::move(reply));
      else
        reply({});
    },
    [=](report_atom, const reply_fn<shard_report>& reply) {
      shard_report r;
      for (const auto& [sku, slot] : self->state.products) {
        ++r.products;
        auto depth = slot.depth->load();
        r.queued += depth;
        r.max_depth = std::max(r.max_depth, depth);
        r.requests += slot.requests;
      }
      reply(r);
    },
    [=](hot_atom, size_t n, const reply_fn<std::vector<product_heat>>& reply) {
      std::vector<product_heat> heat;
      for (auto& [sku, slot] : self->state.products) {
        auto recent = slot.requests - slot.reported;
        slot.reported = slot.requests;
        auto depth = slot.depth->load();
        if (recent > 0 || depth > 0)
          heat.push_back({sku, recent, depth});
      }
      auto hotter = [](const product_heat& a, const product_heat& b) {
        return std::tie(a.requests, a.depth) > std::tie(b.requests, b.depth);
      };
      if (heat.size() > n) {
        std::partial_sort(heat.begin(), heat.begin() + n, heat.end(), hotter);
        heat.resize(n);
      }
      reply(std::move(heat));
    },
    [=](put_atom atm, std::string& sku, product_fields& fields,
        reply_fn<write_result>& reply) {
      self->send(find_or_spawn(self, sku).actor, atm, std::move(sku),
                 std::move(fields), std::move(reply));
    },
    [=](restore_atom atm, restored_product& saved,
        reply_fn<uint64_t>& reply) {
      const auto& slot = find_or_spawn(self, saved.sku);
      self->send(slot.actor, atm, std::move(saved), std::move(reply));
    },
    [=](patch_atom atm, std::string& sku, product_patch& patch,
        reply_fn<write_result>& reply) {
      if (auto slot = find(self, sku)) {
        self->send(slot->actor, atm, std::move(sku), std::move(patch),
                   std::move(reply));
        return;
      }
      write_result res;
      res.error = errc::unknown_sku;
      reply(std::move(res));
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
