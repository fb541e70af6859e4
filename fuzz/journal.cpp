// The journal's record frames and the snapshot file, as recovery reads
// them from a disk that may hold anything. The first byte picks: raw bytes
// to read_frame; or the rest as a payload given a valid frame header (or
// snapshot checksum), so that the decoding behind the checksum is reached.
#include "persistence/crc32c.hpp"
#include "persistence/journal_record.hpp"
#include "persistence/recovered_state.hpp"
#include "persistence/snapshot.hpp"

#include <boost/endian/conversion.hpp>

#include <cstring>
#include <exception>
#include <vector>

using namespace doorbuster::persistence;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto mode = data[0] % 3;
  const char* bytes = reinterpret_cast<const char*>(data) + 1;
  size_t n = size - 1;
  journal_record rec;
  size_t frame_size = 0;
  if (mode == 0) {
    for (size_t at = 0; at < n;) {
      if (read_frame(bytes + at, n - at, rec, frame_size) != frame_status::ok)
        break;
      at += frame_size;
    }
  } else if (mode == 1) {
    // A frame whose length and checksum are right: its payload is fuzzed.
    std::vector<char> frame(frame_header_size + n);
    uint32_t length = boost::endian::native_to_little(static_cast<uint32_t>(n));
    uint32_t crc = boost::endian::native_to_little(crc32c(bytes, n));
    std::memcpy(frame.data(), &length, 4);
    std::memcpy(frame.data() + 4, &crc, 4);
    std::memcpy(frame.data() + frame_header_size, bytes, n);
    (void)read_frame(frame.data(), frame.size(), rec, frame_size);
  } else {
    std::vector<char> file(bytes, bytes + n);
    uint32_t crc = boost::endian::native_to_little(crc32c(bytes, n));
    file.resize(n + 4);
    std::memcpy(file.data() + n, &crc, 4);
    recovered_state state{16};
    try {
      (void)decode_snapshot(file.data(), file.size(), state);
    } catch (const std::exception&) {
      // A refused snapshot: recovery stops with this message.
    }
  }
  return 0;
}
