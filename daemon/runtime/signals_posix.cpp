// POSIX signal watcher (see signals.hpp). The Windows equivalent is the service control handler
// and console control handler in daemon/windows/.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "daemon/runtime/shutdown.hpp"
#include "daemon/runtime/signals.hpp"

namespace careerlink::runtime {

struct SignalWatcher::Impl {
  sigset_t set{};
  std::thread thread;
};

SignalWatcher::SignalWatcher() : impl_(new Impl) {
  sigemptyset(&impl_->set);
  sigaddset(&impl_->set, SIGTERM);
  sigaddset(&impl_->set, SIGINT);
  sigaddset(&impl_->set, SIGHUP);
  // SIGUSR1 only wakes the watcher so the destructor can end it.
  sigaddset(&impl_->set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &impl_->set, nullptr);
  impl_->thread = std::thread([set = impl_->set] {
    for (;;) {
      int signal = 0;
      if (sigwait(&set, &signal) != 0) continue;
      if (signal == SIGUSR1) return;
      if (signal == SIGHUP) {
        spdlog::info("SIGHUP: reloading the configuration");
        request_reload();
      } else {
        spdlog::info("{}: shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
        request_shutdown(0);
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(impl_->thread.native_handle(), SIGUSR1);
  impl_->thread.join();
  delete impl_;
}

}  // namespace careerlink::runtime
