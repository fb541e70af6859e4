// A product at rest in its shard while no actor serves it: its
// stored_product in one allocation, encoded as the journal and snapshots
// encode it (msgpack: small numbers take a byte, where CAF's binary form
// takes eight). An idle product keeps only this; its shard unpacks it for
// the actor that serves the next request.
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

  bool empty() const { return data_ == nullptr; }
  /// Bytes kept, besides this object.
  size_t bytes() const { return empty() ? 0 : sizeof(uint32_t) + size(); }

private:
  uint32_t size() const;

  // The encoding's size (a uint32_t), then the encoding: one pointer here.
  std::unique_ptr<char[]> data_;
};

} // namespace doorbuster::actors
