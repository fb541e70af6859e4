#include "config/node_config.hpp"

#include <caf/config_option_adder.hpp>

namespace doorbuster::config {

node_config::node_config() {
  opt_group{custom_options_, "http"}
    .add(opts.http.address, "address", "address to listen on for the JSON API")
    .add(opts.http.port, "port", "port for the JSON API (0: any free port)")
    .add(opts.http.port_file, "port-file",
         "write the bound port to this file once listening")
    .add(opts.http.threads, "threads", "number of HTTP io threads")
    .add(opts.http.max_connections, "max-connections",
         "open connections above this are refused with 503")
    .add(opts.http.max_header_bytes, "max-header-bytes",
         "largest accepted request head (431 above)")
    .add(opts.http.max_body_bytes, "max-body-bytes",
         "largest accepted request body (413 above)")
    .add(opts.http.max_bulk_body_bytes, "max-bulk-body-bytes",
         "largest accepted body of POST /v1/admin/products:bulk")
    .add(opts.http.idle_timeout_ms, "idle-timeout-ms",
         "close a connection that sends no complete request for this long")
    .add(opts.http.request_timeout_ms, "request-timeout-ms",
         "answer 504 to a request not answered in this time")
    .add(opts.http.cache_max_age_s, "cache-max-age-s",
         "Cache-Control max-age of catalog reads");
  opt_group{custom_options_, "limits"}
    .add(opts.limits.write_rate_per_min, "write-rate-per-min",
         "purchases per minute per client (X-Api-Key or address; 0: no limit)")
    .add(opts.limits.write_burst, "write-burst",
         "purchases a client may make at once")
    .add(opts.limits.read_rate_per_s, "read-rate-per-s",
         "catalog reads per second per client (0: no limit)")
    .add(opts.limits.read_burst, "read-burst",
         "catalog reads a client may make at once")
    .add(opts.limits.max_clients, "max-clients",
         "clients whose budgets are remembered");
  opt_group{custom_options_, "products"}
    .add(opts.products.shards, "shards", "number of virtual shards")
    .add(opts.products.max_quantity, "max-quantity",
         "largest quantity one purchase may ask for")
    .add(opts.products.idempotency_keys, "idempotency-keys",
         "idempotency keys remembered per product (oldest forgotten first)")
    .add(opts.products.max_mailbox, "max-mailbox",
         "purchases queued for one product before new ones get 503");
  opt_group{custom_options_, "checkout"}
    .add(opts.checkout.coordinators, "coordinators",
         "checkout coordinators (reservations and multi-item orders)")
    .add(opts.checkout.max_items, "max-items",
         "most lines in one reservation or order")
    .add(opts.checkout.default_ttl_s, "default-ttl-s",
         "reservation TTL when the request gives none")
    .add(opts.checkout.max_ttl_s, "max-ttl-s",
         "longest a reservation may live, extensions included")
    .add(opts.checkout.order_hold_s, "order-hold-s",
         "after a crash, how long an unfinished order's holds may stay");
  opt_group{custom_options_, "catalog"}
    .add(opts.catalog.workers, "workers", "catalog actors serving reads");
  opt_group{custom_options_, "admin"}
    .add(opts.admin.token_file, "token-file",
         "file holding the admin token (DOORBUSTER_ADMIN_TOKEN wins)")
    .add(opts.admin.address, "address",
         "address of the admin actor's port for doorbuster-console "
         "(loopback unless you mean it)")
    .add(opts.admin.port, "port", "the admin actor's port (0: any free port)")
    .add(opts.admin.port_file, "port-file",
         "write the admin actor's bound port to this file");
  opt_group{custom_options_, "demo"}
    .add(opts.demo.products, "products",
         "size of the generated demo catalog (0: none)")
    .add(opts.demo.categories, "categories", "categories of the demo catalog")
    .add(opts.demo.seed, "seed", "seed of the demo catalog");
  opt_group{custom_options_, "persistence"}
    .add(opts.persistence.data_dir, "data-dir",
         "directory for the journal, snapshots and node state")
    .add(opts.persistence.pg_uri, "pg-uri",
         "PostgreSQL connection URI (DOORBUSTER_PG_URI wins; empty: "
         "journal-only mode with snapshots)")
    .add(opts.persistence.node_id, "node-id",
         "this node's name in PostgreSQL's flush_watermark table")
    .add(opts.persistence.fsync, "fsync",
         "fdatasync every group commit before acknowledging (see README)")
    .add(opts.persistence.segment_bytes, "segment-bytes",
         "journal segment size before rolling to a new file")
    .add(opts.persistence.group_commit_records, "group-commit-records",
         "most records in one group commit")
    .add(opts.persistence.group_commit_delay_us, "group-commit-delay-us",
         "wait this long to gather a group commit (0: commit when the "
         "journal's mailbox is drained)")
    .add(opts.persistence.flush_interval_ms, "flush-interval-ms",
         "write-behind period")
    .add(opts.persistence.flush_batch_records, "flush-batch-records",
         "most records in one PostgreSQL transaction")
    .add(opts.persistence.max_backoff_ms, "max-backoff-ms",
         "longest wait between write-behind retries")
    .add(opts.persistence.snapshot_interval_ms, "snapshot-interval-ms",
         "journal-only mode: period of compacted snapshots")
    .add(opts.persistence.max_ready_lag_s, "max-ready-lag-s",
         "/readyz fails while write-behind is further behind than this")
    .add(opts.persistence.shutdown_flush_ms, "shutdown-flush-ms",
         "on SIGTERM, time allowed to write the backlog behind");
  opt_group{custom_options_, "global"}
    .add(opts.persistence.repair, "repair",
         "cut a corrupt journal at the corruption instead of refusing to "
         "start (drops the records after it)");
  opt_group{custom_options_, "log"}
    .add(opts.log.level, "level",
         "trace, debug, info, warn, error, critical or off")
    .add(opts.log.access, "access",
         "log every request (also switchable at run time)");
}

std::string validate(const options& opts) {
  if (opts.http.threads == 0)
    return "http.threads must be at least 1";
  if (opts.http.max_connections == 0)
    return "http.max-connections must be at least 1";
  if (opts.products.shards == 0 || opts.products.shards > 65536)
    return "products.shards must be between 1 and 65536";
  if (opts.products.max_quantity < 1)
    return "products.max-quantity must be at least 1";
  if (opts.http.request_timeout_ms == 0)
    return "http.request-timeout-ms must be at least 1";
  if (opts.products.max_mailbox == 0)
    return "products.max-mailbox must be at least 1";
  if (opts.checkout.coordinators == 0 || opts.checkout.max_items == 0)
    return "checkout.coordinators and checkout.max-items must be at least 1";
  if (opts.checkout.max_ttl_s < 1 || opts.checkout.default_ttl_s < 1
      || opts.checkout.default_ttl_s > opts.checkout.max_ttl_s)
    return "checkout TTLs must satisfy 1 <= default-ttl-s <= max-ttl-s";
  if (opts.checkout.order_hold_s < 1)
    return "checkout.order-hold-s must be at least 1";
  if (opts.catalog.workers == 0)
    return "catalog.workers must be at least 1";
  if (opts.persistence.group_commit_records == 0
      || opts.persistence.flush_batch_records == 0)
    return "persistence batch sizes must be at least 1";
  if (opts.persistence.flush_interval_ms == 0)
    return "persistence.flush-interval-ms must be at least 1";
  if (opts.demo.products > 0 && opts.demo.categories == 0)
    return "demo.categories must be at least 1";
  return {};
}

} // namespace doorbuster::config
