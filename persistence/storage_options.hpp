// The persistence layer's settings, as plain values (declared as options
// once, in config/node_config.cpp).
#pragma once

#include <cstddef>
#include <string>

namespace doorbuster::persistence {

struct storage_options {
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
  size_t keys_per_product = 100000; // products.idempotency-keys
};

} // namespace doorbuster::persistence
