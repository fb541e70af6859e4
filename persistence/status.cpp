#include "persistence/status.hpp"

#include "domain/clock.hpp"
#include "telemetry/prometheus_text.hpp"

namespace doorbuster::persistence {

double status::lag_seconds() const {
  auto since = behind_since_ms.load();
  return since == 0 ? 0.0 : static_cast<double>(domain::now_ms() - since) / 1000.0;
}

std::string status::metrics() const {
  telemetry::prometheus_text out;
  out.single("doorbuster_journal_appends_total", "counter",
             "Records appended to the journal.", appends.load());
  out.single("doorbuster_journal_syncs_total", "counter",
             "Group commits (one write and fdatasync each).", syncs.load());
  out.single("doorbuster_journal_sync_seconds_total", "counter",
             "Time spent writing and syncing group commits.",
             static_cast<double>(sync_micros) / 1e6);
  out.single("doorbuster_journal_durable_seq", "gauge",
             "Sequence number of the last durable record.",
             durable_seq.load());
  out.single("doorbuster_journal_segments", "gauge",
             "Journal segment files kept.", segments.load());
  out.single("doorbuster_journal_storage_full", "gauge",
             "1 while the disk is full: writes are refused (507), the "
             "journal retries.",
             storage_full.load() ? 1 : 0);
  out.single("doorbuster_journal_storage_full_total", "counter",
             "Times the journal found the disk full.", full_episodes.load());
  out.single("doorbuster_writebehind_lag_records", "gauge",
             "Durable records not yet written behind.", lag_records());
  out.single("doorbuster_writebehind_lag_seconds", "gauge",
             "Age of the oldest record not yet written behind.",
             lag_seconds());
  out.single("doorbuster_writebehind_errors_total", "counter",
             "Failed write-behind batches (retried).", sink_errors.load());
  return out.str();
}

} // namespace doorbuster::persistence
