// The file steps that durability rests on, written once: writing all of a
// buffer, syncing a directory so a new or renamed entry survives a crash,
// and replacing a small file atomically.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace doorbuster::persistence {

/// pwrite()s all of [data, data + size) at `offset`, retrying on EINTR.
/// Returns false on an error (errno tells which).
bool write_fully(int fd, const char* data, size_t size, size_t offset);

/// fsync()s the directory `dir`. Throws std::runtime_error on failure.
void sync_directory(const std::string& dir);

/// Writes `data` to `path` + ".tmp", fsyncs it, renames it over `path` and
/// syncs the directory: a crash leaves the old or the new content, never a
/// torn one. Throws std::runtime_error on failure.
void replace_file(const std::string& path, std::string_view data);

/// replace_file() of what `produce` writes, piece by piece, through the
/// function it is given: a large file needs no buffer of its size.
void replace_file(
  const std::string& path,
  const std::function<void(const std::function<void(std::string_view)>&)>&
    produce);

} // namespace doorbuster::persistence
