// The JSON API: maps each request to a route, checks it, and asks the actor
// that serves it through the actor bridge. Knows nothing of storage or of
// actors' internals; never blocks the calling io thread.
#pragma once

#include "actors/admin_actor.hpp"
#include "config/options.hpp"
#include "http/admin_auth.hpp"
#include "http/client_identity.hpp"
#include "http/cors.hpp"
#include "http/message.hpp"
#include "http/rate_limiter.hpp"
#include "http/request_context.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace doorbuster::actors {
class inventory;
} // namespace doorbuster::actors

namespace doorbuster::http {

class actor_bridge;

/// What the api shows of the rest of the node.
struct api_hooks {
  /// Why the node is not ready (empty: ready), beyond starting/stopping.
  std::function<std::vector<std::string>()> not_ready_reasons;
  /// Sections of /readyz beside "ready" and "reasons": each a key and a
  /// JSON object (e.g. "persistence" with write-behind lag, "cluster").
  std::function<std::vector<std::pair<std::string, std::string>>()>
    readiness_details;
  /// More Prometheus text for /metrics.
  std::function<std::string()> extra_metrics;
  /// True while the disk is full: writes are refused (507 storage_full).
  std::function<bool()> storage_full;
};

class api {
public:
  /// Admin writes go to the admin actor, the rest to the inventory's
  /// actors. `opts` must outlive the api.
  api(actors::inventory& inv, actors::admin_actor admin, actor_bridge& bridge,
      const config::options& opts, api_hooks hooks);

  /// Answers through `send`, on the connection's io thread. `ctx.who`
  /// holds the connection's address; the api identifies the client.
  void handle(request&& req, request_context ctx, responder send);

  /// The largest body accepted for `target` (bulk loads get more).
  size_t body_limit(std::string_view target) const;

  /// How long a request for `target` may take before 504:
  /// http.request-timeout-ms, or actors::bulk_timeout for bulk loads if
  /// that is longer.
  std::chrono::milliseconds time_limit(std::string_view target) const;

  /// The largest body_limit() of any path.
  size_t body_limit_max() const {
    return std::max(opts_.http.max_body_bytes, opts_.http.max_bulk_body_bytes);
  }

  /// /readyz answers 200 only after start() and before stopping().
  void start() { phase_ = phase::serving; }
  void stopping() { phase_ = phase::stopping; }

  /// While draining (maintenance), client writes get 503 `draining`; reads
  /// and admin calls go on, and /readyz says why it is not ready.
  void set_draining(bool on) { draining_ = on; }
  bool draining() const { return draining_; }

private:
  actors::inventory& inv_;
  actors::admin_actor admin_;
  actor_bridge& bridge_;
  const config::options& opts_;
  api_hooks hooks_;
  admin_auth auth_;
  identity_policy identity_;
  rate_limiter writes_;
  rate_limiter reads_;
  rate_limiter searches_;
  cors_policy cors_;
  std::atomic<bool> access_log_;
  std::string cache_control_; // rendered once from the options
  enum class phase { starting, serving, stopping };
  std::atomic<phase> phase_{phase::starting};
  std::atomic<bool> draining_{false};

  /// Why the node is not ready (empty: ready).
  std::vector<std::string> not_ready_reasons() const;
  response readiness() const;
  /// The api's own series: readiness and the build.
  std::string node_metrics() const;
  void set_logging(const request& req, const request_context& ctx,
                   responder send);
};

} // namespace doorbuster::http
