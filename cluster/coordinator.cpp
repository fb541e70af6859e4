#include "cluster/coordinator.hpp"

#include "cluster/dialer.hpp"
#include "cluster/failpoint.hpp"
#include "actors/inventory.hpp"
#include "actors/product_doc.hpp"
#include "cluster/gateway.hpp"
#include "cluster/placement.hpp"
#include "cluster/shard_loader.hpp"
#include "domain/shard.hpp"
#include "persistence/pg_store.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <set>

namespace doorbuster::cluster {

namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

/// How often notifications are looked for.
constexpr auto poll_interval = 10ms;

struct peer {
  uint64_t generation = 0;
  std::vector<uint64_t> earlier; // before it rejoined: still routed to it
  std::string address;
  caf::actor gateway; // invalid until dialed, or until it said hello
  bool dialing = false;
};

/// A peer's hello that came before this node learned of that generation.
struct early_hello {
  uint64_t generation = 0;
  caf::actor gateway;
};

/// A shard taken and being loaded: the epoch it was taken at, and the load
/// it waits for (a later take of it waits for a later one).
struct pending_take {
  uint64_t epoch = 0;
  uint64_t ticket = 0;
};

struct coordinator_state {
  coordinator_deps deps;
  actors::inventory** inv = nullptr;
  std::unique_ptr<persistence::pg_store> catalog_store; // load_catalog
  std::map<uint32_t, uint64_t> serving; // shard -> epoch
  std::map<uint32_t, pending_take> loading; // by shard
  uint64_t next_ticket = 0;
  caf::actor shard_loader;
  std::set<uint32_t> releasing;
  std::vector<std::string> routed; // per shard: whose gateway ("" none)
  std::map<std::string, peer> peers;
  std::map<std::string, early_hello> hellos; // by node id: one per peer
  caf::actor own_gateway;                    // handed to the peers dialed
  caf::actor dialer;
  steady_clock::time_point renewed_at = steady_clock::now();
  steady_clock::time_point refreshed_at;
  /// When the first lease of a peer this node lost its connection to
  /// expires: refreshed then, so failover waits for the TTL, not for the
  /// next regular refresh as well.
  steady_clock::time_point expiry_check = steady_clock::time_point::max();
  bool started = false;
  bool renewed_once = false;
  bool draining = false;
  bool refresh_wanted = true;
  bool catalog_reloaded = false;
  std::vector<caf::response_promise> drained;
};

using self_ptr = caf::stateful_actor<coordinator_state>*;

const std::vector<actors::shard_control>& controls(coordinator_state& st) {
  return (*st.inv)->shard_controls();
}

void set_owned(coordinator_state& st, uint32_t shard, uint64_t epoch) {
  st.deps.state->owned[shard].store(epoch, std::memory_order_release);
  st.deps.state->shards_owned = st.serving.size();
}

/// The lease is gone (expired and maybe taken): stop serving at once.
void lose(self_ptr self, uint32_t shard) {
  auto& st = self->state;
  if (st.loading.erase(shard) > 0) {
    spdlog::warn("cluster: lost the lease of shard {} while loading it",
                 shard);
    return; // its load is ignored when it comes
  }
  st.serving.erase(shard);
  st.releasing.erase(shard);
  set_owned(st, shard, 0);
  st.routed[shard] = "?";
  st.deps.state->lost += 1;
  caf::anon_send(controls(st)[shard], actors::leave_atom::value, false);
  spdlog::warn("cluster: lost the lease of shard {}", shard);
}

/// Loses every shard served or being loaded.
void lose_all(self_ptr self) {
  auto& st = self->state;
  for (auto [shard, epoch] : std::map<uint32_t, uint64_t>{st.serving})
    lose(self, shard);
  for (auto [shard, take] : std::map<uint32_t, pending_take>{st.loading})
    lose(self, shard);
}

void answer_drained(coordinator_state& st) {
  if (!st.draining || !st.serving.empty() || !st.loading.empty())
    return;
  for (auto& p : st.drained)
    p.deliver(true);
  st.drained.clear();
}

/// Has the taken shards loaded from PostgreSQL (shard_loader.hpp); they
/// serve once loaded (loaded below) if their leases are still held.
void take_shards(self_ptr self, const std::vector<held_lease>& taken) {
  auto& st = self->state;
  if (taken.empty())
    return;
  failpoint("takeover-acquired");
  auto ticket = ++st.next_ticket;
  std::vector<uint32_t> shards;
  for (const auto& t : taken) {
    st.loading[t.shard] = {t.epoch, ticket};
    shards.push_back(t.shard);
  }
  self->send(st.shard_loader, load_atom::value, ticket, std::move(shards));
}

/// A load came back: the shards still waiting for it serve, each at the
/// epoch it was taken at (a shard lost meanwhile waits for nothing).
void loaded(self_ptr self, uint64_t ticket, bool ok,
            std::vector<domain::stored_product>& products) {
  auto& st = self->state;
  std::vector<held_lease> taken;
  for (const auto& [shard, take] : st.loading)
    if (take.ticket == ticket)
      taken.push_back({shard, take.epoch});
  if (taken.empty())
    return;
  if (ok)
    failpoint("takeover-loaded");
  auto shards = st.deps.state->shards;
  std::map<uint32_t, std::vector<domain::stored_product>> by_shard;
  for (auto& p : products)
    by_shard[static_cast<uint32_t>(domain::shard_of(p.state.sku, shards))]
      .push_back(std::move(p));
  size_t served = 0;
  for (const auto& t : taken) {
    st.loading.erase(t.shard);
    if (!ok)
      continue; // held, not served: the next refresh takes it again
    st.serving[t.shard] = t.epoch;
    st.routed[t.shard] = st.deps.node_id;
    set_owned(st, t.shard, t.epoch);
    caf::anon_send(controls(st)[t.shard], actors::own_atom::value, t.epoch,
                   std::move(by_shard[t.shard]));
    ++served;
  }
  st.deps.state->acquired += served;
  if (served > 0)
    spdlog::info("cluster: took {} shards ({} products)", served,
                 products.size());
  st.refresh_wanted = true;
  answer_drained(st);
}

/// Hands `shards` over: each stops admitting and drains, then all leases
/// are released in one statement.
void hand_over(self_ptr self, const std::vector<uint32_t>& shards) {
  auto& st = self->state;
  if (shards.empty())
    return;
  auto left = std::make_shared<size_t>(shards.size());
  auto leases = std::make_shared<std::vector<held_lease>>();
  for (auto shard : shards) {
    st.releasing.insert(shard);
    // The gateway answers "moved" from now on; local requests wait.
    st.deps.state->owned[shard].store(0, std::memory_order_release);
    leases->push_back({shard, st.serving[shard]});
    auto done = [self, left, leases](auto&&...) {
      if (--*left > 0)
        return;
      auto& st = self->state;
      std::vector<held_lease> still;
      for (const auto& l : *leases)
        if (st.releasing.erase(l.shard) > 0 && st.serving.count(l.shard) > 0)
          still.push_back(l);
      failpoint("handoff-drained");
      try {
        st.deps.members->release(still);
        failpoint("handoff-released");
      } catch (const std::exception& ex) {
        spdlog::error("cluster: releasing {} shards failed: {} (they expire "
                      "after the lease TTL)",
                      still.size(), ex.what());
      }
      for (const auto& l : still) {
        st.serving.erase(l.shard);
        st.routed[l.shard] = "?";
        set_owned(st, l.shard, 0);
      }
      st.deps.state->released += still.size();
      spdlog::info("cluster: handed over {} shards", still.size());
      st.refresh_wanted = true;
      answer_drained(st);
    };
    self->request(controls(st)[shard], 30s, actors::leave_atom::value, true)
      .then([done](bool) mutable { done(); },
            [done](caf::error&) mutable { done(); });
  }
}

/// Counts the connected peers.
void count_peers(coordinator_state& st) {
  size_t connected = 0;
  for (const auto& [id, p] : st.peers)
    connected += p.gateway ? 1 : 0;
  st.deps.state->peers_connected = connected;
}

std::vector<uint64_t> generations_of(const peer& p) {
  auto all = p.earlier;
  all.push_back(p.generation);
  return all;
}

/// Forgets a peer's gateway: shards routed to it wait for a new route, and
/// requests in flight to it are answered outcome_unknown.
void disconnect(coordinator_state& st, peer& p) {
  if (!p.gateway)
    return;
  for (const auto& shard : controls(st))
    caf::anon_send(shard, actors::lost_atom::value, p.gateway);
  st.deps.peers->set(generations_of(p), {});
  caf::anon_send(st.deps.push, peer_atom::value, p.gateway, false);
  p.gateway = nullptr;
  for (auto& r : st.routed)
    r = "?";
}

/// True if this node dials `peer_id` (else that peer dials this node).
bool dials(const coordinator_state& st, const std::string& peer_id) {
  return st.deps.node_id < peer_id;
}

/// Hands this node's gateway to a peer it dialed, with its generation.
void say_hello(self_ptr self, const caf::actor& gateway) {
  auto& st = self->state;
  self->send(caf::actor_cast<gateway_actor>(gateway), hello_atom::value,
             st.deps.node_id, st.deps.members->generation(), st.own_gateway);
}

/// Takes `gateway` as the route to peer `p`, dialed or handed over.
void connected(self_ptr self, const std::string& node_id, peer& p,
               caf::actor gateway) {
  auto& st = self->state;
  p.dialing = false;
  p.gateway = std::move(gateway);
  self->monitor(p.gateway);
  st.deps.peers->set(generations_of(p), p.gateway);
  caf::anon_send(st.deps.push, peer_atom::value, p.gateway, true);
  for (auto& r : st.routed)
    if (r.empty())
      r = "?"; // shards waiting for a route may have one now
  count_peers(st);
  st.refresh_wanted = true;
  spdlog::info("cluster: connected to {} at {}", node_id, p.address);
}

/// Dials new live peers (through the dialer) and forgets those that left.
void update_peers(self_ptr self, const std::vector<node_row>& nodes) {
  auto& st = self->state;
  std::set<std::string> present;
  std::set<uint64_t> members;
  for (const auto& n : nodes)
    if (n.status != "left") {
      members.insert(n.generation);
      members.insert(n.earlier_generations.begin(),
                     n.earlier_generations.end());
    }
  st.deps.peers->set_members(std::move(members));
  for (const auto& n : nodes) {
    if (n.node_id == st.deps.node_id || !n.live || n.status == "left"
        || n.cluster_address.empty())
      continue;
    present.insert(n.node_id);
    auto& p = st.peers[n.node_id];
    if (p.generation == n.generation && p.address == n.cluster_address
        && (p.gateway || p.dialing)) {
      // Said again at every refresh: a peer that lost this node's route
      // (this node rejoined under a new generation, or the hello was
      // lost) gets it back without a new connection.
      if (p.gateway && dials(st, n.node_id))
        say_hello(self, p.gateway);
      continue;
    }
    disconnect(st, p);
    p.generation = n.generation;
    p.earlier = n.earlier_generations;
    p.address = n.cluster_address;
    if (dials(st, n.node_id)) {
      p.dialing = true;
      self->send(st.dialer, dial_atom::value, n.node_id, n.generation,
                 n.cluster_address);
    } else if (auto h = st.hellos.find(n.node_id);
               h != st.hellos.end() && h->second.generation == n.generation) {
      connected(self, n.node_id, p, std::move(h->second.gateway));
      st.hellos.erase(h);
    }
  }
  for (auto i = st.peers.begin(); i != st.peers.end();) {
    if (present.count(i->first) == 0) {
      disconnect(st, i->second);
      i = st.peers.erase(i);
    } else {
      ++i;
    }
  }
  count_peers(st);
}

std::string members_json(const std::vector<node_row>& nodes,
                         const std::vector<lease_row>& leases) {
  std::map<std::string, size_t> owned;
  for (const auto& l : leases)
    if (l.live)
      ++owned[l.owner];
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartArray();
  for (const auto& n : nodes) {
    w.StartObject();
    w.Key("node_id");
    w.String(n.node_id.c_str());
    w.Key("generation");
    w.Uint64(n.generation);
    w.Key("cluster_address");
    w.String(n.cluster_address.c_str());
    w.Key("http_address");
    w.String(n.http_address.c_str());
    w.Key("status");
    w.String(n.status.c_str());
    w.Key("live");
    w.Bool(n.live);
    w.Key("shards");
    w.Uint64(owned[n.node_id]);
    w.EndObject();
  }
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

/// Loads every product's document into this node's catalog.
void load_catalog(coordinator_state& st) {
  if (!st.catalog_store)
    st.catalog_store = std::make_unique<persistence::pg_store>(st.deps.pg_uri,
                                                        st.deps.node_id);
  auto products = st.catalog_store->load_catalog();
  std::vector<domain::product_doc_ptr> docs;
  docs.reserve(products.size());
  for (const auto& p : products)
    docs.push_back(actors::render_product_doc(p));
  caf::anon_send((*st.inv)->catalog_updates(), actors::update_atom::value,
                 std::move(docs));
  spdlog::info("cluster: catalog loaded from PostgreSQL ({} products)",
               products.size());
}

void refresh(self_ptr self) {
  auto& st = self->state;
  auto& cs = *st.deps.state;
  st.refresh_wanted = false;
  st.refreshed_at = steady_clock::now();
  // Set again below once the leases are read. Left in the past by a
  // refresh that failed, it would make every tick (10 ms) refresh and
  // reconnect to PostgreSQL: a storm that starves the other nodes' lease
  // renewals (bench/chaos saw shards flap for a minute).
  st.expiry_check = steady_clock::time_point::max();
  auto& m = *st.deps.members;
  try {
    bool replaced = false;
    auto held = m.renew(replaced);
    auto away = steady_clock::now() - st.renewed_at;
    st.renewed_at = steady_clock::now();
    if (!cs.postgres_up.exchange(true))
      spdlog::info("cluster: PostgreSQL reachable again");
    if (!replaced && st.renewed_once
        && away > std::chrono::milliseconds{st.deps.lease_ttl_ms}) {
      // Peers counted this node gone and may own its shards: whatever it
      // served is dropped, and it comes back as a new member.
      lose_all(self);
      auto generation = m.rejoin(st.draining ? "draining" : "up");
      replaced = generation == 0;
      if (!replaced) {
        held.clear(); // the old generation's: never renewed again
        cs.rejoins += 1;
        if (st.deps.rejoined)
          st.deps.rejoined(generation);
        spdlog::warn("cluster: cut off for {} ms, longer than the lease: "
                     "rejoined as generation {}",
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                       away)
                       .count(),
                     generation);
      }
    }
    st.renewed_once = true;
    if (replaced) {
      spdlog::critical("cluster: another process registered as {}; this "
                       "one serves nothing any more",
                       st.deps.node_id);
      lose_all(self);
      return;
    }
    std::set<std::pair<uint32_t, uint64_t>> renewed;
    for (const auto& h : held)
      renewed.emplace(h.shard, h.epoch);
    for (auto [shard, epoch] : std::map<uint32_t, uint64_t>{st.serving})
      if (renewed.count({shard, epoch}) == 0)
        lose(self, shard);
    for (auto [shard, take] : std::map<uint32_t, pending_take>{st.loading})
      if (renewed.count({shard, take.epoch}) == 0)
        lose(self, shard);
    auto nodes = m.nodes();
    auto leases = m.leases();
    update_peers(self, nodes);
    // Who should own what: the live nodes that are up (this one unless it
    // drains: it renewed just now).
    std::vector<std::string> up;
    for (const auto& n : nodes)
      if (n.status == "up"
          && (n.live || n.node_id == st.deps.node_id)
          && !(n.node_id == st.deps.node_id && st.draining))
        up.push_back(n.node_id);
    cs.nodes_live = up.size() + (st.draining ? 1 : 0);
    cs.set_members_json(members_json(nodes, leases));
    std::vector<uint32_t> give, take;
    std::vector<held_lease> idle; // held here, not served, not wanted
    for (const auto& l : leases) {
      auto mine = !up.empty()
                  && up[preferred_owner(up, l.shard)] == st.deps.node_id;
      auto served = st.serving.count(l.shard) > 0;
      // A lease this node holds but does not serve: it stopped serving
      // while PostgreSQL was away, or an earlier process of this node id
      // held it. Taken again (a new epoch) or let go.
      auto held_here = l.live && l.owner == st.deps.node_id && !served
                       && st.releasing.count(l.shard) == 0
                       && st.loading.count(l.shard) == 0;
      if (served && (st.draining || (!mine && !up.empty()))
          && st.releasing.count(l.shard) == 0)
        give.push_back(l.shard);
      if (!served && mine && !st.draining && (!l.live || held_here)
          && st.loading.count(l.shard) == 0)
        take.push_back(l.shard);
      else if (held_here)
        for (const auto& h : held)
          if (h.shard == l.shard)
            idle.push_back(h);
    }
    take_shards(self, m.acquire(take));
    m.release(idle);
    hand_over(self, give);
    for (const auto& l : leases) {
      if (!l.live || l.owner == st.deps.node_id)
        continue;
      auto p = st.peers.find(l.owner);
      if (p != st.peers.end() && p->second.gateway)
        continue; // connected: it renews
      // 50 ms after the expiry: the owner's heartbeat (renewed with its
      // leases) has lapsed too, so placement no longer counts it.
      st.expiry_check = std::min(st.expiry_check,
                                 steady_clock::now()
                                   + std::chrono::milliseconds{
                                     l.expires_in_ms + 50});
    }
    // Every other shard: to its owner's gateway, or waiting.
    for (const auto& l : leases) {
      if (st.serving.count(l.shard) > 0 || st.loading.count(l.shard) > 0)
        continue;
      auto owner = l.live ? l.owner : std::string{};
      caf::actor gateway;
      if (!owner.empty())
        if (auto p = st.peers.find(owner); p != st.peers.end())
          gateway = p->second.gateway;
      auto target = gateway ? owner : std::string{};
      if (st.routed[l.shard] == target)
        continue;
      st.routed[l.shard] = target;
      caf::anon_send(controls(st)[l.shard], actors::route_atom::value,
                     gateway);
    }
    if (!st.catalog_reloaded && cs.peers_connected + 1 >= cs.nodes_live) {
      // Every peer pushes here now: what changed before is in PostgreSQL.
      st.catalog_reloaded = true;
      load_catalog(st);
    }
  } catch (const std::exception& ex) {
    cs.renew_failures += 1;
    st.catalog_store.reset();
    m.disconnect(); // the next refresh reconnects
    if (cs.postgres_up.exchange(false))
      spdlog::error("cluster: PostgreSQL: {} (shards stop taking writes "
                    "at their lease deadline)",
                    ex.what());
    // Past the lease deadline (TTL minus a margin for clock drift) another
    // node may own these shards: stop serving them.
    auto deadline = st.renewed_at
                    + std::chrono::milliseconds{st.deps.lease_ttl_ms * 3 / 4};
    if (steady_clock::now() > deadline)
      lose_all(self);
  }
  answer_drained(st);
}

caf::behavior coordinator_behavior(self_ptr self, coordinator_deps deps,
                                   actors::inventory** inv) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.inv = inv;
  st.routed.assign(st.deps.state->shards, "?");
  st.dialer = spawn_dialer(self->home_system());
  self->link_to(st.dialer);
  st.shard_loader = spawn_shard_loader(
    self->home_system(), st.deps.pg_uri, st.deps.node_id,
    st.deps.state->shards, st.deps.keys_per_product);
  self->link_to(st.shard_loader);
  self->set_down_handler([self](caf::down_msg& down) {
    auto& st = self->state;
    for (auto& [id, p] : st.peers)
      if (p.gateway && p.gateway.address() == down.source) {
        spdlog::warn("cluster: lost the connection to {}", id);
        disconnect(st, p);
      }
    count_peers(st);
    st.refresh_wanted = true;
  });
  return {
    [=](start_atom, caf::actor& own_gateway) {
      auto& st = self->state;
      st.own_gateway = std::move(own_gateway);
      st.started = true;
      load_catalog(st);
      refresh(self);
      self->send(self, tick_atom::value);
    },
    [=](tick_atom) {
      auto& st = self->state;
      bool due = steady_clock::now() - st.refreshed_at
                   >= std::chrono::milliseconds{st.deps.lease_ttl_ms / 3}
                 || steady_clock::now() >= st.expiry_check;
      bool notified = false;
      try {
        notified = st.deps.members->notified();
      } catch (const std::exception&) {
        st.deps.members->disconnect();
        due = true; // the renewal reports it
      }
      if (due || notified || st.refresh_wanted)
        refresh(self);
      self->delayed_send(self, poll_interval, tick_atom::value);
    },
    [=](dialed_atom, const std::string& node_id, uint64_t generation,
        caf::actor& gateway) {
      auto& st = self->state;
      auto i = st.peers.find(node_id);
      if (i == st.peers.end() || i->second.generation != generation) {
        return; // it left, or restarted, meanwhile
      }
      auto& p = i->second;
      p.dialing = false;
      if (!gateway)
        return; // dialed again at the next periodic refresh
      // The peer routes to this node over the same connection.
      say_hello(self, gateway);
      connected(self, node_id, p, std::move(gateway));
    },
    [=](hello_atom, const std::string& node_id, uint64_t generation,
        caf::actor& gateway) {
      auto& st = self->state;
      auto i = st.peers.find(node_id);
      if (i != st.peers.end() && i->second.generation == generation
          && !dials(st, node_id)) {
        if (i->second.gateway != gateway) {
          disconnect(st, i->second);
          connected(self, node_id, i->second, std::move(gateway));
        }
        return;
      }
      // Not known yet (or at an older generation): the next refresh reads
      // the membership and takes it from here.
      st.hellos[node_id] = early_hello{generation, std::move(gateway)};
      st.refresh_wanted = true;
    },
    [=](loaded_atom, uint64_t ticket, bool ok,
        std::vector<domain::stored_product>& products) {
      loaded(self, ticket, ok, products);
    },
    [=](actors::moved_atom, uint64_t shard) {
      auto& st = self->state;
      st.deps.state->moved += 1;
      if (shard < st.routed.size())
        st.routed[shard] = "?";
      st.refresh_wanted = true;
    },
    [=](drain_all_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (!st.draining) {
        st.draining = true;
        st.deps.state->draining = true;
        try {
          st.deps.members->set_status("draining");
        } catch (const std::exception& ex) {
          spdlog::error("cluster: cannot mark this node draining: {}",
                        ex.what());
        }
        if (st.started)
          refresh(self);
      }
      if (st.serving.empty() && st.loading.empty())
        return true;
      st.drained.push_back(self->make_response_promise());
      return st.drained.back();
    },
    [=](undrain_atom) {
      auto& st = self->state;
      if (!st.draining)
        return;
      st.draining = false;
      st.deps.state->draining = false;
      try {
        st.deps.members->set_status("up");
      } catch (const std::exception& ex) {
        spdlog::error("cluster: cannot mark this node up: {}", ex.what());
      }
      st.refresh_wanted = true;
    },
    [=](stop_atom) {
      self->send_exit(self->state.dialer, caf::exit_reason::user_shutdown);
      self->send_exit(self->state.shard_loader,
                      caf::exit_reason::user_shutdown);
      try {
        self->state.deps.members->set_status("left");
      } catch (const std::exception&) {
      }
      self->quit();
    },
  };
}

} // namespace

caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_deps deps,
                             actors::inventory** inv) {
  return sys.spawn<caf::detached>(coordinator_behavior, std::move(deps), inv);
}

} // namespace doorbuster::cluster
