// What the journal stores: every change a client was told succeeded
// (domain::change), framed with a sequence number and a checksum.
#pragma once

#include "domain/change.hpp"

#include <cstdint>
#include <vector>

namespace doorbuster::persistence {

struct journal_record {
  uint64_t seq = 0;
  domain::change entry;
};

/// Appends one framed record to `out`:
///   u32 payload length | u32 CRC32C of payload | payload (msgpack)
/// with the payload a msgpack array [seq, kind, change], kind being the
/// change's index in domain::change plus one.
void append_frame(std::vector<char>& out, uint64_t seq,
                  const domain::change& entry);

enum class frame_status {
  ok,        // a whole, valid record
  truncated, // the bytes end inside the frame
  corrupt,   // bad length, checksum or content
};

/// Decodes the frame at the start of [data, data + size). On ok, `out` holds
/// the record and `frame_size` the bytes it took.
frame_status read_frame(const char* data, size_t size, journal_record& out,
                        size_t& frame_size);

/// Bytes of the frame header.
constexpr size_t frame_header_size = 8;

/// Frames larger than this are taken as corrupt.
constexpr uint32_t max_frame_payload = 16 * 1024 * 1024;

} // namespace doorbuster::persistence
