#include "persistence/journal_actor.hpp"

#include "persistence/durable_file.hpp"
#include "persistence/journal_files.hpp"
#include "persistence/journal_manifest.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace doorbuster::persistence {

namespace {

using commit_atom = caf::atom_constant<caf::atom("commit")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

/// The producers whose records wait in the pending batch, each with its
/// newest ticket there.
class waiting_producers {
public:
  void add(caf::strong_actor_ptr producer, uint64_t ticket) {
    if (!producer)
      return;
    // Consecutive appends from one producer (a hot product) are the common
    // case: no lookup for them.
    if (!entries_.empty() && entries_.back().first == producer) {
      entries_.back().second = ticket;
      return;
    }
    auto [at, added] = index_.emplace(producer.get(), entries_.size());
    if (added)
      entries_.emplace_back(std::move(producer), ticket);
    else
      entries_[at->second].second = ticket;
  }

  /// Hands the list over and starts a new one.
  std::vector<std::pair<caf::strong_actor_ptr, uint64_t>> take() {
    index_.clear();
    return std::exchange(entries_, {});
  }

private:
  std::vector<std::pair<caf::strong_actor_ptr, uint64_t>> entries_;
  std::unordered_map<caf::actor_control_block*, size_t> index_;
};

struct journal_state {
  std::string dir;
  config::persistence_options opts;
  status* stat = nullptr;
  journal_consumer consumer;
  uint64_t next_seq = 1;
  int fd = -1;
  size_t segment_size = 0;          // bytes of records in the segment
  std::vector<char> pending;        // encoded, not yet written
  waiting_producers waiting;        // of the pending records
  uint64_t pending_first_seq = 0;   // 0: nothing pending
  size_t pending_records = 0;
  bool commit_scheduled = false;
  uint64_t last_confirmed = 0;
  uint64_t records_since_nudge = 0;
  std::chrono::milliseconds retry_in{0}; // while the disk is full
  journal_manifest manifest;             // as last written

