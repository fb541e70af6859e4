// How a handler asks an actor: from its io thread's edge actor, with the
// request's remaining budget as timeout; `done` then runs on the
// connection's io thread with the answer, or with the error when none came.
// Include only in handlers' .cpp files: it pulls in CAF's actor headers.
#pragma once

#include "http/actor_bridge.hpp"
#include "http/detail/handlers.hpp"

#include <boost/asio/post.hpp>

#include <caf/duration.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>

namespace doorbuster::http::detail {

template <class Result>
using answer_fn = std::function<void(caf::expected<Result>)>;

/// An answer later than the request's deadline is not wanted (the session
/// has answered 504 by then); this slack only bounds the edge's
/// bookkeeping.
constexpr auto ask_slack = std::chrono::seconds{1};

template <class Result, class Handle, class... Ts>
void ask(const context& ctx, const Handle& dest, answer_fn<Result> done,
         Ts... xs) {
  struct pending {
    boost::asio::any_io_executor executor;
    answer_fn<Result> done;
  };
  auto call = std::make_shared<pending>(
    pending{ctx.request.executor, std::move(done)});
  auto left = std::max(ctx.request.deadline - std::chrono::steady_clock::now(),
                       std::chrono::steady_clock::duration::zero());
  caf::duration timeout{
    std::chrono::duration_cast<std::chrono::nanoseconds>(left + ask_slack)};
  ctx.bridge.run(ctx.request.io_thread, [call, dest, timeout,
                                         xs...](caf::event_based_actor* self)
                                          mutable {
    self->request(dest, timeout, std::move(xs)...)
      .then(
        [call](Result& answer) {
          boost::asio::post(call->executor,
                            [call, answer = std::move(answer)]() mutable {
                              call->done(std::move(answer));
                            });
        },
        [call](caf::error& err) {
          boost::asio::post(call->executor,
                            [call, err = std::move(err)]() mutable {
                              call->done(std::move(err));
                            });
        });
  });
}

/// The response to an actor that did not answer: 503 with Retry-After, or
/// 504 past the request's `deadline`. (Continuations outlive the context:
/// they capture values, never `ctx`.)
response no_answer(std::chrono::steady_clock::time_point deadline);

} // namespace doorbuster::http::detail
