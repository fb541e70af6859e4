#include "persistence/snapshot.hpp"

#include "persistence/codec.hpp"
#include "persistence/crc32c.hpp"
#include "persistence/durable_file.hpp"

#include <boost/endian/conversion.hpp>
#include <spdlog/spdlog.h>

#include <cinttypes>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace doorbuster::persistence {

namespace fs = std::filesystem;

namespace {

constexpr const char* prefix = "snapshot-";
constexpr const char* suffix = ".msgpack";

std::string snapshot_path(const std::string& dir, uint64_t seq) {
  char name[64];
  std::snprintf(name, sizeof(name), "%s%020" PRIu64 "%s", prefix, seq, suffix);
  return (fs::path{dir} / name).string();
}

/// Snapshots in `dir`, newest first.
std::vector<std::pair<uint64_t, std::string>> list_snapshots(
  const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> result;
  if (!fs::exists(dir))
    return result;
  for (const auto& entry : fs::directory_iterator{dir}) {
    auto name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() <= std::strlen(prefix) + 8
        || name.substr(name.size() - std::strlen(suffix)) != suffix)
      continue;
    auto digits = name.substr(std::strlen(prefix), 20);
    if (digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    result.emplace_back(std::stoull(digits), entry.path().string());
  }
  std::sort(result.rbegin(), result.rend());
  return result;
}

} // namespace

void write_snapshot(const std::string& dir, const recovered_state& state) {
  fs::create_directories(dir);
  // Written a megabyte at a time: a million products would take a
  // buffer of 100 MB or more, every snapshot interval.
  constexpr size_t piece = 1 << 20;
  replace_file(snapshot_path(dir, state.seq), [&state](const auto& write) {
    msgpack::sbuffer buf;
    msgpack::packer<msgpack::sbuffer> pk{buf};
    crc32c_stream crc;
    auto flush = [&] {
      crc.add(buf.data(), buf.size());
      write({buf.data(), buf.size()});
      buf.clear();
    };
    pk.pack(state.seq);
    pk.pack(static_cast<uint64_t>(state.product_count()));
    state.for_each_encoded([&](std::string_view product) {
      buf.write(product.data(), product.size());
      if (buf.size() >= piece)
        flush();
    });
    pk.pack(state.checkouts()); // absent in older snapshots
    flush();
    auto sum = boost::endian::native_to_little(crc.value());
    write({reinterpret_cast<const char*>(&sum), sizeof(sum)});
  });
  for (const auto& [seq, old] : list_snapshots(dir))
    if (seq < state.seq)
      fs::remove(old);
}

uint64_t decode_snapshot(const char* data, size_t length,
                         recovered_state& state) {
  if (length < 4)
    throw std::runtime_error("truncated");
  uint32_t stored;
  std::memcpy(&stored, data + length - 4, 4);
  boost::endian::little_to_native_inplace(stored);
  auto size = length - 4;
  if (crc32c(data, size) != stored)
    throw std::runtime_error("fails its checksum");
  size_t offset = 0;
  auto next = [&] { return bounded_unpack(data, size, offset); };
  state.seq = next()->as<uint64_t>();
  auto count = next()->as<uint64_t>();
  for (uint64_t i = 0; i < count; ++i)
    state.put(next()->as<domain::stored_product>());
  if (offset < size)
    for (auto& [id, checkout] :
         next()->as<std::map<uint64_t, domain::sold_checkout>>())
      state.put_checkout(id, std::move(checkout));
  return count;
}

uint64_t read_latest_snapshot(const std::string& dir,
                              recovered_state& state) {
  auto snapshots = list_snapshots(dir);
  if (snapshots.empty())
    return 0;
  const auto& path = snapshots.front().second;
  std::ifstream in{path, std::ios::binary};
  std::vector<char> data(fs::file_size(path));
  if (!in.read(data.data(), static_cast<std::streamsize>(data.size())))
    throw std::runtime_error("snapshot " + path + ": cannot be read");
  uint64_t count = 0;
  try {
    count = decode_snapshot(data.data(), data.size(), state);
  } catch (const std::exception& ex) {
    throw std::runtime_error("snapshot " + path + ": " + ex.what());
  }
  spdlog::info("snapshot {}: {} products up to record {}", path, count,
               state.seq);
  return state.seq;
}

} // namespace doorbuster::persistence
