#include "actors/sku_order.hpp"

#include <algorithm>

namespace doorbuster::actors {

namespace {

/// The 8 bytes of `sku` from `at` as a big-endian number, zeros past its
/// end: keys compare as the bytes do.
uint64_t key_of(std::string_view sku, size_t at) {
  uint64_t key = 0;
  for (size_t i = 0; i < 8; ++i)
    key = key << 8
          | (at + i < sku.size() ? static_cast<unsigned char>(sku[at + i]) : 0u);
  return key;
}

size_t shared_prefix(std::string_view a, std::string_view b) {
  auto n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

} // namespace

size_t sku_order::run_of(std::string_view sku) const {
  auto after = std::upper_bound(
    runs_.begin(), runs_.end(), sku,
    [](std::string_view s, const run& r) { return s < r.front; });
  return after == runs_.begin() ? 0
                                : static_cast<size_t>(after - runs_.begin()) - 1;
}

size_t sku_order::upper_bound(const run& r, std::string_view sku,
                              const docs& all) {
  std::string_view prefix{r.front.data(), r.prefix};
  if (sku.substr(0, r.prefix) != prefix)
    // Outside the run's prefix: before all of its SKUs or after them.
    return sku < prefix ? 0 : r.ids.size();
  auto key = key_of(sku, r.prefix);
  size_t low = 0, high = r.ids.size();
  while (low < high) {
    auto mid = low + (high - low) / 2;
    bool before = key != r.keys[mid] ? key < r.keys[mid]
                                     : sku < all[r.ids[mid]]->sku;
    if (before)
      high = mid;
    else
      low = mid + 1;
  }
  return low;
}

void sku_order::index(run& r, const docs& all) {
  r.front = all[r.ids.front()]->sku;
  r.prefix = shared_prefix(r.front, all[r.ids.back()]->sku);
  r.keys.resize(r.ids.size());
  for (size_t i = 0; i < r.ids.size(); ++i)
    r.keys[i] = key_of(all[r.ids[i]]->sku, r.prefix);
}

void sku_order::insert(uint32_t id, const docs& all) {
  ++size_;
  const auto& sku = all[id]->sku;
  if (runs_.empty()) {
    auto& r = runs_.emplace_back();
    r.ids.push_back(id);
    index(r, all);
    return;
  }
  auto at = run_of(sku);
  auto& r = runs_[at];
  auto pos = upper_bound(r, sku, all);
  r.ids.insert(r.ids.begin() + static_cast<std::ptrdiff_t>(pos), id);
  if (std::string_view{sku}.substr(0, r.prefix)
      != std::string_view{r.front}.substr(0, r.prefix)) {
    index(r, all); // a new first or last SKU that shares less
  } else {
    r.keys.insert(r.keys.begin() + static_cast<std::ptrdiff_t>(pos),
                  key_of(sku, r.prefix));
    if (pos == 0)
      r.front = sku;
  }
  if (r.ids.size() <= run_at_most)
    return;
  run upper;
  upper.ids.assign(r.ids.begin() + run_at_most / 2, r.ids.end());
  r.ids.resize(run_at_most / 2);
  r.ids.shrink_to_fit();
  r.keys.resize(run_at_most / 2);
  r.keys.shrink_to_fit();
  index(r, all);
  index(upper, all);
  runs_.insert(runs_.begin() + static_cast<std::ptrdiff_t>(at) + 1,
               std::move(upper));
}

void sku_order::insert_many(std::vector<uint32_t> ids, const docs& all) {
  auto by_sku = [&all](uint32_t a, uint32_t b) {
    return all[a]->sku < all[b]->sku;
  };
  // Sorted by their SKUs' first 16 bytes, kept beside them (reaching a
  // document's SKU is a cache miss), and by the whole SKU on a tie.
  struct keyed {
    uint64_t high, low;
    uint32_t id;
  };
  std::vector<keyed> keys(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto& sku = all[ids[i]]->sku;
    keys[i] = {key_of(sku, 0), key_of(sku, 8), ids[i]};
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [&by_sku](const keyed& a, const keyed& b) {
                     if (a.high != b.high)
                       return a.high < b.high;
                     if (a.low != b.low)
                       return a.low < b.low;
                     return by_sku(a.id, b.id);
                   });
  for (size_t i = 0; i < ids.size(); ++i)
    ids[i] = keys[i].id;
  keys = {};
  std::vector<uint32_t> merged;
  merged.reserve(size_ + ids.size());
  for (const auto& r : runs_)
    merged.insert(merged.end(), r.ids.begin(), r.ids.end());
  auto middle = static_cast<std::ptrdiff_t>(merged.size());
  merged.insert(merged.end(), ids.begin(), ids.end());
  // Equal SKUs keep the order's ids first, as one-by-one inserts would.
  std::inplace_merge(merged.begin(), merged.begin() + middle, merged.end(),
                     by_sku);
  runs_.clear();
  constexpr size_t fill = run_at_most * 3 / 4;
  runs_.reserve((merged.size() + fill - 1) / fill);
  for (size_t at = 0; at < merged.size(); at += fill) {
    auto& r = runs_.emplace_back();
    auto end = std::min(merged.size(), at + fill);
    r.ids.assign(merged.begin() + static_cast<std::ptrdiff_t>(at),
                 merged.begin() + static_cast<std::ptrdiff_t>(end));
    index(r, all);
  }
  size_ = merged.size();
}

void sku_order::erase(uint32_t id, const docs& all) {
  if (runs_.empty())
    return;
  const auto& sku = all[id]->sku;
  auto at = run_of(sku);
  auto& r = runs_[at];
  // The ids of this SKU end at its upper bound; one of them is `id`.
  for (auto pos = upper_bound(r, sku, all); pos-- > 0;) {
    if (all[r.ids[pos]]->sku != sku)
      return;
    if (r.ids[pos] != id)
      continue;
    r.ids.erase(r.ids.begin() + static_cast<std::ptrdiff_t>(pos));
    r.keys.erase(r.keys.begin() + static_cast<std::ptrdiff_t>(pos));
    --size_;
    if (r.ids.empty())
      runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(at));
    else if (pos == 0)
      r.front = all[r.ids.front()]->sku;
    return;
  }
}

} // namespace doorbuster::actors
