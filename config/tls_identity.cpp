#include "config/tls_identity.hpp"

#include <caf/actor_system_config.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace doorbuster::config {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("cannot generate a TLS identity: " + what);
}

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, freer<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, freer<X509, X509_free>>;
using ext_ptr
  = std::unique_ptr<X509_EXTENSION, freer<X509_EXTENSION, X509_EXTENSION_free>>;

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ext_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    fail("extension " + std::string{value});
}

/// Opens `path` for writing with `mode`, failing if it exists.
FILE* create(const std::string& path, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    fail("cannot create " + path);
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    fail("cannot open " + path);
  }
  return f;
}

} // namespace

tls_identity tls_identity_in(const std::string& dir) {
  fs::path d{dir};
  tls_identity id{(d / "node.pem").string(), (d / "node.key").string(), ""};
  auto ca = d / "ca.pem";
  id.trusted = fs::exists(ca) ? ca.string() : id.certificate;
  return id;
}

bool tls_identity_exists(const tls_identity& id) {
  return fs::exists(id.certificate) && fs::exists(id.key);
}

void use_tls_identity(caf::actor_system_config& cfg, const tls_identity& id) {
  // Any of these turns on CAF's mutual authentication (openssl::manager).
  cfg.openssl_certificate = id.certificate;
  cfg.openssl_key = id.key;
  cfg.openssl_cafile = id.trusted;
}

tls_identity generate_tls_identity(const std::string& dir) {
  fs::create_directories(dir);
  auto id = tls_identity_in(dir);
  if (fs::exists(id.certificate) || fs::exists(id.key))
    fail(dir + " already holds one");
  pkey_ptr key{EVP_EC_gen("P-256")};
  if (!key)
    fail("key generation");
  x509_ptr cert{X509_new()};
  unsigned char serial[16];
  if (!cert || X509_set_version(cert.get(), 2) != 1
      || RAND_bytes(serial, sizeof(serial)) != 1)
    fail("certificate");
  serial[0] &= 0x7f; // a positive serial number
  auto* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("doorbuster"),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // Its own trust anchor, for both ends of a connection.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage,
                "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), NID_subject_alt_name, "DNS:doorbuster");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    fail("signing");
  auto* key_file = create(id.key, 0600);
  bool key_ok = PEM_write_PrivateKey(key_file, key.get(), nullptr, nullptr, 0,
                                     nullptr, nullptr)
                == 1;
  key_ok = std::fclose(key_file) == 0 && key_ok;
  auto* cert_file = create(id.certificate, 0644);
  bool cert_ok = PEM_write_X509(cert_file, cert.get()) == 1;
  cert_ok = std::fclose(cert_file) == 0 && cert_ok;
  if (!key_ok || !cert_ok)
    fail("cannot write " + dir);
  return id;
}

} // namespace doorbuster::config
