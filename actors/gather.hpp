// Asks many actors at once from inside one actor, and continues in that
// actor once every answer is in: `done` gets them in the order asked. A
// request that fails (timed out, receiver gone) puts `failed(i, error)` in
// its place, so a lost reply never leaves the gathering waiting. Every
// callback runs in the asking actor, so the state needs no synchronization.
#pragma once

#include <caf/error.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace doorbuster::actors {

/// `ask(i)` sends request `i` (self->request(...)) and returns its handle.
template <class Result, class Ask, class Failed, class Done>
void gather(size_t n, Ask ask, Failed failed, Done done) {
  if (n == 0) {
    done(std::vector<Result>{});
    return;
  }
  struct gathering {
    std::vector<Result> results;
    size_t pending;
    Done done;
    Failed failed;

    void put(size_t i, Result value) {
      results[i] = std::move(value);
      if (--pending == 0)
        done(std::move(results));
    }
  };
  auto g = std::make_shared<gathering>(
    gathering{std::vector<Result>(n), n, std::move(done), std::move(failed)});
  for (size_t i = 0; i < n; ++i)
    ask(i).then([g, i](Result& value) { g->put(i, std::move(value)); },
                [g, i](caf::error& err) { g->put(i, g->failed(i, err)); });
}

} // namespace doorbuster::actors
