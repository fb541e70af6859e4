// Cross-origin requests from browser storefronts (the Fetch standard's
// CORS): which origins may call the public API, the headers that let them,
// and the answer to a preflight. Off unless http.cors-origins is set;
// admin paths never answer cross-origin.
#pragma once

#include "http/message.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorbuster::http {

class cors_policy {
public:
  /// `origins`: empty (off), "*" (any), or origins separated by commas
  /// (e.g. "https://shop.example, https://m.shop.example").
  explicit cors_policy(std::string_view origins);

  /// What Access-Control-Allow-Origin says to a request from `origin`, or
  /// nullopt when it may not read the answer.
  std::optional<std::string> allow(std::string_view origin) const;

  /// The answer to a preflight of a path that takes `methods` (an Allow
  /// list).
  response preflight(const std::string& methods) const;

  /// Lets the allowed origin read `res` and the headers that matter.
  static void grant(response& res, const std::string& allowed);

private:
  bool any_ = false;
  std::vector<std::string> origins_;
};

} // namespace doorbuster::http
