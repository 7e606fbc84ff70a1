// Turns process signals into requests on the one shutdown path. POSIX: SIGTERM and SIGINT ask
// for shutdown, SIGHUP for a config reload; a dedicated thread receives them with sigwait, so no
// work happens in a signal handler. Call before starting any other thread (the mask is inherited).
#pragma once

namespace careerlink::runtime {

class SignalWatcher {
 public:
  SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  ~SignalWatcher();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace careerlink::runtime
