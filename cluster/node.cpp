#include "cluster/node.hpp"

#include "actors/inventory.hpp"
#include "cluster/coordinator.hpp"
#include "cluster/gateway.hpp"
#include "telemetry/prometheus_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace doorbuster::cluster {

struct node::impl {
  impl(caf::actor_system& sys, const config::options& opts)
    : sys(sys), opts(opts), state(opts.products.shards) {}

  caf::actor_system& sys;
  config::options opts;
  std::string node_id;
  cluster_state state;
  peer_directory peers;
  std::shared_ptr<membership> members;
  catalog_push_actor push;
  caf::actor coordinator;
  gateway_actor gateway;
  actors::inventory* inv = nullptr;
  uint16_t port = 0;
};

node::node(caf::actor_system& sys, const config::options& opts,
           uint64_t at_least)
  : impl_(std::make_unique<impl>(sys, opts)) {
  auto& d = *impl_;
  const auto& c = opts.cluster;
  d.node_id = c.node_id;
  d.members = std::make_shared<membership>(opts.persistence.pg_uri, d.node_id,
                                           opts.products.shards,
                                           c.lease_ttl_ms);
  d.members->prepare();
  auto generation = d.members->join(at_least);
  if (generation >= (uint64_t{1} << 21))
    throw std::runtime_error("node generation " + std::to_string(generation)
                             + " is too large for ids below 2^53");
  d.push = spawn_catalog_push(sys);
  d.coordinator = spawn_coordinator(
    sys,
    {d.members, opts.persistence.pg_uri, d.node_id, c.lease_ttl_ms,
     opts.products.idempotency_keys, &d.state, &d.peers, d.push,
     [&d](uint64_t generation) {
       if (generation >= (uint64_t{1} << 21))
         spdlog::critical("cluster: generation {} is too large for ids "
                          "below 2^53",
                          generation);
       if (d.inv)
         d.inv->rejoined(static_cast<uint32_t>(generation));
     }},
    &d.inv);
  spdlog::info("cluster: joined as {} (generation {})", d.node_id,
               generation);
}

node::~node() = default;

uint32_t node::generation() const {
  return static_cast<uint32_t>(impl_->members->generation());
}

persistence::lease_holder_source node::holder() const {
  return [d = impl_.get()] {
    return persistence::lease_holder{d->node_id, d->members->generation()};
  };
}

caf::actor node::catalog_push() const {
  return caf::actor_cast<caf::actor>(impl_->push);
}

caf::actor node::coordinator() const {
  return impl_->coordinator;
}

uint16_t node::start(actors::inventory& inv, const std::string& http_address) {
  auto& d = *impl_;
  const auto& c = d.opts.cluster;
  d.inv = &inv;
  inv.set_remote_checkouts([peers = &d.peers](uint32_t generation,
                                              bool& unreachable) {
    auto gateway = peers->find(generation);
    unreachable = !gateway && peers->member(generation);
    return caf::actor_cast<actors::checkout_actor>(gateway);
  });
  d.gateway = spawn_gateway(d.sys, inv, d.state.owned.get(), d.state.shards,
                            d.coordinator);
  // Mutual TLS: only nodes holding the cluster's identity reach CAF.
  auto port = caf::openssl::publish(d.gateway, c.port, c.address.c_str(),
                                    true);
  if (!port)
    throw std::runtime_error("cannot publish the cluster gateway on "
                             + c.address + ":" + std::to_string(c.port) + ": "
                             + d.sys.render(port.error()));
  d.port = *port;
  if (!c.port_file.empty())
    std::ofstream{c.port_file} << d.port << '\n';
  auto advertised = c.advertise.empty()
                      ? c.address + ":" + std::to_string(d.port)
                      : c.advertise;
  d.members->advertise(advertised, http_address);
  caf::anon_send(d.coordinator, start_atom::value,
                 caf::actor_cast<caf::actor>(d.gateway));
  spdlog::info("cluster: gateway on {}:{}, advertised as {}", c.address,
               d.port, advertised);
  return d.port;
}

