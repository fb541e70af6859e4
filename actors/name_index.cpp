#include "actors/name_index.hpp"

#include <algorithm>

namespace doorbuster::actors {

namespace {

/// The distinct trigrams of `s`, sorted.
std::vector<uint32_t> trigrams(std::string_view s) {
  std::vector<uint32_t> result;
  if (s.size() < name_index::min_query)
    return result;
  result.reserve(s.size() - 2);
  for (size_t i = 0; i + 2 < s.size(); ++i)
    result.push_back(static_cast<uint32_t>(static_cast<unsigned char>(s[i]))
                       << 16
                     | static_cast<uint32_t>(static_cast<unsigned char>(s[i + 1]))
                         << 8
                     | static_cast<unsigned char>(s[i + 2]));
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

/// Keeps the ids of `kept` that are in `list` as well.
void intersect(std::vector<uint32_t>& kept, const std::vector<uint32_t>& list) {
  auto out = kept.begin();
  if (list.size() > 16 * kept.size()) {
    // A long list: look each one up.
    for (auto id : kept)
      if (std::binary_search(list.begin(), list.end(), id))
        *out++ = id;
  } else {
    auto in = list.begin();
    for (auto id : kept) {
      in = std::lower_bound(in, list.end(), id);
      if (in == list.end())
        break;
      if (*in == id)
        *out++ = id;
    }
  }
  kept.erase(out, kept.end());
}

} // namespace

void name_index::add(uint32_t id, std::string_view folded_name) {
  for (auto t : trigrams(folded_name)) {
    auto& list = postings_[t];
    if (list.empty() || list.back() < id) {
      list.push_back(id);
      continue;
    }
    auto at = std::lower_bound(list.begin(), list.end(), id);
    if (*at != id)
      list.insert(at, id);
  }
}

std::optional<std::vector<uint32_t>>
name_index::candidates(std::string_view needle) const {
  if (needle.size() < min_query)
    return std::nullopt;
  std::vector<const std::vector<uint32_t>*> lists;
  for (auto t : trigrams(needle)) {
    auto i = postings_.find(t);
    if (i == postings_.end())
      return std::vector<uint32_t>{};
    lists.push_back(&i->second);
  }
  std::sort(lists.begin(), lists.end(),
            [](const auto* a, const auto* b) { return a->size() < b->size(); });
  auto result = *lists.front();
  for (size_t i = 1; i < lists.size() && !result.empty(); ++i)
    intersect(result, *lists[i]);
  return result;
}

} // namespace doorbuster::actors
