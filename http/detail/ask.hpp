// How a handler asks an actor: from its io thread's edge actor, with the
// request's deadline as its bound; the continuation runs on the same io
// thread. Continuations outlive the handler's context: they capture
// values, never `ctx`.
// Include only in handlers' .cpp files: it pulls in CAF's actor headers.
#pragma once

#include "http/actor_bridge.hpp"
#include "http/detail/handlers.hpp"

#include <caf/response_handle.hpp>

#include <chrono>
#include <memory>

namespace doorbuster::http::detail {

/// An answer later than the request's deadline is not wanted (the session
/// has answered 504 by then); this slack only bounds the edge's
/// bookkeeping.
constexpr auto ask_slack = std::chrono::seconds{1};

/// The response to an actor that did not answer: 503 with Retry-After, or
/// 504 past the request's `deadline`.
response no_answer(std::chrono::steady_clock::time_point deadline);

/// `on_answer(Result& answer, responder& send)` runs on the calling io
/// thread with the answer. When none comes, `send` gets no_answer(): 503
/// with Retry-After, or 504 past the request's deadline.
template <class Result, class Handle, class OnAnswer, class... Ts>
void ask(const context& ctx, const Handle& dest, responder send,
         OnAnswer on_answer, Ts&&... xs) {
  struct call {
    responder send;
    OnAnswer on_answer;
    std::chrono::steady_clock::time_point deadline;
  };
  auto* edge = ctx.bridge.edge(ctx.request.io_thread, *ctx.request.executor);
  auto shared = std::make_shared<call>(
    call{std::move(send), std::move(on_answer), ctx.request.deadline});
  auto handle = edge->request(dest, caf::infinite, std::forward<Ts>(xs)...);
  ctx.bridge.expire(ctx.request.io_thread, ctx.request.deadline + ask_slack,
                    handle.id(), shared);
  handle.then(
    [shared](Result& answer) { shared->on_answer(answer, shared->send); },
    [shared](caf::error&) { shared->send(no_answer(shared->deadline)); });
}

} // namespace doorbuster::http::detail
