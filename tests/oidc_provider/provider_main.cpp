// careerlink_test_oidc_provider: the test OpenID provider as its own process, for browser
// tests. Prints its issuer URL on one line of stdout once it is listening, then serves until
// SIGTERM or SIGINT. Faults and key rotation: POST /test/arm?fault=NAME, POST /test/rotate.
//
//   careerlink_test_oidc_provider [--port N] [--issuer-host 127.0.0.1] [--client-id X]
//       [--client-secret Y] [--user email[:name]]... [--redirect-uri URI]... [--alg RS256|ES256]
//       [--tls-cert FILE --tls-key FILE]
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "tests/oidc_provider/test_oidc_provider.hpp"

namespace {

int usage(const std::string& why) {
  std::cerr << "careerlink_test_oidc_provider: " << why
            << "\nusage: careerlink_test_oidc_provider [--port N] [--issuer-host HOST] "
               "[--client-id ID] [--client-secret SECRET] [--user EMAIL[:NAME]]... "
               "[--redirect-uri URI]... [--alg RS256|ES256] [--tls-cert FILE --tls-key FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using careerlink::test::SigningAlg;
  careerlink::test::TestOidcProviderOptions options;
  bool users_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage(std::string(arg) + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--port") {
      unsigned port = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec != std::errc{} || end != value.data() + value.size() || port > 65535)
        return usage("--port must be 0 to 65535");
      options.port = static_cast<std::uint16_t>(port);
    } else if (arg == "--issuer-host") {
      options.issuer_host = value;
    } else if (arg == "--client-id") {
      options.client_id = value;
    } else if (arg == "--client-secret") {
      options.client_secret = value;
    } else if (arg == "--user") {
      if (!users_given) options.users.clear();
      users_given = true;
      const auto colon = value.find(':');
      options.users.push_back(
          {value.substr(0, colon), colon == std::string::npos ? "" : value.substr(colon + 1)});
    } else if (arg == "--redirect-uri") {
      options.redirect_uris.push_back(value);
    } else if (arg == "--alg") {
      if (value != "RS256" && value != "ES256") return usage("--alg must be RS256 or ES256");
      options.alg = value == "RS256" ? SigningAlg::rs256 : SigningAlg::es256;
    } else if (arg == "--tls-cert") {
      options.tls_cert = value;
    } else if (arg == "--tls-key") {
      options.tls_key = value;
    } else {
      return usage("unknown option " + std::string(arg));
    }
  }

  // Logs go to stderr: stdout carries only the issuer line a parent process waits for.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("oidc-provider"));

  // Block the signals before the server's threads start, so only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto provider = careerlink::test::TestOidcProvider::start(std::move(options));
  if (!provider) {
    std::cerr << "careerlink_test_oidc_provider: " << provider.error() << '\n';
    return 1;
  }
  std::cout << (*provider)->issuer() << std::endl;  // flushed: the parent is waiting for it
  int sig = 0;
  sigwait(&signals, &sig);
  (*provider)->stop();
  return 0;
}
