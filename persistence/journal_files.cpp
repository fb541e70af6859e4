#include "persistence/journal_files.hpp"

#include "persistence/durable_file.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <unistd.h>

namespace doorbuster::persistence {

namespace fs = std::filesystem;

namespace {

constexpr const char* prefix = "journal-";
constexpr const char* suffix = ".log";

std::vector<char> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

void truncate_file(const std::string& path, size_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
    throw std::runtime_error("cannot truncate " + path + ": "
                             + std::strerror(errno));
}

} // namespace

std::string segment_path(const std::string& dir, uint64_t first_seq) {
  char name[64];
  std::snprintf(name, sizeof(name), "%s%020" PRIu64 "%s", prefix, first_seq,
                suffix);
  return (fs::path{dir} / name).string();
}

std::vector<segment_info> list_segments(const std::string& dir) {
  std::vector<segment_info> result;
  if (!fs::exists(dir))
    return result;
  for (const auto& entry : fs::directory_iterator{dir}) {
    auto name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() < 5
        || name.substr(name.size() - 4) != suffix)
      continue;
    auto digits = name.substr(std::strlen(prefix),
                              name.size() - std::strlen(prefix) - 4);
    if (digits.empty()
        || digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    result.push_back({entry.path().string(), std::stoull(digits)});
  }
  std::sort(result.begin(), result.end(),
            [](const auto& a, const auto& b) { return a.first_seq < b.first_seq; });
  return result;
}

namespace {

std::string describe(const std::vector<seq_range>& ranges) {
  std::string text;
  size_t total = 0;
  for (const auto& r : ranges) {
    if (!text.empty())
      text += ", ";
    text += r.first == r.last ? std::to_string(r.first)
                              : std::to_string(r.first) + " to "
                                  + std::to_string(r.last);
    total += r.size();
  }
  return text + " (" + std::to_string(total) + " record"
         + (total == 1 ? "" : "s") + ")";
}

constexpr const char* repair_hint
  = ". Start with --repair to cut out what is damaged and keep every intact "
    "record; it logs exactly which records are lost";

/// One pass over the journal's segments, oldest first.
class journal_scan {
public:
  journal_scan(const std::string& dir, uint64_t base, bool repair,
               const std::function<void(journal_record&)>& visit)
    : dir_(dir), base_(base), repair_(repair), visit_(visit) {
    try {
      manifest_ = read_manifest(dir);
    } catch (const std::runtime_error& ex) {
      if (!repair)
        throw journal_corrupt(ex.what() + std::string{repair_hint});
      spdlog::error("journal: --repair starts a new manifest: {}", ex.what());
      changed_ = true;
    }
  }

  scan_result run() {
    auto segments = list_segments(dir_);
    for (size_t i = 0; i < segments.size(); ++i)
      scan_segment(segments[i], i + 1 == segments.size());
    check_end();
    if (changed_) {
      manifest_.durable = std::max(result_.last_seq, base_);
      manifest_.forget_up_to(base_);
      write_manifest(dir_, manifest_);
    }
    return std::move(result_);
  }

private:
  /// Records between the last one read and `next` must be lost on record
  /// (a repair accepted them) or covered by the base.
  void check_gap(uint64_t next, const std::string& where) {
    auto from = std::max(result_.last_seq, base_) + 1;
    if (next <= from)
      return;
    auto missing = manifest_.not_lost(from, next - 1);
    if (missing.empty())
      return;
    if (!repair_)
      throw journal_corrupt("journal: records " + describe(missing)
                            + " are missing before " + where
                            + " (a segment deleted or damaged)"
                            + repair_hint);
    spdlog::error("journal: --repair gives up records {}, missing before {}",
                  describe(missing), where);
    for (const auto& r : missing) {
      result_.dropped.push_back(r);
      manifest_.lost.push_back(r);
    }
    changed_ = true;
  }

