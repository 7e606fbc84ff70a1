// Test PKI made on the fly with the OpenSSL C API: a CA, a server certificate and a client
// certificate (for mutual TLS), all PEM. Nothing is checked in, so nothing expires in the repo.
#pragma once

#include <filesystem>
#include <string>

namespace careerlink::test {

struct TestPki {
  std::filesystem::path ca_cert;      // self-signed CA (P-256), trust anchor for both sides
  std::filesystem::path server_cert;  // leaf signed by the CA, EKU serverAuth
  std::filesystem::path server_key;   // PKCS#8 PEM, mode 0600
  std::filesystem::path
      client_cert;  // leaf signed by the CA, EKU clientAuth, CN careerlink-test-client
  std::filesystem::path client_key;  // PKCS#8 PEM, mode 0600
};

// Writes ca.pem, server.pem, server.key, client.pem, client.key into `dir` (created if missing).
// The server certificate's CN is `server_name` and its subjectAltName holds `server_name` (as DNS,
// or as IP when it parses as an address) plus IP:127.0.0.1. So the default ("localhost") gives
// SAN DNS:localhost, IP:127.0.0.1; any other name gives a certificate that does NOT match
// "localhost", handy for host-name verification tests. Each call makes a fresh CA, so two PKIs
// in two directories do not trust each other. Throws std::runtime_error on any OpenSSL failure.
TestPki make_test_pki(const std::filesystem::path& dir,
                      const std::string& server_name = "localhost");

}  // namespace careerlink::test
