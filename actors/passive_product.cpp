#include "actors/passive_product.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/error.hpp>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace doorbuster::actors {

passive_product passive_product::pack(const domain::stored_product& product) {
  std::vector<char> bytes;
  caf::binary_serializer sink{nullptr, bytes};
  if (auto err = sink(const_cast<domain::stored_product&>(product)))
    throw std::logic_error("cannot pack product " + product.state.sku);
  passive_product result;
  result.size_ = static_cast<uint32_t>(bytes.size());
  result.data_ = std::make_unique<char[]>(bytes.size());
  std::memcpy(result.data_.get(), bytes.data(), bytes.size());
  return result;
}

domain::stored_product passive_product::unpack() const {
  domain::stored_product product;
  caf::binary_deserializer source{nullptr, data_.get(), size_};
  if (auto err = source(product))
    throw std::logic_error("cannot unpack a passive product");
  return product;
}

} // namespace doorbuster::actors
