// Compacted snapshots for journal-only mode: the whole recovered_state as
// msgpack, checksummed, written to a temporary file, fsync'd and renamed, so
// a crash leaves the previous snapshot intact.
#pragma once

#include "persistence/recovered_state.hpp"

#include <string>

namespace doorbuster::persistence {

/// Writes `state` as <dir>/snapshot-<seq>.msgpack and removes older ones.
void write_snapshot(const std::string& dir, const recovered_state& state);

/// Decodes a snapshot file's bytes (msgpack, then its CRC32C) into
/// `state`; returns the number of products. Throws on a bad checksum or
/// content (msgpack's exceptions derive from std::exception).
uint64_t decode_snapshot(const char* data, size_t length,
                         recovered_state& state);

/// Loads the newest valid snapshot in `dir` into `state`; returns its
/// sequence number, or 0 when there is none. Throws std::runtime_error for
/// a snapshot that fails its checksum.
uint64_t read_latest_snapshot(const std::string& dir, recovered_state& state);

} // namespace doorbuster::persistence