  ~journal_state() {
    if (fd >= 0) {
      // Cut the zeroed tail on a clean stop; a crash leaves it to recovery.
      if (::ftruncate(fd, static_cast<off_t>(segment_size)) == 0)
        ::fsync(fd);
      ::close(fd);
    }
  }
};

using self_ptr = caf::stateful_actor<journal_state>*;

/// The journal cannot keep its promise: stop the node rather than answer
/// requests whose records may not be on disk. Restart recovers from disk.
[[noreturn]] void fail_stop(const std::string& what) {
  spdlog::critical("journal: {}: {}; stopping the node", what,
                   std::strerror(errno));
  spdlog::shutdown();
  std::abort();
}

/// A write that failed for want of space (the disk or the user's quota):
/// an error to wait out, not a reason to stop.
bool disk_full() {
  return errno == ENOSPC || errno == EDQUOT;
}

/// False if the disk is full; any other failure stops the node.
bool write_at(int fd, const char* data, size_t size, size_t offset,
              const char* what) {
  if (write_fully(fd, data, size, offset))
    return true;
  if (disk_full())
    return false;
  fail_stop(what);
}

/// Closes the active segment, cutting its unused zeroed tail.
void close_segment(journal_state& st) {
  if (st.fd < 0)
    return;
  if (::ftruncate(st.fd, static_cast<off_t>(st.segment_size)) != 0
      || ::fsync(st.fd) != 0)
    fail_stop("cannot close segment");
  ::close(st.fd);
  st.fd = -1;
}

/// Opens a new segment, written with zeros up to its full size first: an
/// fdatasync then only flushes data, not the file's growing size, which
/// makes each group commit cheaper. Recovery cuts the zeroed tail. False if
/// the disk is too full for it: the file is cut back to the records it
/// held, or deleted if it held none.
bool open_segment(journal_state& st, uint64_t first_seq) {
  close_segment(st);
  auto path = segment_path(st.dir, first_seq);
  st.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (st.fd < 0 && disk_full())
    return false;
  if (st.fd < 0)
    fail_stop("cannot open " + path);
  st.segment_size = static_cast<size_t>(::lseek(st.fd, 0, SEEK_END));
  auto give_up = [&] {
    if (st.segment_size == 0)
      ::unlink(path.c_str());
    else if (::ftruncate(st.fd, static_cast<off_t>(st.segment_size)) != 0)
      fail_stop("cannot cut back " + path);
    ::close(st.fd);
    st.fd = -1;
    return false;
  };
  if (st.opts.fsync && st.segment_size < st.opts.segment_bytes) {
    static const std::vector<char> zeros(1 << 20, '\0');
    for (size_t at = st.segment_size; at < st.opts.segment_bytes;
         at += zeros.size())
      if (!write_at(st.fd, zeros.data(),
                    std::min(zeros.size(), st.opts.segment_bytes - at), at,
                    "cannot preallocate segment"))
        return give_up();
    if (::fdatasync(st.fd) != 0) {
      if (disk_full())
        return give_up();
      fail_stop("cannot sync new segment");
    }
  }
  try {
    sync_directory(st.dir); // the new file's name must survive a crash
  } catch (const std::exception& ex) {
    fail_stop(ex.what());
  }
  return true;
}

/// Deletes segments whose every record is safe elsewhere (confirmed).
void drop_confirmed_segments(journal_state& st) {
  auto confirmed = st.stat->confirmed_seq.load();
  if (confirmed == st.last_confirmed)
    return;
  st.last_confirmed = confirmed;
  auto segments = list_segments(st.dir);
  // Segment i ends right before segment i+1 starts; never drop the newest.
  for (size_t i = 0; i + 1 < segments.size(); ++i)
    if (segments[i + 1].first_seq - 1 <= confirmed)
      std::filesystem::remove(segments[i].path);
  st.stat->segments = list_segments(st.dir).size();
}

/// Records in the manifest how far the journal has durably reached, so that
/// recovery notices a newest segment shortened or deleted. Called about once
/// a second and at a clean stop; it costs one small file replaced. Without
/// fsync the segment is synced first: the mark never runs ahead of the disk.
void mark_durable(journal_state& st) {
  auto durable = st.stat->durable_seq.load();
  if (durable == st.manifest.durable)
    return;
  if (!st.opts.fsync && st.fd >= 0 && ::fdatasync(st.fd) != 0)
    return; // the next sweep tries again
  auto next = st.manifest;
  next.durable = durable;
  next.forget_up_to(st.stat->confirmed_seq.load());
  try {
    write_manifest(st.dir, next);
    st.manifest = std::move(next);
  } catch (const std::exception& ex) {
    // The mark only guards recovery; a full disk delays it, and the
    // journal's own writes report the disk.
    spdlog::debug("journal: manifest not written: {}", ex.what());
  }
}

/// The disk is full: the batch stays pending (its producers wait, nothing
/// acknowledged is at risk), new writes are refused upstream, and the
/// commit is retried with backoff until space returns.
void wait_for_space(self_ptr self) {
  auto& st = self->state;
  if (!st.stat->storage_full.exchange(true)) {
    st.stat->full_episodes += 1;
    spdlog::error("journal: the disk of {} is full ({} records wait); "
                  "refusing writes (507 storage_full) and retrying until "
                  "space returns: free space there, or lower "
                  "persistence.segment-bytes ({} bytes per new segment)",
                  st.dir, st.pending_records, st.opts.segment_bytes);
    st.retry_in = std::chrono::milliseconds{100};
  } else {
    st.retry_in = std::min(st.retry_in * 2, std::chrono::milliseconds{5000});
  }
  self->delayed_send(self, st.retry_in, retry_atom::value);
}

void commit(self_ptr self) {
  auto& st = self->state;
  st.commit_scheduled = false;
  if (st.pending_records == 0)
    return;
  auto started = std::chrono::steady_clock::now();
  if (st.fd < 0 || (st.segment_size > 0
                    && st.segment_size + st.pending.size()
                         > st.opts.segment_bytes)) {
    if (!open_segment(st, st.pending_first_seq))
      return wait_for_space(self);
    st.stat->segments = list_segments(st.dir).size();
  }
  // A write cut short leaves bytes past segment_size that the next attempt
  // overwrites; recovery cuts them as a torn tail if none comes.
  if (!write_at(st.fd, st.pending.data(), st.pending.size(), st.segment_size,
                "write failed"))
    return wait_for_space(self);
  if (st.opts.fsync && ::fdatasync(st.fd) != 0) {
    if (disk_full())
      return wait_for_space(self);
    fail_stop("fdatasync failed");
  }
  if (st.stat->storage_full.exchange(false))
    spdlog::info("journal: space is back; {} waiting records are durable, "
                 "writes resume",
                 st.pending_records);
  st.segment_size += st.pending.size();
  auto last = st.next_seq - 1;
  st.stat->durable_seq = last;
  st.stat->syncs += 1;
  st.stat->sync_micros += static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started)
      .count());
  st.records_since_nudge += st.pending_records;
  st.pending.clear();
  st.pending_records = 0;
  st.pending_first_seq = 0;
  // Urgent: an acknowledgement overtakes the requests queued at its
  // producer (a hot product's mailbox holds many), so answers are not
  // delayed by new work.
  for (auto& [producer, ticket] : st.waiting.take())
    self->send<caf::message_priority::high>(
      caf::actor_cast<journal_client>(std::move(producer)),
      durable_atom::value, ticket);
  if (st.consumer && st.records_since_nudge >= st.opts.group_commit_records) {
    st.records_since_nudge = 0;
    self->send(st.consumer, nudge_atom::value);
  }
  drop_confirmed_segments(st);
}

