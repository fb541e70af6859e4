#include "actors/catalog_index.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

namespace doorbuster::actors {

void catalog_index::upsert(domain::product_doc_ptr doc) {
  auto& slot = by_sku_[doc->sku];
  if (slot) {
    if (slot->version > doc->version)
      return;
    if (slot->category != doc->category) {
      auto cat = by_category_.find(slot->category);
      cat->second.erase(doc->sku);
      if (cat->second.empty())
        by_category_.erase(cat);
    }
  }
  slot = doc;
  all_[doc->sku] = doc;
  by_category_[doc->category][doc->sku] = std::move(doc);
}

domain::product_doc_ptr catalog_index::find(const std::string& sku) const {
  auto i = by_sku_.find(sku);
  return i == by_sku_.end() ? nullptr : i->second;
}

domain::listing catalog_index::list(const domain::listing_query& query) const {
  domain::listing result;
  const sorted* source = &all_;
  if (!query.category.empty()) {
    auto cat = by_category_.find(query.category);
    if (cat == by_category_.end()) {
      result.items_json = "[]";
      return result;
    }
    source = &cat->second;
  }
  std::string needle = query.search;
  std::transform(needle.begin(), needle.end(), needle.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto i = query.after.empty() ? source->begin()
                               : source->upper_bound(query.after);
  result.items_json = "[";
  size_t count = 0;
  for (; i != source->end(); ++i) {
    const auto& doc = *i->second;
    if (!needle.empty() && doc.folded_name.find(needle) == std::string::npos)
      continue;
    if (count == query.limit) {
      // Another match exists: resume right before it.
      result.next = std::prev(i)->first;
      break;
    }
    if (count++ > 0)
      result.items_json += ',';
    result.items_json += doc.json;
  }
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
