#include "actors/sku_order.hpp"

#include <algorithm>

namespace doorbuster::actors {

namespace {

struct by_sku {
  const sku_order::docs& all;
  bool operator()(uint32_t a, const std::string& sku) const {
    return all[a]->sku < sku;
  }
  bool operator()(const std::string& sku, uint32_t b) const {
    return sku < all[b]->sku;
  }
};

} // namespace

size_t sku_order::run_of(const std::string& sku, const docs& all) const {
  auto after = std::upper_bound(
    runs_.begin(), runs_.end(), sku,
    [&all](const std::string& s, const run& r) { return s < all[r.front()]->sku; });
  return after == runs_.begin() ? 0 : static_cast<size_t>(after - runs_.begin()) - 1;
}

sku_order::run::const_iterator sku_order::first_after(const run& ids,
                                                      const std::string& sku,
                                                      const docs& all) {
  if (sku.empty())
    return ids.begin();
  return std::upper_bound(ids.begin(), ids.end(), sku, by_sku{all});
}

void sku_order::insert(uint32_t id, const docs& all) {
  ++size_;
  if (runs_.empty()) {
    runs_.emplace_back().push_back(id);
    return;
  }
  const auto& sku = all[id]->sku;
  auto r = run_of(sku, all);
  auto& ids = runs_[r];
  ids.insert(std::upper_bound(ids.begin(), ids.end(), sku, by_sku{all}), id);
  if (ids.size() <= run_at_most)
    return;
  run upper(ids.begin() + run_at_most / 2, ids.end());
  ids.resize(run_at_most / 2);
  ids.shrink_to_fit();
  runs_.insert(runs_.begin() + static_cast<std::ptrdiff_t>(r) + 1,
               std::move(upper));
}

void sku_order::erase(uint32_t id, const docs& all) {
  if (runs_.empty())
    return;
  const auto& sku = all[id]->sku;
  auto r = run_of(sku, all);
  auto& ids = runs_[r];
  auto [from, to] = std::equal_range(ids.begin(), ids.end(), sku, by_sku{all});
  auto found = std::find(from, to, id);
  if (found == to)
    return;
  ids.erase(found);
  --size_;
  if (ids.empty())
    runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(r));
}

} // namespace doorbuster::actors
