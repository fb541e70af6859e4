// The read side's data: every product's rendered document, indexed by SKU
// and by category, in SKU order for cursor pagination. One catalog actor owns
// one index; documents are shared, immutable, between indexes.
#pragma once

#include "domain/listing.hpp"
#include "domain/product.hpp"

#include <map>
#include <string>
#include <unordered_map>

namespace doorbuster::actors {

class catalog_index {
public:
  /// Inserts or replaces by SKU; an older version never replaces a newer one.
  void upsert(domain::product_doc_ptr doc);

  /// Returns nullptr for an unknown SKU.
  domain::product_doc_ptr find(const std::string& sku) const;

  /// Requires: query.limit >= 1.
  domain::listing list(const domain::listing_query& query) const;

  /// `[{"name":...,"count":...},...]`, sorted by name.
  std::string categories_json() const;

  size_t size() const { return by_sku_.size(); }

private:
  using sorted = std::map<std::string, domain::product_doc_ptr>;

  std::unordered_map<std::string, domain::product_doc_ptr> by_sku_;
  sorted all_;
  std::map<std::string, sorted> by_category_;
};

} // namespace doorbuster::actors
