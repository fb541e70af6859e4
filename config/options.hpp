// Every tunable of a node, as plain values, each default declared here and
// only here. Names, help texts and bounds are declared once beside them in
// config/node_config.cpp, which fills these structs from the config file and
// the command line. The layers take these structs as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace doorbuster::config {

struct http_options {
  std::string address = "0.0.0.0";
  uint16_t port = 8080;
  std::string port_file; // written with the bound port once listening
  size_t threads = 0; // io threads; 0: one per core (node_config.cpp)
  size_t max_connections = 10000;
  size_t max_connections_per_address = 1000;
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 64 * 1024;
  size_t max_bulk_body_bytes = 64 * 1024 * 1024;
  size_t idle_timeout_ms = 30000;
  size_t header_timeout_ms = 10000;
  size_t request_timeout_ms = 5000;
  size_t cache_max_age_s = 1;
  std::string cors_origins; // empty: no cross-origin reads; "*": any
  // Who a client is (http/client_identity.hpp): only the proxies listed
  // here are believed about it; empty: nobody, a client is its address.
  std::string trusted_proxies;
  std::string real_ip_header = "X-Forwarded-For";
  std::string identity_header; // set by a trusted gateway; empty: none
};

struct limit_options {
  double write_rate_per_min = 100; // per client; 0: unlimited
  double write_burst = 20;
  double read_rate_per_s = 0; // per client; 0: unlimited
  double read_burst = 100;
  // Searches (q) scan every name: a budget of their own per client.
  double search_rate_per_s = 5; // 0: unlimited
  double search_burst = 10;
  size_t max_clients = 100000; // buckets kept
};

struct product_options {
  size_t shards = 256;
  int64_t max_quantity = 1000;
  size_t idempotency_keys = 100000; // per product
  size_t max_mailbox = 1000; // queued purchases per product before 503
  // Idle this long (no request, no live hold), a product's actor ends and
  // its state rests in its shard until the next request; 0: never.
  int64_t passivate_after_ms = 60000;
};

struct checkout_options {
  size_t coordinators = 4;
  size_t max_items = 50;       // lines of one reservation or order
  int64_t default_ttl_s = 600; // of a reservation
  int64_t max_ttl_s = 1800;    // expiry - creation, extensions included
  int64_t order_hold_s = 60;   // order holds a crash strands, at most
  // Live reservations one client (http/client_identity.hpp) may hold of
  // one product, so that nobody hoards a sale; 0: no cap.
  size_t max_holds_per_client = 4;
};

struct catalog_options {
  size_t workers = 2;
};

struct admin_options {
  std::string token; // DOORBUSTER_ADMIN_TOKEN, else read from token_file
  std::string token_file;
  std::string address = "127.0.0.1"; // the admin actor's port (console)
  uint16_t port = 8081;               // 0: any free port
  std::string port_file;
};

struct demo_options {
  size_t products = 10000;
  size_t categories = 20;
  uint64_t seed = 42;
};

struct persistence_options {
  std::string data_dir = "data";
  std::string pg_uri; // DOORBUSTER_PG_URI wins; empty: journal-only mode
  std::string node_id = "node-1";
  bool fsync = true;
  bool repair = false; // --repair
  size_t segment_bytes = 64 * 1024 * 1024;
  size_t group_commit_records = 4096;
  size_t group_commit_delay_us = 0;
  size_t flush_interval_ms = 100;
  size_t flush_batch_records = 5000;
  size_t max_backoff_ms = 5000;
  size_t snapshot_interval_ms = 60000;
  size_t max_ready_lag_s = 30;
  size_t shutdown_flush_ms = 5000;
};

struct cluster_options {
  bool enabled = false; // off: a lone node, as without a cluster
  std::string node_id;  // empty: the advertised address
  std::string address = "127.0.0.1"; // the gateway's port (peers dial it)
  uint16_t port = 7700;              // 0: any free port
  std::string port_file;
  std::string advertise; // host:port peers dial; empty: address:port
  size_t lease_ttl_ms = 6000;
  size_t heartbeat_ms = 250; // CAF middleman heartbeats between peers
};

struct tls_options {
  std::string dir; // empty: <persistence.data-dir>/tls
};

struct log_options {
  std::string level = "info";
  bool access = false;
};

struct options {
  http_options http;
  limit_options limits;
  product_options products;
  checkout_options checkout;
  catalog_options catalog;
  admin_options admin;
  demo_options demo;
  persistence_options persistence;
  cluster_options cluster;
  tls_options tls;
  log_options log;
};

} // namespace doorbuster::config