void schedule_commit(self_ptr self) {
  auto& st = self->state;
  if (st.stat->storage_full)
    return; // the retry timer commits
  if (st.pending_records >= st.opts.group_commit_records) {
    commit(self);
    return;
  }
  if (st.commit_scheduled)
    return;
  st.commit_scheduled = true;
  // Queued behind every append already in the mailbox: they all join this
  // group commit.
  if (st.opts.group_commit_delay_us == 0)
    self->send(self, commit_atom::value);
  else
    self->delayed_send(self, std::chrono::microseconds{st.opts.group_commit_delay_us},
                       commit_atom::value);
}

/// How often segments are checked for deletion between commits.
constexpr auto sweep_interval = std::chrono::seconds{1};

caf::behavior journal_behavior(self_ptr self, std::string dir,
                               config::persistence_options opts,
                               uint64_t next_seq, journal_consumer consumer,
                               status* stat) {
  auto& st = self->state;
  st.dir = std::move(dir);
  st.opts = std::move(opts);
  st.next_seq = next_seq;
  st.consumer = std::move(consumer);
  st.stat = stat;
  std::filesystem::create_directories(st.dir);
  st.manifest = read_manifest(st.dir); // recovery has just checked it
  stat->durable_seq = next_seq - 1;
  stat->segments = list_segments(st.dir).size();
  self->delayed_send(self, sweep_interval, sweep_atom::value);
  return {
    [=](append_atom, const domain::change& entry, uint64_t ticket, uint64_t) {
      auto& st = self->state;
      if (st.pending_records == 0)
        st.pending_first_seq = st.next_seq;
      append_frame(st.pending, st.next_seq++, entry);
      ++st.pending_records;
      st.waiting.add(self->current_sender(), ticket);
      st.stat->appends += 1;
      schedule_commit(self);
    },
    [=](commit_atom) { commit(self); },
    [=](retry_atom) { commit(self); },
    [=](sweep_atom) {
      drop_confirmed_segments(self->state);
      mark_durable(self->state);
      self->delayed_send(self, sweep_interval, sweep_atom::value);
    },
    [=](stop_atom) {
      commit(self);
      mark_durable(self->state);
      self->quit();
    },
  };
}

} // namespace

journal_actor spawn_journal(caf::actor_system& sys, std::string dir,
                            const config::persistence_options& opts,
                            uint64_t next_seq, journal_consumer consumer,
                            status* stat) {
  return caf::actor_cast<journal_actor>(sys.spawn<caf::detached>(
    journal_behavior, std::move(dir), opts, next_seq, std::move(consumer),
    stat));
}

} // namespace doorbuster::persistence
