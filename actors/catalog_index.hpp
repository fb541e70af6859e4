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
#include <string_view>
#include <unordered_set>
#include <vector>

namespace doorbuster::actors {

class catalog_index {
public:
  catalog_index() = default;
  // ids_ hashes through docs_: the index stays where it was made.
  catalog_index(const catalog_index&) = delete;
  catalog_index& operator=(const catalog_index&) = delete;

  /// Inserts or replaces by SKU; an older version never replaces a newer one.
  void upsert(domain::product_doc_ptr doc);

  /// upsert() of each, in order. New SKUs as many as a quarter of the
  /// catalog (a start-up's restore) go into the SKU orders in one pass each.
  void upsert_many(std::vector<domain::product_doc_ptr> docs);

  /// The id at which `doc` may replace its SKU's document with replace():
  /// the SKU is indexed, `doc` is not older, and it keeps the category and
  /// the name indexed (a sale's change does); nullopt otherwise.
  std::optional<uint32_t> in_place(const domain::product_doc& doc) const;

  /// Puts `doc` at `id`, from in_place() with nothing upserted since, and
  /// gives back the document it replaces.
  domain::product_doc_ptr replace(uint32_t id, domain::product_doc_ptr doc);

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

  size_t size() const { return docs_.size(); }

private:
  /// Indexes a new document by SKU and name; returns its id. It is in no
  /// SKU order yet.
  uint32_t add(domain::product_doc_ptr doc);
  /// Places a new document's id in the SKU orders (all, its category's).
  void order(uint32_t id);
  /// The page by a walk in SKU order, of the ids `marked` (all, without
  /// it) whose name has `needle`.
  domain::listing walk(const domain::listing_query& query,
                       const std::string& needle,
                       const std::vector<uint64_t>* marked) const;
  domain::listing page_of(const std::vector<uint32_t>& candidates,
                          const std::string& needle,
                          const domain::listing_query& query) const;

  /// Ids hashed and compared by their document's SKU, so that a lookup by
  /// SKU finds one: 32 bytes per product, where a map with the SKU as its
  /// key took 72. Not noexcept, so that the set keeps each hash (rehashing
  /// would read every document again).
  struct by_sku {
    using is_transparent = void;
    const sku_order::docs* docs;
    size_t operator()(std::string_view sku) const {
      return std::hash<std::string_view>{}(sku);
    }
    size_t operator()(uint32_t id) const {
      return (*this)(std::string_view{(*docs)[id]->sku});
    }
    bool operator()(uint32_t a, uint32_t b) const noexcept { return a == b; }
    bool operator()(std::string_view sku, uint32_t id) const noexcept {
      return sku == (*docs)[id]->sku;
    }
    bool operator()(uint32_t id, std::string_view sku) const noexcept {
      return sku == (*docs)[id]->sku;
    }
  };

  sku_order::docs docs_; // by id
  std::unordered_set<uint32_t, by_sku, by_sku> ids_{0, by_sku{&docs_},
                                                    by_sku{&docs_}};
  sku_order all_;
  std::map<std::string, sku_order, std::less<>> by_category_;
  name_index names_;
};

} // namespace doorbuster::actors
