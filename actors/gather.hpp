// Asks many actors at once from inside one actor, and continues in that
// actor once every answer is in: `done` gets them in the order asked. A
// request that fails (timed out, receiver gone) puts `failed(i, error)` in
// its place, so a lost reply never leaves the gathering waiting. Every
// callback runs in the asking actor, so the state needs no synchronization.
#pragma once

#include <caf/error.hpp>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace doorbuster::actors {

/// Requests out at once, by default.
constexpr size_t gather_window = 256;

/// `ask(i)` sends request `i` (self->request(...)) and returns its handle.
template <class Result, class Ask, class Failed, class Done>
void gather(size_t n, Ask ask, Failed failed, Done done,
            size_t window = gather_window) {
  if (n == 0) {
    done(std::vector<Result>{});
    return;
  }
  struct gathering : std::enable_shared_from_this<gathering> {
    gathering(size_t n, Ask ask, Failed failed, Done done)
      : results(n), pending(n), ask(std::move(ask)), failed(std::move(failed)),
        done(std::move(done)) {}

    std::vector<Result> results;
    size_t pending;
    size_t next = 0; // the next request to send
    Ask ask;
    Failed failed;
    Done done;

    void send_next() {
      auto i = next++;
      auto self = this->shared_from_this();
      ask(i).then(
        [self, i](Result& value) { self->put(i, std::move(value)); },
        [self, i](caf::error& err) { self->put(i, self->failed(i, err)); });
    }

    void put(size_t i, Result value) {
      results[i] = std::move(value);
      if (--pending == 0) {
        done(std::move(results));
        return;
      }
      if (next < results.size())
        send_next();
    }
  };
  auto g = std::make_shared<gathering>(n, std::move(ask), std::move(failed),
                                       std::move(done));
  for (size_t i = 0; i < std::min(n, std::max<size_t>(window, 1)); ++i)
    g->send_next();
}

} // namespace doorbuster::actors
