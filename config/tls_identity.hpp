// The node's TLS identity for its CAF ports (the admin port and the cluster
// port): a certificate with its private key, and the certificates it
// trusts, kept as PEM files in one directory:
//   node.pem  the certificate        node.key  its key (mode 0600)
//   ca.pem    optional: the CA whose certificates are trusted; without it,
//             peers must hold this very certificate
// Every connection to those ports is mutually authenticated TLS (CAF's
// OpenSSL module): a peer without a trusted certificate is dropped during
// the handshake, before CAF parses or allocates anything it sent.
#pragma once

#include <string>

namespace caf {
class actor_system_config;
}

namespace doorbuster::config {

struct tls_identity {
  std::string certificate;
  std::string key;
  std::string trusted; // ca.pem if present, else the certificate itself
};

/// The identity kept in `dir` (whether or not its files exist).
tls_identity tls_identity_in(const std::string& dir);

/// True if both the certificate and the key exist.
bool tls_identity_exists(const tls_identity& id);

/// Hands the identity to CAF's OpenSSL module, which then authenticates
/// both ends of every connection (call before the actor system starts).
void use_tls_identity(caf::actor_system_config& cfg, const tls_identity& id);

/// Writes a new self-signed identity to `dir` (created if missing): an
/// EC P-256 key and a certificate for "doorbuster", valid ten years.
/// Throws std::runtime_error on failure, and if `dir` already holds one.
tls_identity generate_tls_identity(const std::string& dir);

} // namespace doorbuster::config
