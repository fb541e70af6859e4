// Checks "Authorization: Bearer <token>" against the admin token in constant
// time: both sides are hashed (SHA-256) and the digests compared with
// CRYPTO_memcmp, so neither content nor length leaks through timing.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace doorbuster::http {

class admin_auth {
public:
  explicit admin_auth(std::string_view token);

  /// `header` is the whole Authorization header value.
  bool allows(std::string_view header) const;

  /// The bare token (the admin actor's requests carry it so).
  bool allows_token(std::string_view token) const;

private:
  std::array<unsigned char, 32> digest_;
};

/// A fresh random token (32 hex characters) for nodes started without one.
std::string generate_admin_token();

} // namespace doorbuster::http
