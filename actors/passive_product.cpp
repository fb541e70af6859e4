#include "actors/passive_product.hpp"

#include "persistence/codec.hpp"

#include <cstring>

namespace doorbuster::actors {

passive_product passive_product::pack(const domain::stored_product& product) {
  auto bytes = persistence::encode(product);
  auto size = static_cast<uint32_t>(bytes.size());
  passive_product result;
  result.data_ = std::make_unique_for_overwrite<char[]>(sizeof(size) + size);
  std::memcpy(result.data_.get(), &size, sizeof(size));
  std::memcpy(result.data_.get() + sizeof(size), bytes.data(), size);
  return result;
}

uint32_t passive_product::size() const {
  uint32_t size;
  std::memcpy(&size, data_.get(), sizeof(size));
  return size;
}

domain::stored_product passive_product::unpack() const {
  return persistence::decode<domain::stored_product>(
    data_.get() + sizeof(uint32_t), size());
}

} // namespace doorbuster::actors
