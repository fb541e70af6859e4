#include "cluster/membership.hpp"

#include <pqxx/pqxx>

#include <sstream>
#include <stdexcept>

namespace doorbuster::cluster {

namespace {

constexpr const char* changes_channel = "doorbuster_cluster";

/// Counts notifications on its connection.
class change_listener : public pqxx::notification_receiver {
public:
  explicit change_listener(pqxx::connection_base& c)
    : pqxx::notification_receiver(c, changes_channel) {}
  void operator()(const std::string&, int) override { ++count; }
  size_t count = 0;
};

std::string ttl_interval(uint64_t ms) {
  return "(" + std::to_string(ms) + " * interval '1 millisecond')";
}

} // namespace

struct membership::connections {
  explicit connections(const std::string& uri) : work(uri), listen(uri) {}
  pqxx::connection work;
  pqxx::connection listen;
  std::unique_ptr<change_listener> listener;
  size_t seen = 0;
};

membership::membership(const std::string& uri, std::string node_id,
                       size_t shards, uint64_t lease_ttl_ms)
  : uri_(uri),
    node_id_(std::move(node_id)),
    shards_(shards),
    ttl_ms_(lease_ttl_ms) {
  db();
}

membership::connections& membership::db() {
  if (!db_) {
    db_ = std::make_unique<connections>(uri_);
    db_->listener = std::make_unique<change_listener>(db_->listen);
  }
  return *db_;
}

void membership::disconnect() {
  db_.reset();
}

membership::~membership() = default;

void membership::prepare() {
  pqxx::work tx{db().work};
  tx.exec("LOCK TABLE cluster_settings IN EXCLUSIVE MODE");
  auto row = tx.exec("SELECT shards FROM cluster_settings WHERE id = 1");
  if (row.empty()) {
    tx.exec("INSERT INTO cluster_settings (id, shards) VALUES (1, "
            + std::to_string(shards_) + ")");
    tx.exec("INSERT INTO shard_lease (shard) SELECT generate_series(0, "
            + std::to_string(shards_ - 1) + ") ON CONFLICT DO NOTHING");
  } else if (row[0][0].as<size_t>() != shards_) {
    throw std::runtime_error(
      "this cluster has " + row[0][0].as<std::string>()
      + " shards in PostgreSQL, but this node was started with "
        "--products.shards="
      + std::to_string(shards_) + "; every node must use the same count");
  }
  tx.commit();
}

uint64_t membership::join(uint64_t at_least) {
  register_generation(at_least, 0);
  return generation();
}

bool membership::register_generation(uint64_t at_least, uint64_t replacing) {
  pqxx::work tx{db().work};
  // One joining node at a time: the sequence is raised and drawn safely.
  tx.exec("LOCK TABLE cluster_nodes IN EXCLUSIVE MODE");
  auto floor = std::to_string(at_least);
  tx.exec("SELECT setval('node_generation', " + floor
          + ", false) WHERE (SELECT last_value + is_called::int FROM "
            "node_generation) < "
          + floor);
  auto generation = tx.exec1("SELECT nextval('node_generation')")[0].as<uint64_t>();
  auto registered = tx.exec_params(
    "INSERT INTO cluster_nodes (node_id, generation, cluster_address, "
    "http_address, status) VALUES ($1, $2, '', '', 'joining') ON CONFLICT "
    "(node_id) DO UPDATE SET generation = EXCLUDED.generation, "
    "earlier_generations = CASE WHEN $3 = 0 THEN '{}' ELSE "
    "cluster_nodes.earlier_generations || cluster_nodes.generation END, "
    "cluster_address = '', http_address = '', status = 'joining', "
    "started_at = clock_timestamp(), heartbeat_at = clock_timestamp() "
    "WHERE $3 = 0 OR cluster_nodes.generation = $3",
    node_id_, generation, replacing);
  if (registered.affected_rows() == 0)
    return false; // a newer process of this node id has the row
  tx.commit();
  generation_ = generation;
  return true;
}

void membership::advertise(const std::string& cluster_address,
                           const std::string& http_address) {
  pqxx::work tx{db().work};
  tx.exec_params("UPDATE cluster_nodes SET cluster_address = $3, "
                 "http_address = $4, status = 'up' WHERE node_id = $1 AND "
                 "generation = $2",
                 node_id_, generation(), cluster_address, http_address);
  tx.exec(std::string{"NOTIFY "} + changes_channel);
  tx.commit();
  cluster_address_ = cluster_address;
  http_address_ = http_address;
}

uint64_t membership::rejoin(const std::string& status) {
  if (!register_generation(generation() + 1, generation()))
    return 0;
  advertise(cluster_address_, http_address_);
  if (status != "up")
    set_status(status);
  return generation();
}

std::vector<held_lease> membership::renew(bool& replaced) {
  pqxx::work tx{db().work};
  auto beat = tx.exec_params("UPDATE cluster_nodes SET heartbeat_at = "
                             "clock_timestamp() WHERE node_id = $1 AND "
                             "generation = $2",
                             node_id_, generation());
  replaced = beat.affected_rows() == 0;
  std::vector<held_lease> held;
  if (!replaced) {
    // Lease rows are locked in shard order by every statement that locks
    // several (here, takes, releases, fenced commits): no deadlocks.
    tx.exec_params("SELECT 1 FROM shard_lease WHERE owner = $1 AND "
                   "owner_generation = $2 ORDER BY shard FOR UPDATE",
                   node_id_, generation());
    for (const auto& row : tx.exec_params(
           "UPDATE shard_lease SET expires_at = clock_timestamp() + "
             + ttl_interval(ttl_ms_)
             + " WHERE owner = $1 AND owner_generation = $2 RETURNING shard, "
               "epoch",
           node_id_, generation()))
      held.push_back({row[0].as<uint32_t>(), row[1].as<uint64_t>()});
  }
  tx.commit();
  return held;
}

namespace {

std::string shard_list(const std::vector<uint32_t>& shards) {
  std::string list;
  for (auto s : shards)
    list += (list.empty() ? "" : ",") + std::to_string(s);
  return list;
}

std::vector<uint32_t> shards_of(const std::vector<held_lease>& leases) {
  std::vector<uint32_t> shards;
  for (const auto& l : leases)
    shards.push_back(l.shard);
  return shards;
}

} // namespace

std::vector<held_lease>
membership::acquire(const std::vector<uint32_t>& wanted) {
  std::vector<held_lease> taken;
  if (wanted.empty())
    return taken;
  pqxx::work tx{db().work};
  tx.exec("SELECT 1 FROM shard_lease WHERE shard IN (" + shard_list(wanted)
          + ") ORDER BY shard FOR UPDATE");
  for (const auto& row : tx.exec_params(
         "UPDATE shard_lease SET owner = $1, owner_generation = $2, epoch = "
         "epoch + 1, expires_at = clock_timestamp() + "
           + ttl_interval(ttl_ms_) + " WHERE shard IN ("
           + shard_list(wanted)
           + ") AND (owner IS NULL OR expires_at < clock_timestamp() OR "
             "owner = $1) RETURNING shard, epoch",
         node_id_, generation()))
    taken.push_back({row[0].as<uint32_t>(), row[1].as<uint64_t>()});
  if (!taken.empty()) {
    std::string values;
    for (const auto& t : taken)
      values += (values.empty() ? "(" : ",(") + std::to_string(t.shard) + ","
                + tx.quote(node_id_) + "," + std::to_string(t.epoch) + ","
                + std::to_string(generation()) + ",'acquired')";
    tx.exec("INSERT INTO shard_history (shard, node_id, epoch, generation, "
            "event) VALUES "
            + values);
    tx.exec(std::string{"NOTIFY "} + changes_channel);
  }
  tx.commit();
  return taken;
}

void membership::release(const std::vector<held_lease>& leases) {
  if (leases.empty())
    return;
  pqxx::work tx{db().work};
  std::string values;
  for (const auto& l : leases)
    values += (values.empty() ? "(" : ",(") + std::to_string(l.shard) + ","
              + std::to_string(l.epoch) + ")";
  tx.exec("SELECT 1 FROM shard_lease WHERE shard IN (" + shard_list(shards_of(leases))
          + ") ORDER BY shard FOR UPDATE");
  auto released = tx.exec_params(
    "UPDATE shard_lease AS l SET owner = NULL, owner_generation = NULL, "
    "expires_at = '-infinity' FROM (VALUES "
      + values
      + ") AS v (shard, epoch) WHERE l.shard = v.shard AND l.epoch = v.epoch "
        "AND l.owner = $1 AND l.owner_generation = $2 RETURNING l.shard, "
        "l.epoch",
    node_id_, generation());
  if (!released.empty()) {
    std::string history;
    for (const auto& row : released)
      history += (history.empty() ? "(" : ",(") + row[0].as<std::string>()
                 + "," + tx.quote(node_id_) + "," + row[1].as<std::string>()
                 + "," + std::to_string(generation()) + ",'released')";
    tx.exec("INSERT INTO shard_history (shard, node_id, epoch, generation, "
            "event) VALUES "
            + history);
  }
  tx.exec(std::string{"NOTIFY "} + changes_channel);
  tx.commit();
}

void membership::set_status(const std::string& status) {
  pqxx::work tx{db().work};
  tx.exec_params("UPDATE cluster_nodes SET status = $3 WHERE node_id = $1 "
                 "AND generation = $2",
                 node_id_, generation(), status);
  tx.exec(std::string{"NOTIFY "} + changes_channel);
  tx.commit();
}

std::vector<node_row> membership::nodes() {
  pqxx::read_transaction tx{db().work};
  std::vector<node_row> result;
  for (const auto& row : tx.exec(
         "SELECT node_id, generation, cluster_address, http_address, status, "
         "heartbeat_at > clock_timestamp() - "
         + ttl_interval(ttl_ms_)
         + ", array_to_string(earlier_generations, ',') FROM cluster_nodes "
           "ORDER BY node_id")) {
    node_row n{row[0].as<std::string>(), row[1].as<uint64_t>(),
               row[2].as<std::string>(), row[3].as<std::string>(),
               row[4].as<std::string>(), row[5].as<bool>(), {}};
    std::stringstream earlier{row[6].as<std::string>()};
    for (std::string g; std::getline(earlier, g, ',');)
      n.earlier_generations.push_back(std::stoull(g));
    result.push_back(std::move(n));
  }
  return result;
}

std::vector<lease_row> membership::leases() {
  pqxx::read_transaction tx{db().work};
  std::vector<lease_row> result;
  for (const auto& row :
       tx.exec("SELECT shard, coalesce(owner, ''), owner IS NOT NULL AND "
               "expires_at > clock_timestamp(), CASE WHEN owner IS NOT NULL "
               "AND expires_at > clock_timestamp() THEN (extract(epoch FROM "
               "expires_at - clock_timestamp()) * 1000)::bigint ELSE 0 END "
               "FROM shard_lease ORDER BY shard"))
    result.push_back({row[0].as<uint32_t>(), row[1].as<std::string>(),
                      row[2].as<bool>(), row[3].as<int64_t>()});
  return result;
}

bool membership::notified() {
  db().listen.get_notifs();
  auto count = db_->listener->count;
  bool changed = count != db_->seen;
  db_->seen = count;
  return changed;
}

} // namespace doorbuster::cluster
