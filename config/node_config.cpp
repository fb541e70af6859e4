#include "config/node_config.hpp"

#include "config/network_list.hpp"
#include "domain/type_ids.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/settings.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <type_traits>

#include <sched.h>

namespace doorbuster::config {

namespace {

template <class T>
std::string text_of(const T& value) {
  if constexpr (std::is_same_v<T, std::string>)
    return value.empty() ? "none" : "\"" + value + "\"";
  else if constexpr (std::is_same_v<T, bool>)
    return value ? "true" : "false";
  else {
    std::ostringstream out;
    out << value;
    return out.str();
  }
}

/// One group of options: each declared with its name and help beside the
/// field it fills, optionally with bounds. The help text shows the default
/// (the field's value before parsing) and the bounds.
class group {
public:
  group(caf::config_option_set& set, const char* name,
        std::vector<std::function<std::string()>>& bounds)
    : adder_(set, name), name_(name), bounds_(bounds) {}

  template <class T>
  group& add(T& field, const char* name, const std::string& help) {
    adder_.add(field, name, help + " (default " + text_of(field) + ")");
    return *this;
  }

  /// Bounded, inclusive; a `max` of the type's maximum is no upper bound.
  template <class T>
  group& add(T& field, const char* name, const std::string& help, T min,
             T max) {
    auto range = max == std::numeric_limits<T>::max()
                   ? "at least " + text_of(min)
                   : text_of(min) + " to " + text_of(max);
    adder_.add(field, name, help + " (default " + text_of(field) + "; " + range
                              + ")");
    bounds_.push_back([&field, min, max, range, full = name_ + "." + name] {
      if (field >= min && field <= max)
        return std::string{};
      return full + " must be " + (max == std::numeric_limits<T>::max()
                                     ? range
                                     : "from " + range);
    });
    return *this;
  }

private:
  caf::config_option_adder adder_;
  std::string name_;
  std::vector<std::function<std::string()>>& bounds_;
};

constexpr size_t unbounded = std::numeric_limits<size_t>::max();

/// The cores this process may run on (its CPU affinity, as taskset or a
/// cpuset gives it), at least 1.
size_t usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

node_config::node_config() {
  add_message_types<caf::id_block::doorbuster>();
  auto& o = opts;
  auto& b = bounds_;
  group{custom_options_, "http", b}
    .add(o.http.address, "address", "address to listen on for the JSON API")
    .add(o.http.port, "port", "port for the JSON API (0: any free port)")
    .add(o.http.port_file, "port-file",
         "write the bound port to this file once listening")
    .add(o.http.threads, "threads", "HTTP io threads (0: one per core)",
         size_t{0}, size_t{256})
    .add(o.http.max_connections, "max-connections",
         "open connections; at the limit the one waiting longest for a "
         "request head is closed for a new one, else 503", size_t{1},
         unbounded)
    .add(o.http.max_connections_per_address, "max-connections-per-address",
         "open connections from one client address (503 above)", size_t{1},
         unbounded)
    .add(o.http.max_header_bytes, "max-header-bytes",
         "largest accepted request head (431 above)")
    .add(o.http.max_body_bytes, "max-body-bytes",
         "largest accepted request body (413 above)")
    .add(o.http.max_bulk_body_bytes, "max-bulk-body-bytes",
         "largest accepted body of POST /v1/admin/products:bulk")
    .add(o.http.idle_timeout_ms, "idle-timeout-ms",
         "close a connection that starts no request for this long")
    .add(o.http.header_timeout_ms, "header-timeout-ms",
         "close a connection whose request head is not complete this long "
         "after its first byte", size_t{1}, unbounded)
    .add(o.http.request_timeout_ms, "request-timeout-ms",
         "answer 504 to a request not answered in this time", size_t{1},
         unbounded)
    .add(o.http.cache_max_age_s, "cache-max-age-s",
         "Cache-Control max-age of catalog reads")
    .add(o.http.cors_origins, "cors-origins",
         "origins browsers may call the public API from, comma-separated, "
         "or * (empty: none)")
    .add(o.http.trusted_proxies, "trusted-proxies",
         "addresses and networks (CIDR) of proxies believed about who their "
         "client is, comma-separated (empty: none)")
    .add(o.http.real_ip_header, "real-ip-header",
         "header where trusted proxies list client addresses, as "
         "X-Forwarded-For (empty: none)")
    .add(o.http.identity_header, "identity-header",
         "header where a trusted proxy names the authenticated customer "
         "(empty: none)");
  group{custom_options_, "limits", b}
    .add(o.limits.write_rate_per_min, "write-rate-per-min",
         "purchases per minute per client (its identity or address; 0: no limit)")
    .add(o.limits.write_burst, "write-burst",
         "purchases a client may make at once")
    .add(o.limits.read_rate_per_s, "read-rate-per-s",
         "catalog reads per second per client (0: no limit)")
    .add(o.limits.read_burst, "read-burst",
         "catalog reads a client may make at once")
    .add(o.limits.search_rate_per_s, "search-rate-per-s",
         "searches (GET /v1/products?q=) per second per client, on top of "
         "read-rate-per-s (0: no limit)")
    .add(o.limits.search_burst, "search-burst",
         "searches a client may make at once")
    .add(o.limits.max_clients, "max-clients",
         "clients whose budgets are remembered");
  group{custom_options_, "products", b}
    .add(o.products.shards, "shards", "number of virtual shards", size_t{1},
         size_t{65536})
    .add(o.products.max_quantity, "max-quantity",
         "largest quantity one purchase may ask for", int64_t{1},
         domain::max_amount)
    .add(o.products.idempotency_keys, "idempotency-keys",
         "idempotency keys remembered per product (oldest forgotten first)")
    .add(o.products.max_mailbox, "max-mailbox",
         "purchases queued for one product before new ones get 503",
         size_t{1}, unbounded)
    .add(o.products.passivate_after_ms, "passivate-after-ms",
         "idle this long, a product's actor ends and its state rests in its "
         "shard until the next request (0: never)",
         int64_t{0}, int64_t{24} * 3600 * 1000);
  group{custom_options_, "checkout", b}
    .add(o.checkout.coordinators, "coordinators",
         "checkout coordinators (reservations and multi-item orders)",
         size_t{1}, size_t{1024})
    .add(o.checkout.max_items, "max-items",
         "most lines in one reservation or order", size_t{1}, unbounded)
    .add(o.checkout.default_ttl_s, "default-ttl-s",
         "reservation TTL when the request gives none (at most max-ttl-s)",
         int64_t{1}, int64_t{365} * 24 * 3600)
    .add(o.checkout.max_ttl_s, "max-ttl-s",
         "longest a reservation may live, extensions included", int64_t{1},
         int64_t{365} * 24 * 3600)
    .add(o.checkout.order_hold_s, "order-hold-s",
         "after a crash, how long an unfinished order's holds may stay",
         int64_t{1}, int64_t{24} * 3600)
    .add(o.checkout.max_holds_per_client, "max-holds-per-client",
         "live reservations one client may hold of one product (0: no cap)");
  group{custom_options_, "catalog", b}
    .add(o.catalog.workers, "workers",
         "catalog actors serving reads; with 2 or more, the first serves "
         "searches (q) alone",
         size_t{1}, size_t{256});
  group{custom_options_, "admin", b}
    .add(o.admin.token_file, "token-file",
         "file holding the admin token (DOORBUSTER_ADMIN_TOKEN wins)")
    .add(o.admin.address, "address",
         "address of the admin actor's port for doorbuster-console "
         "(loopback unless you mean it)")
    .add(o.admin.port, "port", "the admin actor's port (0: any free port)")
    .add(o.admin.port_file, "port-file",
         "write the admin actor's bound port to this file");
  group{custom_options_, "demo", b}
    .add(o.demo.products, "products",
         "size of the generated demo catalog (0: none)")
    .add(o.demo.categories, "categories",
         "categories of the demo catalog (at least 1 if products > 0)")
    .add(o.demo.seed, "seed", "seed of the demo catalog");
  group{custom_options_, "persistence", b}
    .add(o.persistence.data_dir, "data-dir",
         "directory for the journal, snapshots and node state")
    .add(o.persistence.pg_uri, "pg-uri",
         "PostgreSQL connection URI (DOORBUSTER_PG_URI wins; empty: "
         "journal-only mode with snapshots)")
    .add(o.persistence.node_id, "node-id",
         "this node's name in PostgreSQL's flush_watermark table")
    .add(o.persistence.fsync, "fsync",
         "fdatasync every group commit before acknowledging (see README)")
    .add(o.persistence.segment_bytes, "segment-bytes",
         "journal segment size before rolling to a new file")
    .add(o.persistence.group_commit_records, "group-commit-records",
         "most records in one group commit", size_t{1}, unbounded)
    .add(o.persistence.group_commit_delay_us, "group-commit-delay-us",
         "wait this long to gather a group commit (0: commit when the "
         "journal's mailbox is drained)")
    .add(o.persistence.flush_interval_ms, "flush-interval-ms",
         "write-behind period", size_t{1}, unbounded)
    .add(o.persistence.flush_batch_records, "flush-batch-records",
         "most records in one PostgreSQL transaction", size_t{1}, unbounded)
    .add(o.persistence.max_backoff_ms, "max-backoff-ms",
         "longest wait between write-behind retries")
    .add(o.persistence.snapshot_interval_ms, "snapshot-interval-ms",
         "journal-only mode: period of compacted snapshots")
    .add(o.persistence.max_ready_lag_s, "max-ready-lag-s",
         "/readyz fails while write-behind is further behind than this")
    .add(o.persistence.shutdown_flush_ms, "shutdown-flush-ms",
         "on SIGTERM, time allowed to write the backlog behind");
  group{custom_options_, "global", b}.add(
    o.persistence.repair, "repair",
    "accept a damaged or shortened journal instead of refusing to start: "
    "keeps every intact record, logs exactly which records are lost");
  group{custom_options_, "cluster", b}
    .add(o.cluster.enabled, "enabled",
         "join a cluster: shards leased in PostgreSQL (needs pg-uri), "
         "requests forwarded to their owner")
    .add(o.cluster.node_id, "node-id",
         "this node's unique name in the cluster (empty: the advertised "
         "address)")
    .add(o.cluster.address, "address",
         "address of the cluster port (mutual TLS: see tls.dir); bind it "
         "to a private network")
    .add(o.cluster.port, "port", "the cluster port (0: any free port)")
    .add(o.cluster.port_file, "port-file",
         "write the bound cluster port to this file")
    .add(o.cluster.advertise, "advertise",
         "host:port other nodes dial (empty: address:port)")
    .add(o.cluster.lease_ttl_ms, "lease-ttl-ms",
         "shard lease TTL; renewed every third of it", size_t{300},
         size_t{600000})
    .add(o.cluster.heartbeat_ms, "heartbeat-ms",
         "heartbeat between nodes; a peer silent for 8 of them is dropped",
         size_t{10}, size_t{60000});
  group{custom_options_, "tls", b}.add(
    o.tls.dir, "dir",
    "the TLS identity of the admin and cluster ports: node.pem, node.key "
    "and optionally ca.pem (empty: <data-dir>/tls, made at a lone node's "
    "first start; cluster nodes share one made by --generate-tls)");
  group{custom_options_, "global", b}.add(
    generate_tls, "generate-tls",
    "write a new TLS identity (node.pem, node.key) to this directory and "
    "exit");
  group{custom_options_, "log", b}
    .add(o.log.level, "level", "trace, debug, info, warn, error, critical or off")
    .add(o.log.access, "access",
         "log every request (also switchable at run time)");
}

std::string node_config::finish() {
  if (const char* env = std::getenv("DOORBUSTER_PG_URI"); env && *env)
    opts.persistence.pg_uri = env;
  if (const char* env = std::getenv("DOORBUSTER_ADMIN_TOKEN"); env && *env) {
    opts.admin.token = env;
  } else if (!opts.admin.token_file.empty()) {
    std::ifstream in{opts.admin.token_file};
    if (!std::getline(in, opts.admin.token) || opts.admin.token.empty())
      return "cannot read an admin token from " + opts.admin.token_file;
  }
  for (const auto& check : bounds_)
    if (auto problem = check(); !problem.empty())
      return problem;
  if (opts.checkout.default_ttl_s > opts.checkout.max_ttl_s)
    return "checkout.default-ttl-s must not exceed checkout.max-ttl-s";
  if (opts.demo.products > 0 && opts.demo.categories == 0)
    return "demo.categories must be at least 1";
  if (std::string error;
      !network_list::parse(opts.http.trusted_proxies, error))
    return "http.trusted-proxies: " + error;
  if (!opts.http.identity_header.empty() && opts.http.trusted_proxies.empty())
    return "http.identity-header needs http.trusted-proxies: the header is "
           "believed only from the gateway that sets it";
  if (auto& c = opts.cluster; c.enabled) {
    if (opts.persistence.pg_uri.empty())
      return "cluster.enabled needs PostgreSQL (DOORBUSTER_PG_URI or "
             "persistence.pg-uri): it keeps the cluster's membership and "
             "shard leases";
    if (c.node_id.empty())
      c.node_id = !c.advertise.empty() ? c.advertise
                  : c.port != 0
                    ? c.address + ":" + std::to_string(c.port)
                    : std::string{};
    if (c.node_id.empty())
      return "cluster.port=0 needs cluster.node-id (or cluster.advertise)";
    // CAF's middleman detects a silent peer only with heartbeats, which it
    // leaves off by default.
    set("middleman.heartbeat-interval",
        caf::timespan{std::chrono::milliseconds{c.heartbeat_ms}});
    set("middleman.connection-timeout",
        caf::timespan{std::chrono::milliseconds{c.heartbeat_ms * 8}});
  }
  // Threads that fit the machine unless set (bench/RESULTS.md, "Thread
  // defaults"): an io thread per core parses and writes HTTP, where most
  // of a request's CPU goes; one CAF worker per two cores runs the actors,
  // whose work per message is short (CAF's own default, at least 4
  // workers, puts idle workers between the io threads and the cores).
  auto cores = usable_cores();
  if (opts.http.threads == 0)
    opts.http.threads = cores;
  if (caf::get_if(&content, "scheduler.max-threads") == nullptr)
    set("scheduler.max-threads", std::max<size_t>(1, cores / 2));
  if (opts.tls.dir.empty())
    opts.tls.dir
      = (std::filesystem::path{opts.persistence.data_dir} / "tls").string();
  return {};
}

} // namespace doorbuster::config
