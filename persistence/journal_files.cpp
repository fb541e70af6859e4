#include "persistence/journal_files.hpp"

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

/// True if some valid record starts anywhere in [from, data.size()).
bool valid_record_after(const std::vector<char>& data, size_t from) {
  journal_record rec;
  size_t size = 0;
  for (size_t at = from + 1; at + frame_header_size < data.size(); ++at)
    if (read_frame(data.data() + at, data.size() - at, rec, size)
        == frame_status::ok)
      return true;
  return false;
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

scan_result scan_journal(const std::string& dir, bool repair,
                         const std::function<void(journal_record&)>& visit) {
  scan_result result;
  auto segments = list_segments(dir);
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& seg = segments[i];
    bool newest = i + 1 == segments.size();
    auto data = read_file(seg.path);
    size_t at = 0;
    std::string problem;
    while (at < data.size()) {
      journal_record rec;
      size_t size = 0;
      auto status = read_frame(data.data() + at, data.size() - at, rec, size);
      if (status == frame_status::ok) {
        auto expected = result.last_seq == 0 ? rec.seq : result.last_seq + 1;
        if (at == 0 && rec.seq != seg.first_seq) {
          problem = "first record has sequence " + std::to_string(rec.seq);
        } else if (rec.seq != expected) {
          problem = "sequence jumps from " + std::to_string(result.last_seq)
                    + " to " + std::to_string(rec.seq);
        } else {
          visit(rec);
          result.last_seq = rec.seq;
          ++result.records;
          at += size;
          continue;
        }
      } else if (newest && std::all_of(data.begin() + static_cast<long>(at),
                                       data.end(),
                                       [](char c) { return c == 0; })) {
        // The preallocated, never written rest of the active segment.
        truncate_file(seg.path, at);
        break;
      } else if (newest && !valid_record_after(data, at)) {
        spdlog::warn("journal: torn tail in {} at offset {} ({} bytes): cut "
                     "at the last good record",
                     seg.path, at, data.size() - at);
        truncate_file(seg.path, at);
        result.truncated_bytes += data.size() - at;
        break;
      } else {
        problem = "bad record (length or checksum)";
      }
      auto where = seg.path + " at offset " + std::to_string(at);
      if (!repair)
        throw journal_corrupt("journal corrupt in " + where + ": " + problem
                              + "; valid records follow, so this is not a "
                                "torn tail. Start with --repair to cut the "
                                "journal there and drop everything after it");
      size_t dropped = data.size() - at;
      truncate_file(seg.path, at);
      for (size_t j = i + 1; j < segments.size(); ++j) {
        dropped += fs::file_size(segments[j].path);
        fs::remove(segments[j].path);
      }
      spdlog::error("journal: --repair cut {} bytes from {}: {}", dropped,
                    where, problem);
      result.truncated_bytes += dropped;
      return result;
    }
  }
  return result;
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
