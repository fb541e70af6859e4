// Renders a product's public JSON once per change (RapidJSON's writer).
#pragma once

#include "actors/product_types.hpp"

namespace doorbuster::actors {

product_doc_ptr render_product_doc(const std::string& sku,
                                   const product_fields& fields,
                                   const sale_rules& rules, int64_t reserved,
                                   uint64_t version);

} // namespace doorbuster::actors
