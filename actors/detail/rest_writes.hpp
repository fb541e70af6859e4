// The puts a shard applies itself, to products at rest or new ones (a bulk
// load), instead of spawning an actor for each: the shard journals them and
// answers once they are durable and in the catalog. A million products
// loaded this way never have an actor, a mailbox or an idle timer each.
#pragma once

#include "domain/product.hpp"

#include <caf/response_promise.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace doorbuster::actors::detail {

/// One bulk put to a shard, until each of its entries is answered: by the
/// shard (products at rest) or by their actors (active products).
struct bulk_answer {
  caf::response_promise promise;
  std::vector<domain::write_result> results; // in the entries' order
  size_t left = 1; // parts still to answer; one for the shard's own loop

  void part_done() {
    if (--left == 0)
      promise.deliver(std::move(results));
  }
};
using bulk_answer_ptr = std::shared_ptr<bulk_answer>;

/// A bulk put's entries the shard applied at rest, journaled together.
struct rest_write {
  uint64_t ticket = 0;         // the shard's ticket of the last of its records
  uint64_t fence = 0;          // the lease they were made under
  std::vector<size_t> entries; // their places in answer->results
  bulk_answer_ptr answer;
};

} // namespace doorbuster::actors::detail
