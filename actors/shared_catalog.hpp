// The node's one catalog_index, shared by its catalog actors: any of them
// reads it under a shared lock (and io threads read product pages with
// try_read), and only the pool's writer actor changes it (single writer),
// under the exclusive lock: as it is the only one, what it finds under the
// shared lock stays so until it changes it. The catalog's memory does not
// grow with the number of catalog actors.
#pragma once

#include "actors/catalog_index.hpp"
#include "actors/detail/writer_first_mutex.hpp"

#include <mutex>
#include <optional>
#include <shared_mutex>

namespace doorbuster::actors {

class shared_catalog {
public:
  /// `f(const catalog_index&)` under the shared lock; returns its result.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock{mutex_};
    return f(static_cast<const catalog_index&>(index_));
  }

  /// As read(), unless the writer holds the lock or waits for it: then
  /// nothing, at once. For threads that must not wait (an io thread).
  template <class F>
  auto try_read(F&& f) const
    -> std::optional<decltype(f(std::declval<const catalog_index&>()))> {
    std::shared_lock lock{mutex_, std::try_to_lock};
    if (!lock.owns_lock())
      return std::nullopt;
    return f(static_cast<const catalog_index&>(index_));
  }

  /// The writer only: `doc` takes its SKU's place if it keeps its category
  /// and name (a sale's change does). Its place is found under the shared
  /// lock, and the exclusive lock is held for a pointer's exchange only, so
  /// that page reads on io threads are seldom turned away; the replaced
  /// document is freed after. False, and nothing done, when the change
  /// needs write().
  bool replace(domain::product_doc_ptr& doc) {
    auto id = read(
      [&](const catalog_index& index) { return index.in_place(*doc); });
    if (!id)
      return false;
    domain::product_doc_ptr old;
    {
      std::unique_lock lock{mutex_};
      old = index_.replace(*id, std::move(doc));
    }
    return true;
  }

  /// `f(catalog_index&)` under the exclusive lock. The writer only.
  template <class F>
  auto write(F&& f) {
    std::unique_lock lock{mutex_};
    return f(index_);
  }

private:
  // A waiting writer goes first: io threads read without pause.
  mutable detail::writer_first_mutex mutex_;
  catalog_index index_;
};

} // namespace doorbuster::actors
