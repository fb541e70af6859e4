// Document ids in SKU order, for the catalog's cursor pagination: sorted
// runs of at most `run_at_most` ids (split in two when full), found by
// their first SKU. About 14 bytes per product where a tree keyed by SKU
// took eighty, and an insert moves a few kilobytes at most.
//
// The SKUs are the documents' (`docs`, indexed by id), which every call is
// given. Reaching one costs two cache misses, so each run also keeps, per
// id, the eight bytes of its SKU that follow the prefix all of the run's
// SKUs share: searches compare those, and read a document only on a tie.
#pragma once

#include "domain/product.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace doorbuster::actors {

class sku_order {
public:
  using docs = std::vector<domain::product_doc_ptr>;

  static constexpr size_t run_at_most = 512;

  /// Requires: `id` is not in the order.
  void insert(uint32_t id, const docs& all);

  /// Inserts every id of `ids` (none in the order yet) in one pass: sorts
  /// them, merges them with the order's ids and builds the runs again,
  /// three quarters full. For a batch as large as a good part of the
  /// order (a start-up's restore), where inserting one by one moves the
  /// runs about once every few hundred ids.
  void insert_many(std::vector<uint32_t> ids, const docs& all);

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
    auto r = run_of(after);
    auto i = after.empty() ? 0 : upper_bound(runs_[r], after, all);
    for (;;) {
      const auto& ids = runs_[r].ids;
      for (; i < ids.size(); ++i)
        if (!f(ids[i]))
          return;
      if (++r == runs_.size())
        return;
      i = 0;
    }
  }

private:
  struct run {
    std::string front; // the SKU of ids.front()
    size_t prefix = 0; // every SKU of the run starts with front's first bytes
    std::vector<uint32_t> ids;
    std::vector<uint64_t> keys; // per id: its SKU's 8 bytes after `prefix`
  };

  /// The run where `sku` belongs: the last whose first SKU is not greater.
  size_t run_of(std::string_view sku) const;
  /// The index in `r` of the first id whose SKU is greater than `sku`.
  static size_t upper_bound(const run& r, std::string_view sku,
                            const docs& all);
  /// Sets r.prefix to what r's SKUs share, and their keys.
  static void index(run& r, const docs& all);

  std::vector<run> runs_;
  size_t size_ = 0;
};

} // namespace doorbuster::actors
