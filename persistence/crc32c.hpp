// CRC-32C (Castagnoli) of a byte range, computed by Boost.CRC.
#pragma once

#include <cstddef>
#include <cstdint>

namespace doorbuster::persistence {

uint32_t crc32c(const char* data, size_t size);

} // namespace doorbuster::persistence
