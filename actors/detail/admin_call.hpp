// Inside the admin actor: its state, a command being run, and the handlers
// the command table points to (one per command, in admin_handlers.cpp).
#pragma once

#include "actors/admin_actor.hpp"
#include "actors/admin_commands.hpp"

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>

namespace doorbuster::actors {

struct admin_state {
  admin_deps deps;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point last_top;
};

using admin_self = admin_actor::stateful_pointer<admin_state>;

struct admin_call {
  admin_self self;
  const std::vector<std::string>& words; // the command, then its arguments
  caf::response_promise promise;

  /// {"ok":true,"result":<result_json>}
  void succeed(const std::string& result_json);
  /// {"ok":false,"error":{"code":...,"message":...}}
  void fail(const std::string& code, const std::string& message);
};

/// The answer texts, also for refusals before a handler runs.
std::string admin_success(const std::string& result_json);
std::string admin_failure(const std::string& code, const std::string& message);

/// Sets spdlog's level; empty on success, else why not.
std::string set_log_level(const std::string& name);

namespace admin_handlers {

void status(admin_call& call);
void cluster(admin_call& call);
void shards(admin_call& call);
void top(admin_call& call);
void product(admin_call& call);
void skus(admin_call& call);
/// set-stock, adjust-stock, set-price, pause, resume and sale-window.
void change_product(admin_call& call);
void flush(admin_call& call);
void snapshot(admin_call& call);
void log_level(admin_call& call);
void drain(admin_call& call);
void undrain(admin_call& call);

} // namespace admin_handlers
} // namespace doorbuster::actors
