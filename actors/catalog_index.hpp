// The read side's data: every product's rendered document, indexed by SKU,
// by category, in SKU order for cursor pagination, and by name trigrams for
// search (name_index). One per node (shared_catalog); documents are shared,
// immutable.
#pragma once

#include "actors/name_index.hpp"
#include "actors/sku_order.hpp"
#include "domain/listing.hpp"
#include "domain/product.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace doorbuster::actors {

class catalog_index {
public:
  /// Inserts or replaces by SKU; an older version never replaces a newer one.
  void upsert(domain::product_doc_ptr doc);

  /// Returns nullptr for an unknown SKU.
  domain::product_doc_ptr find(const std::string& sku) const;

  /// Requires: query.limit >= 1. A search of name_index::min_query or more
  /// bytes uses the name index, unless its candidates are so many that a
  /// scan of the names in SKU order fills the page sooner.
  domain::listing list(const domain::listing_query& query) const;

  /// The page by a scan of the names in SKU order.
  domain::listing scan(const domain::listing_query& query) const;

  /// The page by the name index, whatever the candidates; nullopt for a
  /// search shorter than name_index::min_query. The same page as scan()
  /// (tests compare them).
  std::optional<domain::listing>
  search(const domain::listing_query& query) const;

  /// `[{"name":...,"count":...},...]`, sorted by name.
  std::string categories_json() const;

  size_t size() const { return ids_.size(); }

private:
  domain::listing page_of(const std::vector<uint32_t>& candidates,
                          const std::string& needle,
                          const domain::listing_query& query) const;

  std::unordered_map<std::string, uint32_t> ids_; // SKU -> index in docs_
  sku_order::docs docs_; // by id
  sku_order all_;
  std::map<std::string, sku_order> by_category_;
  name_index names_;
};

} // namespace doorbuster::actors
