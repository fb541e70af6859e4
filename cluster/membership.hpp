// Membership and shard leases in PostgreSQL: the only authority on who is
// in the cluster and who owns which shard. Every statement uses
// PostgreSQL's clock, never a node's. Blocking (libpqxx): used by the
// cluster coordinator's own thread and at start-up only.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace doorbuster::cluster {

struct node_row {
  std::string node_id;
  uint64_t generation = 0;
  std::string cluster_address; // host:port
  std::string http_address;
  std::string status; // joining, up, draining, left
  bool live = false;  // heartbeat within the lease TTL
  /// Generations it had before it rejoined (its reservations keep them).
  std::vector<uint64_t> earlier_generations;
};

struct lease_row {
  uint32_t shard = 0;
  std::string owner; // "" : free
  bool live = false; // held and not expired
  int64_t expires_in_ms = 0; // while live: until it expires (PostgreSQL's clock)
};

/// A lease this node holds: the shard and the epoch it was taken at.
struct held_lease {
  uint32_t shard = 0;
  uint64_t epoch = 0;
};

class membership {
public:
  /// Connects; throws when PostgreSQL cannot be used.
  membership(const std::string& uri, std::string node_id, size_t shards,
             uint64_t lease_ttl_ms);
  ~membership();

  /// Makes sure the lease rows exist for `shards` shards, and refuses
  /// (throws) when the cluster was set up with another shard count.
  void prepare();

  /// Registers this node (status joining) with a new generation, at least
  /// `at_least` and above every generation handed out before; returns it.
  /// Peers dial it once it advertises its addresses.
  uint64_t join(uint64_t at_least);

  /// Where peers reach this node (host:port of the gateway) and where
  /// clients do; from now on it is up: it takes shards. Notifies the
  /// cluster.
  void advertise(const std::string& cluster_address,
                 const std::string& http_address);

  /// Thread-safe.
  uint64_t generation() const { return generation_.load(); }

  /// After this node was cut off for longer than its lease (frozen, or away
  /// from PostgreSQL), the cluster counted it gone: it joins again under a
  /// new generation, at the addresses it advertised, with `status`. Its
  /// leases of the old generation are no longer renewed; it may take them
  /// again (new epochs). Returns the new generation, or 0 when a newer
  /// process of this node id registered meanwhile.
  uint64_t rejoin(const std::string& status);

  /// One statement: heartbeat, and renewal of every lease this node (this
  /// generation) holds; returns them. Empty with `replaced` set when this
  /// node's row belongs to a newer generation.
  std::vector<held_lease> renew(bool& replaced);

  /// Takes the shards of `wanted` that are free, expired, or held by this
  /// node id (an earlier generation, or this one not serving them); returns
  /// those taken, each at its new epoch, which fences whatever was made
  /// under the old one. Notifies the cluster.
  std::vector<held_lease> acquire(const std::vector<uint32_t>& wanted);

  /// Hands leases back (free at once for anyone); only those still held at
  /// their epoch. Notifies the cluster.
  void release(const std::vector<held_lease>& leases);

  /// Sets this node's status (up, draining, left). Notifies the cluster.
  void set_status(const std::string& status);

  std::vector<node_row> nodes();
  std::vector<lease_row> leases();

  /// Whether a notification of a change came since the last call (does not
  /// block).
  bool notified();

  /// Drops the connections (after an error); the next call reconnects.
  void disconnect();

private:
  struct connections;
  connections& db();
  /// Draws a generation of at least `at_least` and registers this node
  /// under it, joining; with `replacing` (not 0) only if the node's row
  /// still has that generation. Returns whether it did.
  bool register_generation(uint64_t at_least, uint64_t replacing);

  std::string uri_;
  std::unique_ptr<connections> db_;
  std::string node_id_;
  size_t shards_;
  uint64_t ttl_ms_;
  std::atomic<uint64_t> generation_{0};
  std::string cluster_address_, http_address_; // as advertised
};

} // namespace doorbuster::cluster
