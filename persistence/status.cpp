#include "persistence/status.hpp"

#include <chrono>

namespace doorbuster::persistence {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

double status::lag_seconds() const {
  auto since = behind_since_ms.load();
  return since == 0 ? 0.0 : static_cast<double>(now_ms() - since) / 1000.0;
}

std::string status::metrics() const {
  auto line = [](const char* name, const char* type, const char* help,
                 const std::string& value) {
    return std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name
           + " " + type + "\n" + name + " " + value + "\n";
  };
  std::string out;
  out += line("doorbuster_journal_appends_total", "counter",
              "Records appended to the journal.", std::to_string(appends));
  out += line("doorbuster_journal_syncs_total", "counter",
              "Group commits (one write and fdatasync each).",
              std::to_string(syncs));
  out += line("doorbuster_journal_sync_seconds_total", "counter",
              "Time spent writing and syncing group commits.",
              std::to_string(static_cast<double>(sync_micros) / 1e6));
  out += line("doorbuster_journal_durable_seq", "gauge",
              "Sequence number of the last durable record.",
              std::to_string(durable_seq));
  out += line("doorbuster_journal_segments", "gauge",
              "Journal segment files kept.", std::to_string(segments));
  out += line("doorbuster_writebehind_lag_records", "gauge",
              "Durable records not yet written behind.",
              std::to_string(lag_records()));
  out += line("doorbuster_writebehind_lag_seconds", "gauge",
              "Age of the oldest record not yet written behind.",
              std::to_string(lag_seconds()));
  out += line("doorbuster_writebehind_errors_total", "counter",
              "Failed write-behind batches (retried).",
              std::to_string(sink_errors));
  return out;
}

} // namespace doorbuster::persistence
