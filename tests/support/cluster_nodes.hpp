// A cluster of real doorbuster processes for tests: every node on its own
// free ports, all on one PostgreSQL database, each with a node id of its
// own. Nodes can be added, stopped (SIGTERM: they hand their shards over),
// restarted, killed, frozen (SIGSTOP) and thawed.
#pragma once

#include "support/http_client.hpp"
#include "support/node_process.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace doorbuster::testing {

class cluster_nodes {
public:
  /// Starts `n` nodes on the database at `pg_uri` with `shards` shards;
  /// `extra` goes to every node. With `own_uids` (tests as root), node i
  /// runs as user id uid(i), so packet filters can tell its packets.
  cluster_nodes(std::string pg_uri, size_t n, size_t shards = 32,
                std::vector<std::string> extra = {}, bool own_uids = false);
  ~cluster_nodes();

  /// Starts one more node (with `failpoint` armed: cluster/failpoint.hpp);
  /// returns its index.
  size_t add(const std::string& failpoint = "");

  node_process& node(size_t i) { return *nodes_[i]; }
  /// Node i's node id (kept across restarts).
  std::string node_id(size_t i) const { return "n" + std::to_string(ids_[i]); }
  /// The user id node i runs as (with own_uids).
  unsigned uid(size_t i) const;
  /// The port node i's gateway listens on (peers dial it).
  uint16_t cluster_port(size_t i) const;
  size_t size() const { return nodes_.size(); }
  /// The nodes still running.
  std::vector<size_t> running() const;

  /// True once the running nodes own every shard between them, each is
  /// connected to every other, and all agree on the owners (within
  /// `timeout`).
  bool wait_settled(std::chrono::seconds timeout = std::chrono::seconds{30});

  /// Shards each running node owns (its /readyz), by index; 0 for stopped.
  std::vector<size_t> shards_owned();

  void stop(size_t i) { nodes_[i]->stop(); }

  /// Stops node i (SIGTERM) and starts it again with the same node id and
  /// HTTP port.
  void restart(size_t i);

  /// Starts node i again (after it was killed or stopped) with the same
  /// node id and HTTP port.
  void revive(size_t i);

  /// The lease TTL every node runs with.
  static constexpr std::chrono::milliseconds lease_ttl{2000};

private:
  std::string pg_uri_;
  size_t shards_;
  std::vector<std::string> extra_;
  bool own_uids_;
  std::string dir_; // the nodes' cluster port files
  std::unique_ptr<node_process> start(size_t id, uint16_t http_port,
                                      const std::string& failpoint = "");

  std::vector<std::unique_ptr<node_process>> nodes_;
  std::vector<size_t> ids_; // per index: its node id's number
};

} // namespace doorbuster::testing
