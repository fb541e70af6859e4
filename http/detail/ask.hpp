// How a handler asks an actor: from its io thread's edge actor, with the
// request's remaining budget as timeout; `done` then runs on the same io
// thread with the answer, or with the error when none came.
// Include only in handlers' .cpp files: it pulls in CAF's actor headers.
#pragma once

#include "http/actor_bridge.hpp"
#include "http/detail/handlers.hpp"

#include <caf/expected.hpp>
#include <caf/response_handle.hpp>

#include <chrono>
#include <memory>

namespace doorbuster::http::detail {

/// An answer later than the request's deadline is not wanted (the session
/// has answered 504 by then); this slack only bounds the edge's
/// bookkeeping.
constexpr auto ask_slack = std::chrono::seconds{1};

/// `done(caf::expected<Result>)` runs on the calling io thread.
template <class Result, class Handle, class Done, class... Ts>
void ask(const context& ctx, const Handle& dest, Done done, Ts&&... xs) {
  auto* edge = ctx.bridge.edge(ctx.request.io_thread, *ctx.request.executor);
  auto shared = std::make_shared<Done>(std::move(done));
  auto handle = edge->request(dest, caf::infinite, std::forward<Ts>(xs)...);
  ctx.bridge.expire(ctx.request.io_thread, ctx.request.deadline + ask_slack,
                    handle.id(), shared);
  handle.then(
      [shared](Result& answer) {
        (*shared)(caf::expected<Result>{std::move(answer)});
      },
      [shared](caf::error& err) {
        (*shared)(caf::expected<Result>{std::move(err)});
      });
}

/// The response to an actor that did not answer: 503 with Retry-After, or
/// 504 past the request's `deadline`. (Continuations outlive the context:
/// they capture values, never `ctx`.)
response no_answer(std::chrono::steady_clock::time_point deadline);

} // namespace doorbuster::http::detail
