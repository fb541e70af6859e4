// A page of the catalog: what a listing asks for and what it gets.
#pragma once

#include "domain/inspect.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace doorbuster::domain {

struct listing_query {
  std::string category; // empty: all categories
  std::string search;   // case-insensitive substring of the name
  std::string after;    // resume after this SKU (decoded cursor)
  uint64_t limit = 50;

  template <class Self>
  static auto members(Self& x) {
    return std::tie(x.category, x.search, x.after, x.limit);
  }
  bool operator==(const listing_query&) const = default;
};

struct listing {
  std::string items_json;          // a JSON array of product documents
  std::optional<std::string> next; // SKU to resume after, if more remain

  bool operator==(const listing&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, listing_query& x) {
  return inspect_members(f, "listing_query", x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, listing& x) {
  auto next = optional_of(x.next);
  return f(caf::meta::type_name("listing"), x.items_json, next);
}

} // namespace doorbuster::domain
