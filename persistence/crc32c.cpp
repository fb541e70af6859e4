#include "persistence/crc32c.hpp"

#include <boost/crc.hpp>

namespace doorbuster::persistence {

uint32_t crc32c(const char* data, size_t size) {
  // Reflected CRC-32C, as used by iSCSI, ext4 and LevelDB.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

} // namespace doorbuster::persistence