bool node::drain(std::chrono::milliseconds deadline) {
  auto& d = *impl_;
  caf::scoped_actor self{d.sys};
  bool done = false;
  self->request(d.coordinator, deadline, drain_all_atom::value)
    .receive([&](bool ok) { done = ok; },
             [&](caf::error& err) {
               spdlog::warn("cluster: drain did not finish: {}",
                            d.sys.render(err));
             });
  // Peers re-route on the release's notification (they look every 10 ms);
  // until then this node's gateway answers "moved" to what they still
  // forward here, which they re-send to the new owners. Leaving earlier
  // would strand those requests (outcome unknown).
  if (done)
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
  return done;
}

void node::drain_async() {
  caf::anon_send(impl_->coordinator, drain_all_atom::value);
}

void node::undrain() {
  caf::anon_send(impl_->coordinator, undrain_atom::value);
}

std::string node::status_json() const {
  const auto& d = *impl_;
  const auto& s = d.state;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("node_id");
  w.String(d.node_id.c_str());
  w.Key("generation");
  w.Uint64(d.members->generation());
  w.Key("shards");
  w.Uint64(s.shards);
  w.Key("shards_owned");
  w.Uint64(s.shards_owned);
  w.Key("peers_connected");
  w.Uint64(s.peers_connected);
  w.Key("postgres_up");
  w.Bool(s.postgres_up);
  w.Key("draining");
  w.Bool(s.draining);
  w.Key("nodes");
  auto nodes = s.members_json();
  w.RawValue(nodes.c_str(), nodes.size(), rapidjson::kArrayType);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string node::metrics() const {
  const auto& s = impl_->state;
  telemetry::prometheus_text out;
  out.single("doorbuster_cluster_shards", "gauge",
             "Shards in the cluster (each should have one owner).", s.shards);
  out.single("doorbuster_cluster_shards_owned", "gauge",
             "Shards this node serves.", s.shards_owned.load());
  out.single("doorbuster_cluster_peers_connected", "gauge",
             "Other nodes whose gateway this node is connected to.",
             s.peers_connected.load());
  out.single("doorbuster_cluster_nodes_live", "gauge",
             "Nodes with a recent heartbeat in PostgreSQL.",
             s.nodes_live.load());
  out.single("doorbuster_cluster_postgres_up", "gauge",
             "1 while lease renewals succeed.",
             s.postgres_up.load() ? 1 : 0);
  const char* leases = "doorbuster_cluster_leases_total";
  out.family(leases, "counter", "Shard leases taken, handed over and lost.")
    .sample(leases, R"(event="acquired")", s.acquired.load())
    .sample(leases, R"(event="released")", s.released.load())
    .sample(leases, R"(event="lost")", s.lost.load());
  out.single("doorbuster_cluster_moved_total", "counter",
             "Requests a former owner answered \"moved\" (re-routed).",
             s.moved.load());
  out.single("doorbuster_cluster_renew_failures_total", "counter",
             "Lease renewals that failed.", s.renew_failures.load());
  out.single("doorbuster_cluster_rejoins_total", "counter",
             "Times this node rejoined under a new generation after being "
             "cut off longer than its lease.",
             s.rejoins.load());
  return out.str();
}

std::string node::not_ready_reason() const {
  const auto& s = impl_->state;
  if (!s.postgres_up)
    return "PostgreSQL is unreachable: writes are refused";
  if (s.draining)
    return "the node is draining";
  return {};
}

void node::stop() {
  auto& d = *impl_;
  if (!d.coordinator)
    return;
  caf::scoped_actor self{d.sys};
  self->monitor(d.coordinator);
  self->send(d.coordinator, stop_atom::value);
  self->receive([](const caf::down_msg&) {});
  d.coordinator = nullptr;
  caf::anon_send_exit(d.push, caf::exit_reason::user_shutdown);
  if (d.gateway) {
    d.sys.middleman().unpublish(d.gateway, d.port);
    caf::anon_send_exit(d.gateway, caf::exit_reason::user_shutdown);
  }
}

} // namespace doorbuster::cluster