  /// The journal must reach the manifest's durable mark.
  void check_end() {
    auto end = std::max(result_.last_seq, base_);
    if (manifest_.durable <= end)
      return;
    auto missing = manifest_.not_lost(end + 1, manifest_.durable);
    if (missing.empty())
      return;
    auto what = "journal: it ends at record " + std::to_string(end)
                + " but records up to " + std::to_string(manifest_.durable)
                + " were acknowledged as durable, so records "
                + describe(missing)
                + " are missing (the newest segment shortened or deleted)";
    if (!repair_)
      throw journal_corrupt(what + repair_hint);
    spdlog::error("{}; --repair gives them up and numbers new records from "
                  "{}",
                  what, end + 1);
    result_.dropped.insert(result_.dropped.end(), missing.begin(),
                           missing.end());
    changed_ = true;
  }

  /// A frame that may follow the last record read.
  bool acceptable(const journal_record& rec, const segment_info& seg) const {
    return rec.seq > result_.last_seq && rec.seq >= seg.first_seq;
  }

  /// The offset of the next acceptable frame after `from`, or npos.
  size_t next_frame(const std::vector<char>& data, size_t from,
                    const segment_info& seg) const {
    journal_record rec;
    size_t size = 0;
    for (size_t at = from + 1; at + frame_header_size < data.size(); ++at)
      if (read_frame(data.data() + at, data.size() - at, rec, size)
            == frame_status::ok
          && acceptable(rec, seg))
        return at;
    return std::string::npos;
  }

  void scan_segment(const segment_info& seg, bool newest) {
    auto data = read_file(seg.path);
    std::vector<std::pair<size_t, size_t>> cuts; // damaged byte ranges
    size_t keep = data.size();                    // bytes kept at the end
    size_t at = 0;
    auto where = [&](size_t offset) {
      return seg.path + " at offset " + std::to_string(offset);
    };
    while (at < data.size()) {
      journal_record rec;
      size_t size = 0;
      if (read_frame(data.data() + at, data.size() - at, rec, size)
            == frame_status::ok
          && acceptable(rec, seg)) {
        check_gap(rec.seq, where(at));
        visit_(rec);
        result_.last_seq = rec.seq;
        ++result_.records;
        at += size;
        continue;
      }
      if (std::all_of(data.begin() + static_cast<long>(at), data.end(),
                      [](char c) { return c == 0; })) {
        keep = at; // the preallocated, never written rest of a segment
        break;
      }
      auto next = next_frame(data, at, seg);
      if (next == std::string::npos && newest) {
        spdlog::warn("journal: torn tail in {} ({} bytes): cut at the last "
                     "good record",
                     where(at), data.size() - at);
        result_.truncated_bytes += data.size() - at;
        keep = at;
        break;
      }
      auto end = next == std::string::npos ? data.size() : next;
      if (!repair_)
        throw journal_corrupt(
          "journal corrupt in " + where(at) + ": "
          + std::to_string(end - at) + " damaged bytes (bad length, checksum "
          + "or sequence), and "
          + (next == std::string::npos ? "newer segments follow"
                                       : "valid records follow")
          + ", so this is not a torn tail" + repair_hint);
      spdlog::error("journal: --repair cuts {} damaged bytes from {}",
                    end - at, where(at));
      result_.truncated_bytes += end - at;
      cuts.emplace_back(at, end);
      at = end;
    }
    if (cuts.empty()) {
      if (keep < data.size())
        truncate_file(seg.path, keep);
      return;
    }
    std::string kept;
    size_t from = 0;
    for (const auto& [cut_from, cut_to] : cuts) {
      kept.append(data.data() + from, cut_from - from);
      from = cut_to;
    }
    if (from < keep)
      kept.append(data.data() + from, keep - from);
    replace_file(seg.path, kept);
    changed_ = true;
  }

