// The embedded default data source: a generated demo catalog, the same for
// the same seed, so the README's examples work on a fresh node.
#pragma once

#include "config/options.hpp"
#include "domain/product.hpp"

#include <vector>

namespace doorbuster::persistence {

/// Products "SKU-000001"... spread over the categories.
std::vector<domain::product_entry>
make_demo_catalog(const config::demo_options& opts);

} // namespace doorbuster::persistence
