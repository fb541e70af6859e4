// The journal's files: segments named by the first sequence number they
// hold, checked and replayed at start-up, and read behind the writer by the
// write-behind consumers.
#pragma once

#include "persistence/journal_manifest.hpp"
#include "persistence/journal_record.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace doorbuster::persistence {

struct segment_info {
  std::string path;
  uint64_t first_seq = 0;
};

/// The segments in `dir`, oldest first.
std::vector<segment_info> list_segments(const std::string& dir);

std::string segment_path(const std::string& dir, uint64_t first_seq);

/// Damage or loss that is not a torn tail: start-up stops unless repairing.
class journal_corrupt : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct scan_result {
  uint64_t last_seq = 0; // 0: empty journal
  size_t records = 0;
  size_t truncated_bytes = 0; // a torn tail, or damage cut by --repair
  /// Acknowledged records that --repair found missing and gave up.
  std::vector<seq_range> dropped;
};

/// Reads every record of every segment in order, calling `visit` for each.
/// `base` is the newest record already safe in the state recovery starts
/// from (snapshot or PostgreSQL): records up to it may be gone.
///
/// A torn tail of the newest segment (no valid record after it: a crash
/// during a write) is cut at the last good record and logged. Anything else
/// throws journal_corrupt naming file, offset and records: damaged bytes
/// followed by valid records, a damaged older segment, sequence numbers
/// with a gap (a segment deleted), or a journal that ends before the
/// manifest's durable mark (the newest segment shortened or deleted).
/// With `repair`, instead, damaged bytes are cut out and every intact record
/// is kept; the records lost are logged exactly, returned in `dropped`, and
/// written to the manifest so that the next start accepts the gap.
scan_result scan_journal(const std::string& dir, uint64_t base, bool repair,
                         const std::function<void(journal_record&)>& visit);

/// Reads records behind the journal writer, in order, never past a sequence
/// number the writer reported durable. One consumer owns one cursor.
class journal_cursor {
public:
  /// Starts after `after_seq`.
  journal_cursor(std::string dir, uint64_t after_seq);
  ~journal_cursor();

  journal_cursor(const journal_cursor&) = delete;
  journal_cursor& operator=(const journal_cursor&) = delete;

  /// Appends up to `max_records` records with seq <= `durable_seq` to `out`.
  /// Throws std::runtime_error when the files do not hold them.
  void read(uint64_t durable_seq, size_t max_records,
            std::vector<journal_record>& out);

  uint64_t position() const { return last_seq_; }

private:
  bool open_segment_after(uint64_t seq);

  std::string dir_;
  uint64_t last_seq_;
  int fd_ = -1;
  uint64_t segment_first_ = 0;
  uint64_t offset_ = 0;
  std::vector<char> buffer_; // bytes read but not yet consumed
  static constexpr uint64_t no_suspect = ~uint64_t{0};
  uint64_t suspect_at_ = no_suspect; // where a read last found no record
};

} // namespace doorbuster::persistence
