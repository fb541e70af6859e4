// What the journal knows about itself apart from its segments: how far it
// had reached (the newest sequence number known durable, refreshed about
// once a second and at every clean stop) and which records a repair gave up
// for lost. Recovery compares the segments with it, so a newest segment cut
// short or deleted is noticed rather than silently served without its sales.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace doorbuster::persistence {

struct seq_range {
  uint64_t first = 0;
  uint64_t last = 0;
  size_t size() const { return static_cast<size_t>(last - first + 1); }
};

struct journal_manifest {
  /// Every record up to this one was durable when it was written (0: no
  /// manifest yet, as in a journal written before there was one).
  uint64_t durable = 0;
  /// Records a repair dropped and recovery must not look for again.
  std::vector<seq_range> lost;

  /// The parts of [first, last] that `lost` does not hold.
  std::vector<seq_range> not_lost(uint64_t first, uint64_t last) const;
  /// Forgets lost ranges at or below `seq` (no segment can hold them).
  void forget_up_to(uint64_t seq);
};

std::string manifest_path(const std::string& journal_dir);

/// An absent manifest reads as empty. Throws std::runtime_error when it is
/// there but unreadable.
journal_manifest read_manifest(const std::string& journal_dir);

/// Replaces the manifest atomically (durable_file's replace_file). Throws
/// std::runtime_error on failure.
void write_manifest(const std::string& journal_dir,
                    const journal_manifest& manifest);

} // namespace doorbuster::persistence
