#include "http/actor_bridge.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <vector>

// The documented exception to "every message can cross a wire": a task
// carries a closure from an io thread to its edge actor on the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(doorbuster::http::edge_task)

namespace doorbuster::http {

struct actor_bridge::impl {
  std::vector<caf::actor> edges;
};

actor_bridge::actor_bridge(caf::actor_system& sys, size_t io_threads)
  : impl_(std::make_unique<impl>()) {
  for (size_t i = 0; i < io_threads; ++i)
    impl_->edges.push_back(sys.spawn([](caf::event_based_actor* self) {
      return caf::behavior{[self](edge_task& task) { task(self); }};
    }));
}

actor_bridge::~actor_bridge() {
  stop();
}

void actor_bridge::run(size_t io_thread, edge_task task) {
  const auto& edges = impl_->edges;
  caf::anon_send(edges[io_thread % edges.size()], std::move(task));
}

void actor_bridge::stop() {
  for (auto& edge : impl_->edges)
    caf::anon_send_exit(edge, caf::exit_reason::user_shutdown);
}

} // namespace doorbuster::http
