// Puts every entry through its shard, from inside an actor, and continues
// in that actor once all answered: the node's start-up load and the admin
// actor's bulk load share it.
#pragma once

#include "actors/gather.hpp"
#include "actors/inventory.hpp"
#include "domain/shard.hpp"

#include <caf/duration.hpp>

#include <functional>
#include <limits>
#include <memory>
#include <vector>

namespace doorbuster::actors::detail {

/// Entries a shard takes in one message: their journal records and their
/// catalog update go together, and no actor is spawned for those at rest.
constexpr size_t entries_per_put = 256;

/// Such messages out at once: 4096 products on their way, enough to keep
/// the journal and the catalog busy (a million products: about 4000
/// messages, each with one timeout in CAF's clock).
constexpr size_t puts_in_flight = 16;

/// `done(std::vector<domain::write_result>)` gets the results in the
/// entries' order; an entry whose shard did not answer within `timeout` is
/// `unavailable`. `inv` outlives the gathering. `sent(n)`, if given, hears
/// how many entries were sent so far (start-up progress).
template <class Self, class Done>
void put_each(Self* self, const inventory& inv,
              std::vector<domain::product_entry> entries, caf::duration timeout,
              Done done, std::function<void(size_t)> sent = {}) {
  struct part {
    const shard_actor* shard;
    size_t before;          // entries in the parts before this one
    std::vector<size_t> at; // the entries' places
    std::vector<domain::product_entry> entries;
  };
  constexpr auto none = std::numeric_limits<size_t>::max();
  const auto& shards = inv.shards();
  auto parts = std::make_shared<std::vector<part>>();
  std::vector<size_t> open(shards.size(), none); // each shard's open part
  auto n = entries.size();
  for (size_t i = 0; i < n; ++i) {
    auto s = domain::shard_of(entries[i].sku, shards.size());
    if (open[s] == none || (*parts)[open[s]].at.size() == entries_per_put) {
      open[s] = parts->size();
      parts->push_back({&shards[s], 0, {}, {}});
    }
    auto& p = (*parts)[open[s]];
    p.at.push_back(i);
    p.entries.push_back(std::move(entries[i]));
  }
  size_t before = 0;
  for (auto& p : *parts) {
    p.before = before;
    before += p.at.size();
  }
  gather<std::vector<domain::write_result>>(
      parts->size(),
      [self, parts, timeout, sent](size_t k) {
        auto& p = (*parts)[k];
        if (sent)
          sent(p.before);
        return self->request(*p.shard, timeout, put_atom::value,
                             std::move(p.entries));
      },
      [](size_t, const caf::error&) {
        return std::vector<domain::write_result>{};
      },
      [parts, n, done = std::move(done)](
          std::vector<std::vector<domain::write_result>> answers) mutable {
        std::vector<domain::write_result> results(n);
        for (size_t k = 0; k < answers.size(); ++k) {
          const auto& at = (*parts)[k].at;
          for (size_t j = 0; j < at.size(); ++j)
            if (j < answers[k].size())
              results[at[j]] = std::move(answers[k][j]);
            else
              results[at[j]].error = domain::errc::unavailable;
        }
        done(std::move(results));
      },
      puts_in_flight);
}

} // namespace doorbuster::actors::detail