  const std::string& dir_;
  uint64_t base_;
  bool repair_;
  const std::function<void(journal_record&)>& visit_;
  journal_manifest manifest_;
  scan_result result_;
  bool changed_ = false; // the manifest must be written again
};

} // namespace

scan_result scan_journal(const std::string& dir, uint64_t base, bool repair,
                         const std::function<void(journal_record&)>& visit) {
  return journal_scan{dir, base, repair, visit}.run();
}

journal_cursor::journal_cursor(std::string dir, uint64_t after_seq)
  : dir_(std::move(dir)), last_seq_(after_seq) {}

journal_cursor::~journal_cursor() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool journal_cursor::open_segment_after(uint64_t seq) {
  // The segment holding seq + 1 is the last one starting at or before it.
  const segment_info* found = nullptr;
  auto segments = list_segments(dir_);
  for (const auto& seg : segments)
    if (seg.first_seq <= seq + 1)
      found = &seg;
  if (!found || (fd_ >= 0 && found->first_seq == segment_first_))
    return false;
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = ::open(found->path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw std::runtime_error("cannot open " + found->path + ": "
                             + std::strerror(errno));
  segment_first_ = found->first_seq;
  offset_ = 0;
  buffer_.clear();
  return true;
}

void journal_cursor::read(uint64_t durable_seq, size_t max_records,
                          std::vector<journal_record>& out) {
  size_t taken = 0;
  while (last_seq_ < durable_seq && taken < max_records) {
    if (fd_ < 0 && !open_segment_after(last_seq_))
      throw std::runtime_error("journal has no segment holding record "
                               + std::to_string(last_seq_ + 1));
    // Consume whole frames from the buffer.
    size_t at = 0;
    enum { more, zeros, corrupt } stop = more;
    while (at < buffer_.size() && last_seq_ < durable_seq
           && taken < max_records) {
      if (buffer_.size() - at >= 4
          && std::all_of(buffer_.begin() + static_cast<long>(at),
                         buffer_.begin() + static_cast<long>(at) + 4,
                         [](char c) { return c == 0; })) {
        stop = zeros;
        break;
      }
      journal_record rec;
      size_t size = 0;
      auto status = read_frame(buffer_.data() + at, buffer_.size() - at, rec,
                               size);
      if (status == frame_status::truncated)
        break;
      if (status == frame_status::corrupt) {
        stop = corrupt;
        break;
      }
      at += size;
      suspect_at_ = no_suspect;
      if (rec.seq <= last_seq_)
        continue; // before the start position
      last_seq_ = rec.seq;
      out.push_back(std::move(rec));
      ++taken;
    }
    if (stop != more) {
      // Bytes read while the writer was still writing them (the zeroed,
      // preallocated rest of a segment, or a batch half written) are never
      // kept: read that spot again. Only a fresh read that shows the same
      // means the writer moved to a newer segment (zeros) or real damage.
      auto spot = offset_ - (buffer_.size() - at);
      buffer_.clear();
      offset_ = spot;
      if (spot != suspect_at_) {
        suspect_at_ = spot;
        continue;
      }
      suspect_at_ = no_suspect;
      if (stop == corrupt)
        throw std::runtime_error("journal record after "
                                 + std::to_string(last_seq_)
                                 + " is corrupt");
      if (last_seq_ < durable_seq && taken < max_records
          && !open_segment_after(last_seq_))
        throw std::runtime_error("journal ends before durable record "
                                 + std::to_string(durable_seq));
      continue;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(at));
    if (last_seq_ >= durable_seq || taken >= max_records)
      break;
    // Need more bytes: read on, or move to the next segment at its end.
    char chunk[1 << 16];
    auto n = ::pread(fd_, chunk, sizeof(chunk), static_cast<off_t>(offset_));
    if (n < 0)
      throw std::runtime_error(std::string{"journal read failed: "}
                               + std::strerror(errno));
    if (n > 0) {
      offset_ += static_cast<uint64_t>(n);
      buffer_.insert(buffer_.end(), chunk, chunk + n);
      continue;
    }
    if (!open_segment_after(last_seq_))
      throw std::runtime_error("journal ends before durable record "
                               + std::to_string(durable_seq));
  }
}

} // namespace doorbuster::persistence
