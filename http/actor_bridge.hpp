// The one edge between HTTP and the actors: one event-based edge actor per
// io thread. An io thread hands its edge actor a task; the task asks an
// actor with request(...).then(...), and the continuation posts the answer
// (or the error) to the connection's executor, where the response is
// rendered, counted and logged. No io thread ever waits for an actor, and
// no HTTP work runs on an actor's thread (least of all the journal's).
#pragma once

#include <caf/fwd.hpp>

#include <functional>
#include <memory>

namespace doorbuster::http {

/// Runs inside an edge actor; issues requests from it. Never leaves the
/// node: it is how an io thread hands a request to its edge actor, the one
/// message type of the node that is not serializable (http/actor_bridge.cpp).
using edge_task = std::function<void(caf::event_based_actor* self)>;

class actor_bridge {
public:
  actor_bridge(caf::actor_system& sys, size_t io_threads);
  ~actor_bridge();

  actor_bridge(const actor_bridge&) = delete;
  actor_bridge& operator=(const actor_bridge&) = delete;

  /// Runs `task` in the edge actor of io thread `io_thread`. Any thread.
  void run(size_t io_thread, edge_task task);

  /// Ends the edge actors; answers still owed to them are dropped.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace doorbuster::http
