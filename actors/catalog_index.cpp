#include "actors/catalog_index.hpp"

#include "actors/product_doc.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace doorbuster::actors {

namespace {

/// New documents in one upsert_many() from which the SKU orders are merged
/// in one pass (when they are also a quarter of the catalog or more).
constexpr size_t bulk_at_least = 1024;

/// Candidates for a search at least one in this many products: scan.
constexpr size_t dense = 64;

/// How many ids a walk in SKU order passes in the time it takes to check
/// one candidate's name (two cache misses against a few nanoseconds).
constexpr size_t ordered_walk_cost = 200;

/// Appends `doc` to a page's JSON array.
void append(domain::listing& page, size_t& count,
            const domain::product_doc& doc) {
  if (count++ > 0)
    page.items_json += ',';
  doc.append_json(page.items_json);
}

} // namespace

uint32_t catalog_index::add(domain::product_doc_ptr doc) {
  auto id = static_cast<uint32_t>(docs_.size());
  docs_.push_back(std::move(doc));
  ids_.insert(id);
  names_.add(id, docs_[id]->folded_name());
  return id;
}

void catalog_index::order(uint32_t id) {
  all_.insert(id, docs_);
  by_category_[std::string{docs_[id]->category()}].insert(id, docs_);
}

void catalog_index::upsert(domain::product_doc_ptr doc) {
  auto at = ids_.find(std::string_view{doc->sku});
  if (at == ids_.end()) {
    order(add(std::move(doc)));
    return;
  }
  auto id = *at;
  auto old = docs_[id];
  if (old->version > doc->version)
    return;
  docs_[id] = doc;
  if (old->category() != doc->category()) {
    auto cat = by_category_.find(old->category());
    cat->second.erase(id, docs_);
    if (cat->second.empty())
      by_category_.erase(cat);
    by_category_[std::string{doc->category()}].insert(id, docs_);
  }
  if (old->folded_name() != doc->folded_name())
    names_.add(id, doc->folded_name());
}

void catalog_index::upsert_many(std::vector<domain::product_doc_ptr> docs) {
  // New documents are indexed by SKU and name at once; their place in the
  // SKU orders waits for the end of the batch.
  auto first_new = static_cast<uint32_t>(docs_.size());
  for (auto& doc : docs) {
    auto at = ids_.find(std::string_view{doc->sku});
    if (at == ids_.end()) {
      add(std::move(doc));
    } else if (*at >= first_new) { // new in this batch: not in an order yet
      auto& old = docs_[*at];
      if (old->version > doc->version)
        continue;
      if (old->folded_name() != doc->folded_name())
        names_.add(*at, doc->folded_name());
      old = std::move(doc);
    } else {
      upsert(std::move(doc));
    }
  }
  auto added = docs_.size() - first_new;
  if (added == 0)
    return;
  if (added < bulk_at_least || added * 4 < all_.size()) {
    for (auto id = first_new; id < docs_.size(); ++id)
      order(id);
    return;
  }
  std::vector<uint32_t> ids(added);
  std::map<std::string_view, std::vector<uint32_t>> by_category;
  for (size_t i = 0; i < added; ++i) {
    ids[i] = first_new + static_cast<uint32_t>(i);
    by_category[docs_[ids[i]]->category()].push_back(ids[i]);
  }
  all_.insert_many(std::move(ids), docs_);
  for (auto& [category, members] : by_category)
    by_category_[std::string{category}].insert_many(std::move(members), docs_);
}

std::optional<uint32_t>
catalog_index::in_place(const domain::product_doc& doc) const {
  auto at = ids_.find(std::string_view{doc.sku});
  if (at == ids_.end())
    return std::nullopt;
  const auto& old = *docs_[*at];
  if (old.version > doc.version || old.category() != doc.category()
      || old.folded_name() != doc.folded_name())
    return std::nullopt;
  return *at;
}

domain::product_doc_ptr catalog_index::replace(uint32_t id,
                                               domain::product_doc_ptr doc) {
  docs_[id].swap(doc);
  return doc;
}

