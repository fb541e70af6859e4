// A node's membership in a cluster, for main(): joins at construction
// (PostgreSQL: registration, a generation for its ids), then, once the
// inventory exists, publishes the gateway on the cluster port and starts
// the coordinator. On SIGTERM or `drain` it hands every shard over.
#pragma once

#include "config/options.hpp"
#include "persistence/pg_store.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace doorbuster::actors {
class inventory;
}

namespace doorbuster::cluster {

class node {
public:
  /// Joins; throws when PostgreSQL cannot be used or the cluster's shard
  /// count differs. `at_least`: a floor for the generation (ids already
  /// in storage).
  node(caf::actor_system& sys, const config::options& opts,
       uint64_t at_least);
  ~node();

  uint32_t generation() const;
  /// Who holds this node's leases (its committer fences by it).
  persistence::lease_holder_source holder() const;

  /// Where products push their documents for the other nodes.
  caf::actor catalog_push() const;
  /// Where shards report stale routes.
  caf::actor coordinator() const;

  /// Publishes the gateway, advertises the addresses and starts taking
  /// shards. `http_address` is where clients reach this node. Returns the
  /// cluster port.
  uint16_t start(actors::inventory& inv, const std::string& http_address);

  /// Hands every shard over and waits for it, at most `deadline`; returns
  /// whether all went. Any thread but an actor's.
  bool drain(std::chrono::milliseconds deadline);
  /// Starts a drain without waiting (for the console's `drain`), and ends
  /// it (`undrain`: the node takes shards again).
  void drain_async();
  void undrain();

  /// {"node_id":...,"generation":...,"shards_owned":...,"nodes":[...]}.
  std::string status_json() const;
  /// Prometheus text of the cluster's figures.
  std::string metrics() const;
  /// Empty while this node can take writes for its shards.
  std::string not_ready_reason() const;

  /// Marks the node as left and stops the coordinator.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::cluster
