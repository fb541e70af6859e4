#include "http/cors.hpp"

#include <algorithm>

namespace doorbuster::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

} // namespace

cors_policy::cors_policy(std::string_view origins) {
  while (!origins.empty()) {
    auto comma = origins.find(',');
    auto item = trim(origins.substr(0, comma));
    if (item == "*")
      any_ = true;
    else if (!item.empty())
      origins_.emplace_back(item);
    if (comma == std::string_view::npos)
      break;
    origins.remove_prefix(comma + 1);
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
          "Content-Type, Idempotency-Key, If-None-Match, X-Api-Key, "
          "X-Request-Id");
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
