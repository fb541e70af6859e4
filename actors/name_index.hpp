// The catalog's search index: for every trigram (three consecutive bytes)
// of the lower-cased product names, the sorted ids of the products whose
// name has it. A name containing the query contains each of its trigrams,
// so each of the query's lists, or their intersection, is a superset of
// the matches, which the caller checks against the names. Names are indexed with a terminator byte after them,
// so that a two-byte query is in some trigram "qqX" of every name that
// contains it: its candidates are the union of those lists. Renames only add ids: a list may keep a product whose new
// name lost the trigram, which the check drops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace doorbuster::actors {

class name_index {
public:
  /// Queries shorter than this are not indexed (the caller scans).
  static constexpr size_t min_query = 2;

  /// Indexes `folded_name` under `id`. Adding ids in increasing order is
  /// cheapest.
  void add(uint32_t id, std::string_view folded_name);

  /// The ids (sorted, distinct) of every product whose name may contain
  /// `needle`; nullopt for a needle shorter than min_query, or when the
  /// matches would be more than `at_most`, as a sample shows (the caller
  /// had better scan: they are dense). The rarest trigram's list, narrowed
  /// by the next rarest when it is short.
  std::optional<std::vector<uint32_t>>
  candidates(std::string_view needle, size_t at_most = SIZE_MAX) const;

private:
  std::unordered_map<uint32_t, std::vector<uint32_t>> postings_;
};

} // namespace doorbuster::actors
