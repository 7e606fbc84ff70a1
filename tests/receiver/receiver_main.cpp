// careerlink_test_receiver: the loopback HTTPS receiver as its own process, for tests that kill
// and restart careerlink (the crash test). It writes its port to --port-file once listening and
// appends each newly applied idempotency key to --applied-log; it runs until SIGTERM or SIGINT.
//
//   careerlink_test_receiver --cert server.pem --key server.key --port-file port
//       [--applied-log applied.txt] [--secret-file secret] [--plain] [--port N]
//       [--default ok|429|500|400|stall|reset]
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "tests/receiver/https_receiver.hpp"

namespace {

int usage(const std::string& why) {
  std::cerr << "careerlink_test_receiver: " << why
            << "\nusage: careerlink_test_receiver --cert FILE --key FILE --port-file FILE "
               "[--applied-log FILE] [--secret-file FILE] [--plain] [--port N] "
               "[--default ok|429|500|400|stall|reset]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using careerlink::test::ReceiverAction;
  careerlink::test::ReceiverOptions options;
  std::optional<std::filesystem::path> port_file;
  careerlink::test::ReceiverReply fallback;
  const std::map<std::string_view, ReceiverAction> actions{{"ok", ReceiverAction::ok},
                                                           {"429", ReceiverAction::retry_later},
                                                           {"500", ReceiverAction::server_error},
                                                           {"400", ReceiverAction::bad_request},
                                                           {"stall", ReceiverAction::stall},
                                                           {"reset", ReceiverAction::reset}};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--plain") {
      options.tls = false;
      continue;
    }
    auto v = value();
    if (!v) return usage(std::string(arg) + " needs a value");
    if (arg == "--cert") {
      options.cert = *v;
    } else if (arg == "--key") {
      options.key = *v;
    } else if (arg == "--port-file") {
      port_file = *v;
    } else if (arg == "--applied-log") {
      options.applied_log = *v;
    } else if (arg == "--secret-file") {
      std::ifstream in(*v);
      std::string secret;
      std::getline(in, secret);
      if (secret.empty()) return usage("secret file is missing or empty");
      options.hmac_secret = secret;
    } else if (arg == "--port") {
      options.port = static_cast<std::uint16_t>(std::stoi(*v));
    } else if (arg == "--default") {
      auto it = actions.find(*v);
      if (it == actions.end()) return usage("unknown --default " + *v);
      fallback.action = it->second;
    } else {
      return usage("unknown option " + std::string(arg));
    }
  }
  if (!port_file) return usage("--port-file is required");
  if (options.tls && (options.cert.empty() || options.key.empty()))
    return usage("--cert and --key are required (or --plain)");

  // Block the signals before any thread starts, so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    careerlink::test::HttpsReceiver receiver(options);
    receiver.set_default(fallback);
    // Written whole, then renamed: a reader never sees a half-written port.
    auto tmp = *port_file;
    tmp += ".tmp";
    {
      std::ofstream out(tmp);
      out << receiver.port() << '\n';
    }
    std::filesystem::rename(tmp, *port_file);
    int sig = 0;
    sigwait(&signals, &sig);
    receiver.stop();
  } catch (const std::exception& e) {
    std::cerr << "careerlink_test_receiver: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