domain::product_doc_ptr catalog_index::find(const std::string& sku) const {
  auto i = ids_.find(std::string_view{sku});
  return i == ids_.end() ? nullptr : docs_[*i];
}

domain::listing catalog_index::list(const domain::listing_query& query) const {
  auto needle = fold_case(query.search);
  // Without an index for it, or when candidates are dense (one in 64 or
  // more), a scan in SKU order fills the page sooner than sorting them.
  auto ids = names_.candidates(needle, docs_.size() / dense);
  if (!ids)
    return scan(query);
  return page_of(*ids, needle, query);
}

std::optional<domain::listing>
catalog_index::search(const domain::listing_query& query) const {
  auto needle = fold_case(query.search);
  auto ids = names_.candidates(needle);
  if (!ids)
    return std::nullopt;
  return page_of(*ids, needle, query);
}

domain::listing catalog_index::page_of(const std::vector<uint32_t>& candidates,
                                       const std::string& needle,
                                       const domain::listing_query& query) const {
  // Checking a candidate's name costs two cache misses. Many candidates:
  // mark them, then walk the SKU order (cheap: ids side by side) and check
  // only the marked ones met until the page is full. A few: check them
  // all and keep the page's worth of the smallest SKUs.
  if (candidates.size() * candidates.size() * ordered_walk_cost
      > (query.limit + 1) * docs_.size()) {
    std::vector<uint64_t> marked((docs_.size() + 63) / 64);
    for (auto id : candidates)
      marked[id / 64] |= uint64_t{1} << (id % 64);
    return walk(query, needle, &marked);
  }
  std::vector<const domain::product_doc*> matches;
  for (auto id : candidates) {
    const auto& doc = *docs_[id];
    if ((!query.category.empty() && doc.category() != query.category)
        || (!query.after.empty() && doc.sku <= query.after)
        || doc.folded_name().find(needle) == std::string_view::npos)
      continue;
    matches.push_back(&doc);
  }
  auto by_sku = [](const auto* a, const auto* b) { return a->sku < b->sku; };
  auto shown = std::min<size_t>(matches.size(), query.limit);
  std::partial_sort(matches.begin(), matches.begin() + shown, matches.end(),
                    by_sku);
  domain::listing result;
  result.items_json = "[";
  size_t count = 0;
  for (size_t i = 0; i < shown; ++i)
    append(result, count, *matches[i]);
  result.items_json += ']';
  if (matches.size() > shown)
    result.next = matches[shown - 1]->sku;
  return result;
}

domain::listing catalog_index::scan(const domain::listing_query& query) const {
  return walk(query, fold_case(query.search), nullptr);
}

domain::listing catalog_index::walk(const domain::listing_query& query,
                                    const std::string& needle,
                                    const std::vector<uint64_t>* marked) const {
  domain::listing result;
  const sku_order* source = &all_;
  if (!query.category.empty()) {
    auto cat = by_category_.find(query.category);
    if (cat == by_category_.end()) {
      result.items_json = "[]";
      return result;
    }
    source = &cat->second;
  }
  result.items_json = "[";
  size_t count = 0;
  const std::string* last = nullptr;
  source->visit_after(query.after, docs_, [&](uint32_t id) {
    if (marked && ((*marked)[id / 64] >> (id % 64) & 1) == 0)
      return true;
    const auto& doc = *docs_[id];
    if (!needle.empty() && doc.folded_name().find(needle) == std::string_view::npos)
      return true;
    if (count == query.limit) {
      // Another match exists: resume after the last one shown.
      result.next = *last;
      return false;
    }
    append(result, count, doc);
    last = &doc.sku;
    return true;
  });
  result.items_json += ']';
  return result;
}

std::string catalog_index::categories_json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartArray();
  for (const auto& [name, items] : by_category_) {
    w.StartObject();
    w.Key("name");
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.Key("count");
    w.Uint64(items.size());
    w.EndObject();
  }
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

} // namespace doorbuster::actors
