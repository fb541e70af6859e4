// CRC-32C (Castagnoli) of a byte range, computed by Boost.CRC.
#pragma once

#include <cstddef>
#include <cstdint>

namespace doorbuster::persistence {

uint32_t crc32c(const char* data, size_t size);

/// The CRC-32C of bytes that come in pieces: value() after add()ing them
/// in order equals crc32c() of all of them.
class crc32c_stream {
public:
  void add(const char* data, size_t size);
  uint32_t value() const;

private:
  uint32_t interim_ = 0xFFFFFFFF; // Boost.CRC's remainder so far
};

} // namespace doorbuster::persistence
