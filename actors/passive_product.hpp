// A product at rest in its shard while no actor serves it: its
// stored_product in CAF's binary form, in one allocation. An idle product
// keeps only this; its shard unpacks it for the actor that serves the next
// request.
#pragma once

#include "domain/stored_product.hpp"

#include <cstdint>
#include <memory>

namespace doorbuster::actors {

class passive_product {
public:
  passive_product() = default;

  static passive_product pack(const domain::stored_product& product);

  /// Requires: !empty().
  domain::stored_product unpack() const;

  bool empty() const { return size_ == 0; }
  /// Bytes kept, besides this object.
  size_t bytes() const { return size_; }

private:
  std::unique_ptr<char[]> data_;
  uint32_t size_ = 0;
};

} // namespace doorbuster::actors
