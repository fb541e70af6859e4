// The JSON API: maps each request to a route, checks it, and hands it to the
// inventory with a completion callback. Knows nothing of storage or actors'
// internals; never blocks the calling io thread.
#pragma once

#include "http/admin_auth.hpp"
#include "http/checkout_input.hpp"
#include "http/message.hpp"
#include "http/rate_limiter.hpp"
#include "http/request_context.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace doorbuster::actors {
class admin_desk;
class inventory;
} // namespace doorbuster::actors

namespace doorbuster::http {

struct api_options {
  std::string admin_token;
  /// Why the node is not ready (empty: ready), beyond starting/stopping.
  std::function<std::vector<std::string>()> not_ready_reasons;
  /// A JSON object with details for /readyz, e.g. write-behind lag.
  std::function<std::string()> readiness_details;
  /// More Prometheus text for /metrics.
  std::function<std::string()> extra_metrics;
  int64_t max_quantity = 1000;
  checkout_limits checkout; // its max_quantity follows max_quantity
  size_t max_body_bytes = 64 * 1024;
  size_t max_bulk_body_bytes = 64 * 1024 * 1024;
  size_t cache_max_age_s = 1;
  double write_rate_per_s = 0; // per client; 0: unlimited
  double write_burst = 20;
  double read_rate_per_s = 0;
  double read_burst = 100;
  size_t max_clients = 100000;
  bool access_log = false;
};

class api {
public:
  /// Admin writes go to the admin actor (`admin`), the rest to `inv`.
  api(actors::inventory& inv, actors::admin_desk& admin,
      const api_options& opts);

  /// Answers through `send`, now or later, from any thread.
  void handle(request&& req, const request_context& ctx, responder send);

  /// The largest body accepted for `target` (bulk loads get more).
  size_t body_limit(std::string_view target) const;

  /// The largest body_limit() of any path.
  size_t body_limit_max() const {
    return std::max(opts_.max_body_bytes, opts_.max_bulk_body_bytes);
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
  actors::admin_desk& admin_;
  api_options opts_;
  admin_auth auth_;
  rate_limiter writes_;
  rate_limiter reads_;
  std::atomic<bool> access_log_;
  std::string cache_control_; // rendered once from the options
  enum class phase { starting, serving, stopping };
  std::atomic<phase> phase_{phase::starting};
  std::atomic<bool> draining_{false};

  response readiness() const;
  void set_logging(const request& req, responder send);
};

} // namespace doorbuster::http
