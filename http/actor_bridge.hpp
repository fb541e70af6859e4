// The one edge between HTTP and the actors: one edge actor per io thread.
// An edge actor is a CAF actor whose mailbox its io thread drains (an
// actor_companion with CAF's requester), so an io thread asks any actor
// with request(...).then(...) and the continuation runs back on that io
// thread, where the connection lives: the response is rendered, counted and
// logged there. No io thread ever waits for an actor, and no HTTP work runs
// on an actor's thread (least of all the journal's).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <caf/actor_companion.hpp>
#include <caf/fwd.hpp>
#include <caf/message_id.hpp>
#include <caf/mixin/requester.hpp>

#include <chrono>
#include <memory>

namespace doorbuster::http {

/// An io thread's actor. Runs only on its io thread: requests are made
/// there, and their answers are delivered there.
class edge_actor
  : public caf::extend<caf::actor_companion, edge_actor>::with<
      caf::mixin::requester> {
public:
  using super = caf::extend<caf::actor_companion,
                            edge_actor>::with<caf::mixin::requester>;
  using super::super;
};

class actor_bridge {
public:
  actor_bridge(caf::actor_system& sys, size_t io_threads);
  ~actor_bridge();

  actor_bridge(const actor_bridge&) = delete;
  actor_bridge& operator=(const actor_bridge&) = delete;

  /// The edge actor of io thread `io_thread`, whose messages run on
  /// `executor` (that thread's). Called on that io thread only.
  edge_actor* edge(size_t io_thread,
                   const boost::asio::any_io_executor& executor);

  /// Fails `request` (a response id of the edge actor of `io_thread`) with
  /// sec::request_timeout if it is still unanswered at `expires`, that is
  /// while `waiting` (its continuation's state) lives. Called on that io
  /// thread only. A timer of the io thread checks them: CAF's own request
  /// timeouts cost a round trip through its clock thread each, measured at
  /// 14% of a core under the purchase benchmark.
  void expire(size_t io_thread, std::chrono::steady_clock::time_point expires,
              caf::message_id request, std::weak_ptr<void> waiting);

  /// Ends the edge actors; answers still owed to them are dropped. Call
  /// once the io threads have stopped.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::http
