// Puts every entry through its shard, from inside an actor, and continues
// in that actor once all answered: the node's start-up load and the admin
// actor's bulk load share it.
#pragma once

#include "actors/gather.hpp"
#include "actors/inventory.hpp"

#include <caf/duration.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace doorbuster::actors::detail {

/// Puts out at once: each waits for its journal write and catalog update,
/// so more in flight keep both cores busier (a million products load in
/// 35 s with 1024, 41 s with gather's 256); beyond, CAF 0.17's clock, which
/// keeps every pending request's timeout, costs more than it gives.
constexpr size_t puts_in_flight = 1024;

/// `done(std::vector<domain::write_result>)` gets the results in the
/// entries' order; an entry not answered within `timeout` is `unavailable`.
/// `inv` outlives the gathering; the entries are its own. `sent(i)`, if
/// given, hears of each entry as it is sent (start-up progress).
template <class Self, class Done>
void put_each(Self* self, const inventory& inv,
              std::vector<domain::product_entry> entries,
              caf::duration timeout, Done done,
              std::function<void(size_t)> sent = {}) {
  auto owned = std::make_shared<std::vector<domain::product_entry>>(
    std::move(entries));
  gather<domain::write_result>(
    owned->size(),
    [self, &inv, owned, timeout, sent](size_t i) {
      if (sent)
        sent(i);
      auto& e = (*owned)[i];
      return self->request(inv.shard_for(e.sku), timeout, put_atom::value,
                           std::move(e.sku), std::move(e.fields));
    },
    [](size_t, const caf::error&) {
      domain::write_result res;
      res.error = domain::errc::unavailable;
      return res;
    },
    std::move(done), puts_in_flight);
}

} // namespace doorbuster::actors::detail
