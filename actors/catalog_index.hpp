// The read side's data: every product's rendered document, indexed by SKU
// and by category, in SKU order for cursor pagination. One catalog actor owns
// one index; documents are shared, immutable, between indexes.
#pragma once

#include "actors/product_types.hpp"

#include <map>
#include <string>
#include <unordered_map>

namespace doorbuster::actors {

class catalog_index {
public:
  /// Inserts or replaces by SKU; an older version never replaces a newer one.
  void upsert(product_doc_ptr doc);

  /// Returns nullptr for an unknown SKU.
  product_doc_ptr find(const std::string& sku) const;

  /// Requires: query.limit >= 1.
  listing list(const listing_query& query) const;

  /// `[{"name":...,"count":...},...]`, sorted by name.
  std::string categories_json() const;

  size_t size() const { return by_sku_.size(); }

private:
  using sorted = std::map<std::string, product_doc_ptr>;

  std::unordered_map<std::string, product_doc_ptr> by_sku_;
  sorted all_;
  std::map<std::string, sorted> by_category_;
};

} // namespace doorbuster::actors
