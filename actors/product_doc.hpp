// Renders a product's public JSON once per change (RapidJSON's writer), in
// the two parts domain::product_doc keeps.
#pragma once

#include "domain/product.hpp"

namespace doorbuster::actors {

domain::product_doc_ptr render_product_doc(const domain::product_state& p);

/// `s` lower-cased byte by byte (ASCII letters), as a document's folded
/// name is and as searches fold their query.
std::string fold_case(std::string s);

/// The rules part of a document (domain::product_doc): the object's members
/// from "max_per_order" on, and its closing brace.
std::string render_rules_json(const domain::sale_rules& rules);

} // namespace doorbuster::actors
