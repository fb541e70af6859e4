#include "actors/name_index.hpp"

#include <algorithm>
#include <string>

namespace doorbuster::actors {

namespace {

/// How many of a query's trigram lists are intersected: the rarest.
constexpr size_t lists_intersected = 3;

/// A rarest list longer than this is the candidates: not intersected.
constexpr size_t intersected_at_most = 4096;

/// Ids of the rarest list that judge whether a search's candidates are
/// dense.
constexpr size_t sample_size = 1024;

/// After every indexed name. A name may hold this byte too: candidates stay
/// a superset of the matches either way, and the names are checked.
constexpr char terminator = '\0';

uint32_t trigram(unsigned char a, unsigned char b, unsigned char c) {
  return static_cast<uint32_t>(a) << 16 | static_cast<uint32_t>(b) << 8 | c;
}

/// The distinct trigrams of `s`, sorted.
std::vector<uint32_t> trigrams(std::string_view s) {
  std::vector<uint32_t> result;
  if (s.size() < 3)
    return result;
  result.reserve(s.size() - 2);
  for (size_t i = 0; i + 2 < s.size(); ++i)
    result.push_back(trigram(static_cast<unsigned char>(s[i]),
                             static_cast<unsigned char>(s[i + 1]),
                             static_cast<unsigned char>(s[i + 2])));
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

/// Keeps the ids of `kept` that are in `list` as well. Each lookup
/// gallops from the previous one (steps of 1, 2, 4... then a binary
/// search), so lists of any sizes cost about the shorter one's length
/// times the log of the gap.
void intersect(std::vector<uint32_t>& kept, const std::vector<uint32_t>& list) {
  auto out = kept.begin();
  auto in = list.begin();
  for (auto id : kept) {
    size_t step = 1;
    auto probe = in;
    while (probe != list.end() && *probe < id) {
      in = probe;
      probe = static_cast<size_t>(list.end() - probe) > step ? probe + step
                                                             : list.end();
      step *= 2;
    }
    // Before `in` all are smaller than id; from `probe` on, none is.
    in = std::lower_bound(in, probe, id);
    if (in == list.end())
      break;
    if (*in == id)
      *out++ = id;
  }
  kept.erase(out, kept.end());
}

} // namespace

void name_index::add(uint32_t id, std::string_view folded_name) {
  std::string terminated{folded_name};
  terminated += terminator;
  for (auto t : trigrams(terminated)) {
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
name_index::candidates(std::string_view needle, size_t at_most) const {
  if (needle.size() < min_query)
    return std::nullopt;
  if (needle.size() == 2) {
    // Every name with the pair has a trigram "pair, then any byte".
    std::vector<uint32_t> result;
    for (unsigned next = 0; next < 256; ++next) {
      auto i = postings_.find(trigram(static_cast<unsigned char>(needle[0]),
                                      static_cast<unsigned char>(needle[1]),
                                      static_cast<unsigned char>(next)));
      if (i != postings_.end())
        result.insert(result.end(), i->second.begin(), i->second.end());
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    if (result.size() > at_most)
      return std::nullopt;
    return result;
  }
  std::vector<const std::vector<uint32_t>*> lists;
  for (auto t : trigrams(needle)) {
    auto i = postings_.find(t);
    if (i == postings_.end())
      return std::vector<uint32_t>{};
    lists.push_back(&i->second);
  }
  std::sort(lists.begin(), lists.end(),
            [](const auto* a, const auto* b) { return a->size() < b->size(); });
  // The rarest few lists narrow the candidates most; the caller checks
  // every candidate's name anyway, so the commoner ones are left out.
  lists.resize(std::min(lists.size(), lists_intersected));
  const auto& rarest = *lists.front();
  if (rarest.size() > at_most) {
    // Dense, unless the rare lists seldom meet: judged on a sample, which
    // costs a small fraction of intersecting the long lists.
    auto n = std::min(rarest.size(), sample_size);
    std::vector<uint32_t> kept(rarest.begin(), rarest.begin() + n);
    for (size_t i = 1; i < lists.size() && !kept.empty(); ++i)
      intersect(kept, *lists[i]);
    if (kept.size() * rarest.size() / n > at_most)
      return std::nullopt;
  }
  // A long list's candidates are checked as the caller meets them in SKU
  // order, until its page is full: cheaper than intersecting long lists.
  auto result = rarest;
  if (result.size() <= intersected_at_most)
    for (size_t i = 1; i < lists.size() && !result.empty(); ++i)
      intersect(result, *lists[i]);
  return result;
}

} // namespace doorbuster::actors
