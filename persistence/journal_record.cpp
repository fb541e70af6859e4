#include "persistence/journal_record.hpp"

#include "persistence/codec.hpp"
#include "persistence/crc32c.hpp"

#include <boost/endian/conversion.hpp>

#include <cstring>

namespace doorbuster::persistence {

namespace {

// The variant's index + 1 is the record kind on disk.
constexpr uint8_t first_kind = 1;

void put_u32(std::vector<char>& out, size_t at, uint32_t value) {
  boost::endian::native_to_little_inplace(value);
  std::memcpy(out.data() + at, &value, sizeof(value));
}

uint32_t get_u32(const char* at) {
  uint32_t value;
  std::memcpy(&value, at, sizeof(value));
  return boost::endian::little_to_native(value);
}

/// Lets msgpack pack straight into the frame buffer.
struct vector_writer {
  std::vector<char>& out;
  void write(const char* data, size_t size) {
    out.insert(out.end(), data, data + size);
  }
};

/// Decodes the alternative `index` of a change from `in`; false for an
/// index no build ever wrote.
template <size_t I = 0>
bool decode_change(size_t index, const msgpack::object& in,
                   domain::change& out) {
  if constexpr (I < std::variant_size_v<domain::change>) {
    if (index != I)
      return decode_change<I + 1>(index, in, out);
    out = in.as<std::variant_alternative_t<I, domain::change>>();
    return true;
  } else {
    return false;
  }
}

} // namespace

void append_frame(std::vector<char>& out, uint64_t seq,
                  const domain::change& entry) {
  auto start = out.size();
  out.resize(start + frame_header_size);
  vector_writer writer{out};
  msgpack::packer<vector_writer> pk{writer};
  pk.pack_array(3);
  pk.pack(seq);
  pk.pack(static_cast<uint8_t>(first_kind + entry.index()));
  std::visit([&pk](const auto& record) { pk.pack(record); }, entry);
  auto payload = out.size() - start - frame_header_size;
  put_u32(out, start, static_cast<uint32_t>(payload));
  put_u32(out, start + 4,
          crc32c(out.data() + start + frame_header_size, payload));
}

frame_status read_frame(const char* data, size_t size, journal_record& out,
                        size_t& frame_size) {
  if (size < frame_header_size)
    return frame_status::truncated;
  auto length = get_u32(data);
  if (length == 0 || length > max_frame_payload)
    return frame_status::corrupt;
  if (size - frame_header_size < length)
    return frame_status::truncated;
  const char* payload = data + frame_header_size;
  if (crc32c(payload, length) != get_u32(data + 4))
    return frame_status::corrupt;
  try {
    size_t offset = 0;
    auto handle = bounded_unpack(payload, length, offset);
    const auto& obj = handle.get();
    if (obj.type != msgpack::type::ARRAY || obj.via.array.size != 3)
      return frame_status::corrupt;
    const auto* items = obj.via.array.ptr;
    out.seq = items[0].as<uint64_t>();
    auto kind = items[1].as<uint8_t>();
    if (kind < first_kind || !decode_change(kind - first_kind, items[2],
                                            out.entry))
      return frame_status::corrupt;
  } catch (const msgpack::type_error&) {
    return frame_status::corrupt;
  } catch (const msgpack::unpack_error&) {
    return frame_status::corrupt;
  }
  frame_size = frame_header_size + length;
  return frame_status::ok;
}

} // namespace doorbuster::persistence
