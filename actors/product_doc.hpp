// Renders a product's public JSON once per change (RapidJSON's writer).
#pragma once

#include "domain/product.hpp"

namespace doorbuster::actors {

domain::product_doc_ptr render_product_doc(const domain::product_state& p);

} // namespace doorbuster::actors
