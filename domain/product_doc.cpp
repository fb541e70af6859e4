#include "domain/product.hpp"

namespace doorbuster::domain {

product_doc product_doc::make(std::string sku, uint64_t version,
                              std::string_view head, std::string_view category,
                              std::string_view folded_name,
                              std::shared_ptr<const std::string> rules) {
  product_doc doc;
  doc.sku = std::move(sku);
  doc.version = version;
  doc.text.reserve(head.size() + category.size() + folded_name.size());
  doc.text.append(head).append(category).append(folded_name);
  doc.head_size = static_cast<uint32_t>(head.size());
  doc.category_size = static_cast<uint32_t>(category.size());
  doc.rules = std::move(rules);
  return doc;
}

const std::shared_ptr<const std::string>& default_rules_json() {
  // What actors::render_product_doc writes for sale_rules{} (a test checks).
  static const auto json = std::make_shared<const std::string>(
    R"("max_per_order":null,"max_per_customer":null,"max_hold_seconds":null,)"
    R"("sale_starts_at":null,"sale_ends_at":null,"paused":false})");
  return json;
}

std::shared_ptr<const std::string> share_rules_json(std::string json) {
  if (json == *default_rules_json())
    return default_rules_json();
  return std::make_shared<const std::string>(std::move(json));
}

} // namespace doorbuster::domain
