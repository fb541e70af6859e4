// Collects one reply per element from many actor threads; the last reply
// answers with all of them, in the elements' order.
#pragma once

#include "actors/product_types.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace doorbuster::actors {

template <class T>
struct gather {
  gather(size_t n, reply_fn<std::vector<T>> done)
    : results(n), pending(n), done(std::move(done)) {}

  /// The reply_fn for element `i`; `self` keeps the gather alive.
  reply_fn<T> slot(size_t i, std::shared_ptr<gather> self) {
    return [self = std::move(self), i](T value) {
      self->results[i] = std::move(value);
      if (self->pending.fetch_sub(1, std::memory_order_acq_rel) == 1)
        self->done(std::move(self->results));
    };
  }

  std::vector<T> results;
  std::atomic<size_t> pending;
  reply_fn<std::vector<T>> done;
};

} // namespace doorbuster::actors
