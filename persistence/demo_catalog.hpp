// The embedded default data source: a generated demo catalog, the same for
// the same seed, so the README's examples work on a fresh node.
#pragma once

#include "actors/product_types.hpp"

#include <string>
#include <utility>
#include <vector>

namespace doorbuster::persistence {

struct demo_catalog_options {
  size_t products = 10000;
  size_t categories = 20;
  uint64_t seed = 42;
};

/// Products "SKU-000001"... spread over the categories.
std::vector<std::pair<std::string, actors::product_fields>>
make_demo_catalog(const demo_catalog_options& opts);

} // namespace doorbuster::persistence
