#include "persistence/crc32c.hpp"

#include <boost/crc.hpp>

namespace doorbuster::persistence {

namespace {

// Reflected CRC-32C, as used by iSCSI, ext4 and LevelDB.
using crc_type =
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

} // namespace

uint32_t crc32c(const char* data, size_t size) {
  crc_type crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

void crc32c_stream::add(const char* data, size_t size) {
  crc_type crc{interim_};
  crc.process_bytes(data, size);
  interim_ = crc.get_interim_remainder();
}

uint32_t crc32c_stream::value() const {
  return crc_type{interim_}.checksum();
}

} // namespace doorbuster::persistence
