// The JSON API: maps each request to a route, checks it, and hands it to the
// inventory with a completion callback. Knows nothing of storage or actors'
// internals; never blocks the calling io thread.
#pragma once

#include "http/admin_auth.hpp"
#include "http/message.hpp"

#include <algorithm>
#include <atomic>
#include <string>

namespace doorbuster::actors {
class inventory;
}

namespace doorbuster::http {

struct api_options {
  std::string admin_token;
  int64_t max_quantity = 1000;
  size_t max_body_bytes = 64 * 1024;
  size_t max_bulk_body_bytes = 64 * 1024 * 1024;
};

class api {
public:
  api(actors::inventory& inv, const api_options& opts);

  /// Answers through `send`, now or later, from any thread.
  void handle(request&& req, responder send);

  /// The largest body accepted for `target` (bulk loads get more).
  size_t body_limit(std::string_view target) const;

  /// The largest body_limit() of any path.
  size_t body_limit_max() const {
    return std::max(opts_.max_body_bytes, opts_.max_bulk_body_bytes);
  }

  /// /readyz answers 200 only while ready.
  void set_ready(bool ready) { ready_ = ready; }

private:
  actors::inventory& inv_;
  api_options opts_;
  admin_auth auth_;
  std::atomic<bool> ready_{false};
};

} // namespace doorbuster::http
