#include "http/cors.hpp"

#include "config/comma_list.hpp"

#include <algorithm>

namespace doorbuster::http {

cors_policy::cors_policy(std::string_view origins) {
  for (auto item : config::comma_list(origins)) {
    if (item == "*")
      any_ = true;
    else
      origins_.emplace_back(item);
  }
}

std::optional<std::string> cors_policy::allow(std::string_view origin) const {
  if (origin.empty())
    return std::nullopt;
  if (any_)
    return std::string{"*"};
  if (std::find(origins_.begin(), origins_.end(), origin) != origins_.end())
    return std::string{origin};
  return std::nullopt;
}

response cors_policy::preflight(const std::string& methods) const {
  response res{bhttp::status::no_content, 11};
  res.set(bhttp::field::access_control_allow_methods, methods);
  res.set(bhttp::field::access_control_allow_headers,
          "Content-Type, Idempotency-Key, If-None-Match, X-Request-Id");
  res.set(bhttp::field::access_control_max_age, "600");
  return res;
}

void cors_policy::grant(response& res, const std::string& allowed) {
  res.set(bhttp::field::access_control_allow_origin, allowed);
  if (allowed != "*")
    res.set(bhttp::field::vary, "Origin");
  res.set(bhttp::field::access_control_expose_headers,
          "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
          "RateLimit-Reset, X-Request-Id");
}

} // namespace doorbuster::http
