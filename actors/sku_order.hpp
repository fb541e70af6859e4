// Document ids in SKU order, for the catalog's cursor pagination: sorted
// runs of at most `run_at_most` ids (split in two when full), found by
// their first SKU. Four to six bytes per product where a tree keyed by SKU
// took eighty, and an insert moves a few kilobytes at most. The SKUs are
// the documents' (`docs`, indexed by id), which every call is given.
#pragma once

#include "domain/product.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorbuster::actors {

class sku_order {
public:
  using docs = std::vector<domain::product_doc_ptr>;

  static constexpr size_t run_at_most = 2048;

  /// Requires: `id` is not in the order.
  void insert(uint32_t id, const docs& all);

  /// Removes `id`, if it is there.
  void erase(uint32_t id, const docs& all);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  /// Calls `f(id)` for the ids whose SKU is greater than `after`, in SKU
  /// order, while it returns true.
  template <class F>
  void visit_after(const std::string& after, const docs& all, F f) const {
    if (runs_.empty())
      return;
    auto r = run_of(after, all);
    auto i = first_after(runs_[r], after, all);
    for (;;) {
      for (; i != runs_[r].end(); ++i)
        if (!f(*i))
          return;
      if (++r == runs_.size())
        return;
      i = runs_[r].begin();
    }
  }

private:
  using run = std::vector<uint32_t>;

  /// The run where `sku` belongs: the last whose first SKU is not greater.
  size_t run_of(const std::string& sku, const docs& all) const;
  /// The first id in `ids` whose SKU is greater (all, for an empty `sku`).
  static run::const_iterator first_after(const run& ids,
                                         const std::string& sku,
                                         const docs& all);

  std::vector<run> runs_;
  size_t size_ = 0;
};

} // namespace doorbuster::actors
