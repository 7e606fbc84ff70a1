#include "tests/unit/support/test_tls.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace careerlink::test {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

[[noreturn]] void fail(const std::string& what) {
  std::string msg = "make_test_pki: " + what;
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  throw std::runtime_error(msg);
}

void check(int rc, const char* what) {
  if (rc <= 0) fail(what);
}

// P-256: fast to generate, so every test can have its own PKI.
Pkey make_key() {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx) fail("EVP_PKEY_CTX_new_from_name");
  check(EVP_PKEY_keygen_init(ctx.get()), "EVP_PKEY_keygen_init");
  check(EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256"), "EVP_PKEY_CTX_set_group_name");
  EVP_PKEY* raw = nullptr;
  check(EVP_PKEY_generate(ctx.get(), &raw), "EVP_PKEY_generate");
  return Pkey(raw);
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(
      X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str()));
  if (!ext) fail("X509V3_EXT_conf_nid " + value);
  check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

void set_name(X509_NAME* name, const std::string& cn) {
  auto add = [&](const char* field, const std::string& v) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0),
          "X509_NAME_add_entry_by_txt");
  };
  add("O", "careerlink tests");
  add("CN", cn);
}

// issuer/issuer_key null => self-signed.
Cert make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
               const std::vector<std::pair<int, std::string>>& exts) {
  Cert cert(X509_new());
  if (!cert) fail("X509_new");
  check(X509_set_version(cert.get(), 2), "X509_set_version");  // v3

  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
  serial[0] &= 0x7f;  // positive
  std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr)
    fail("serial");

  // Back-dated an hour so clock skew between steps never makes a fresh cert "not yet valid".
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600) == nullptr)
    fail("validity");
  set_name(X509_get_subject_name(cert.get()), cn);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "X509_set_issuer_name");
  check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  for (const auto& [nid, value] : exts)
    add_ext(cert.get(), signer, nid, value);
  check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()), "X509_sign");
  return cert;
}

std::unique_ptr<BIO, BioFree> open_out(const std::filesystem::path& file) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(file.c_str(), "w"));
  if (!bio) fail("cannot write " + file.string());
  return bio;
}

void write_cert(const std::filesystem::path& file, X509* cert) {
  auto bio = open_out(file);
  check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
}

void write_key(const std::filesystem::path& file, EVP_PKEY* key) {
  {
    auto bio = open_out(file);
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
          "PEM_write_bio_PrivateKey");
  }
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

std::string san_entry(const std::string& name) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1)
    return "IP:" + name;
  return "DNS:" + name;
}

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir, const std::string& server_name) {
  std::filesystem::create_directories(dir);
  TestPki pki{dir / "ca.pem", dir / "server.pem", dir / "server.key", dir / "client.pem",
              dir / "client.key"};

  Pkey ca_key = make_key();
  Cert ca = make_cert(ca_key.get(), "careerlink test CA", nullptr, nullptr,
                      {{NID_basic_constraints, "critical,CA:TRUE"},
                       {NID_key_usage, "critical,keyCertSign,cRLSign"},
                       {NID_subject_key_identifier, "hash"}});

  std::string san = san_entry(server_name);
  if (san != "IP:127.0.0.1") san += ",IP:127.0.0.1";
  Pkey server_key = make_key();
  Cert server = make_cert(server_key.get(), server_name, ca.get(), ca_key.get(),
                          {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                           {NID_ext_key_usage, "serverAuth"},
                           {NID_subject_alt_name, san},
                           {NID_authority_key_identifier, "keyid:always"}});

  Pkey client_key = make_key();
  Cert client = make_cert(client_key.get(), "careerlink-test-client", ca.get(), ca_key.get(),
                          {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "clientAuth"},
                           {NID_authority_key_identifier, "keyid:always"}});

  write_cert(pki.ca_cert, ca.get());
  write_cert(pki.server_cert, server.get());
  write_key(pki.server_key, server_key.get());
  write_cert(pki.client_cert, client.get());
  write_key(pki.client_key, client_key.get());
  return pki;
}

}  // namespace careerlink::test
