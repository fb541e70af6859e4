#include "persistence/pg_uri.hpp"

#include <cctype>
#include <cstdio>

namespace doorbuster::persistence {

namespace {

std::string percent_encoded(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "'";
}

} // namespace

std::string with_parameters(const std::string& uri,
                            const pg_parameters& parameters) {
  auto result = uri;
  bool is_uri = uri.rfind("postgresql://", 0) == 0
                || uri.rfind("postgres://", 0) == 0;
  for (const auto& [key, value] : parameters) {
    if (is_uri) {
      result += result.find('?') == std::string::npos ? '?' : '&';
      result += key + "=" + percent_encoded(value);
    } else {
      result += (result.empty() ? "" : " ") + key + "=" + quoted(value);
    }
  }
  return result;
}

std::string cluster_connection(const std::string& uri, uint64_t lease_ttl_ms) {
  auto third = std::to_string(lease_ttl_ms / 3);
  return with_parameters(
    uri, {{"connect_timeout", "2"},
          {"tcp_user_timeout", third},
          {"options", "-c idle_in_transaction_session_timeout=" + third}});
}

} // namespace doorbuster::persistence
