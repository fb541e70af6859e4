#include "http/actor_bridge.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_execution_unit.hpp>

#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace doorbuster::http {

namespace {

using clock = std::chrono::steady_clock;

struct edge_slot {
  caf::actor handle; // keeps `actor` alive
  edge_actor* actor = nullptr;
  std::unique_ptr<caf::scoped_execution_unit> unit;
  bool bound = false;
  // Requests and when they expire, in the order sent; with one request
  // timeout for all, that is the order they expire in.
  struct watch {
    clock::time_point expires;
    caf::message_id request;
    std::weak_ptr<void> waiting; // gone once answered
  };
  std::deque<watch> watched;
  std::optional<boost::asio::steady_timer> timer; // set when bound
  bool timer_armed = false;
};

/// Fails every watched request that expired; re-arms for the next one.
void sweep(edge_slot& slot) {
  slot.timer_armed = false;
  auto now = clock::now();
  while (!slot.watched.empty() && slot.watched.front().expires <= now) {
    auto w = std::move(slot.watched.front());
    slot.watched.pop_front();
    if (w.waiting.expired())
      continue; // answered
    // As CAF's clock would: an error response; dropped if answered.
    auto timeout = caf::make_mailbox_element(
      nullptr, w.request, {}, caf::make_error(caf::sec::request_timeout));
    slot.actor->activate(slot.unit.get(), *timeout);
  }
  if (slot.watched.empty())
    return;
  slot.timer_armed = true;
  slot.timer->expires_at(slot.watched.front().expires);
  slot.timer->async_wait([&slot](boost::system::error_code ec) {
    if (!ec)
      sweep(slot);
  });
}

} // namespace

struct actor_bridge::impl {
  std::vector<edge_slot> slots;
};

actor_bridge::actor_bridge(caf::actor_system& sys, size_t io_threads)
  : impl_(std::make_unique<impl>()) {
  for (size_t i = 0; i < io_threads; ++i) {
    auto handle = sys.spawn<edge_actor, caf::hidden>();
    edge_slot slot;
    slot.actor = static_cast<edge_actor*>(
      caf::actor_cast<caf::abstract_actor*>(handle));
    slot.handle = std::move(handle);
    slot.unit = std::make_unique<caf::scoped_execution_unit>(&sys);
    // It only ever receives answers to its own requests, which the
    // requester's handlers take; a behavior keeps it alive between them.
    slot.actor->become([](caf::unit_t) {});
    impl_->slots.push_back(std::move(slot));
  }
}

actor_bridge::~actor_bridge() {
  stop();
}

edge_actor* actor_bridge::edge(size_t io_thread,
                               const boost::asio::any_io_executor& executor) {
  auto& slot = impl_->slots[io_thread % impl_->slots.size()];
  if (!slot.bound) {
    // First use, on the io thread itself: from now on every message to the
    // edge actor (answers, timeouts) is run on this thread.
    slot.bound = true;
    slot.timer.emplace(executor);
    auto run = [actor = slot.actor, unit = slot.unit.get()](
                 caf::mailbox_element_ptr& msg) {
      actor->activate(unit, *msg);
    };
    // Posting through the concrete io_context executor skips the type
    // erasure of any_io_executor on every message.
    if (auto* io = executor.target<boost::asio::io_context::executor_type>())
      slot.actor->on_enqueue([run, io = *io](caf::mailbox_element_ptr msg) {
        boost::asio::post(io, [run, msg = std::move(msg)]() mutable {
          run(msg);
        });
      });
    else
      slot.actor->on_enqueue([run, executor](caf::mailbox_element_ptr msg) {
        boost::asio::post(executor, [run, msg = std::move(msg)]() mutable {
          run(msg);
        });
      });
  }
  return slot.actor;
}

void actor_bridge::expire(size_t io_thread, clock::time_point expires,
                          caf::message_id request,
                          std::weak_ptr<void> waiting) {
  auto& slot = impl_->slots[io_thread % impl_->slots.size()];
  slot.watched.push_back({expires, request, std::move(waiting)});
  if (!slot.timer_armed) {
    slot.timer_armed = true;
    slot.timer->expires_at(expires);
    slot.timer->async_wait([&slot](boost::system::error_code ec) {
      if (!ec)
        sweep(slot);
    });
  }
}

void actor_bridge::stop() {
  for (auto& slot : impl_->slots)
    if (slot.actor) {
      // What actor_companion::disconnect() does (declared in CAF 0.17.6's
      // header but missing from its library): stop taking messages, end.
      slot.actor->on_enqueue({});
      slot.actor->cleanup(caf::make_error(caf::exit_reason::user_shutdown),
                          slot.unit.get());
      slot.actor = nullptr;
      slot.handle = nullptr;
      slot.watched.clear();
    }
}

} // namespace doorbuster::http
