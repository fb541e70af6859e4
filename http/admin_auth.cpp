#include "http/admin_auth.hpp"

#include <boost/algorithm/hex.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace doorbuster::http {

namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest.data());
  return digest;
}

} // namespace

admin_auth::admin_auth(std::string_view token) : digest_(sha256(token)) {}

bool admin_auth::allows(std::string_view header) const {
  constexpr std::string_view scheme = "Bearer ";
  if (header.substr(0, scheme.size()) != scheme)
    return false;
  return allows_token(header.substr(scheme.size()));
}

bool admin_auth::allows_token(std::string_view token) const {
  auto given = sha256(token);
  return CRYPTO_memcmp(given.data(), digest_.data(), digest_.size()) == 0;
}

std::string generate_admin_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1)
    throw std::runtime_error("no randomness for the admin token");
  std::string token;
  boost::algorithm::hex_lower(std::begin(bytes), std::end(bytes),
                              std::back_inserter(token));
  return token;
}

} // namespace doorbuster::http
