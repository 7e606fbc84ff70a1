#include "daemon/runtime/shutdown.hpp"

#include <condition_variable>
#include <mutex>

namespace careerlink::runtime {
namespace {

struct State {
  std::mutex mutex;
  std::condition_variable changed;
  bool shutdown = false;
  bool reload = false;
  int code = 0;
};

State& state() {
  static State s;
  return s;
}

}  // namespace

void request_shutdown(int code) {
  auto& s = state();
  {
    std::lock_guard lock(s.mutex);
    if (!s.shutdown) {
      s.shutdown = true;
      s.code = code;
    }
  }
  s.changed.notify_all();
}

bool shutdown_requested() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  return s.shutdown;
}

int wait_for_shutdown() {
  auto& s = state();
  std::unique_lock lock(s.mutex);
  s.changed.wait(lock, [&] { return s.shutdown; });
  return s.code;
}

bool wait_timeout_or_shutdown(std::chrono::milliseconds timeout) {
  auto& s = state();
  std::unique_lock lock(s.mutex);
  return s.changed.wait_for(lock, timeout, [&] { return s.shutdown; });
}

void request_reload() {
  auto& s = state();
  {
    std::lock_guard lock(s.mutex);
    s.reload = true;
  }
  s.changed.notify_all();
}

bool take_reload_request() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  const bool pending = s.reload;
  s.reload = false;
  return pending;
}

bool wait_for_event(std::chrono::milliseconds timeout) {
  auto& s = state();
  std::unique_lock lock(s.mutex);
  return s.changed.wait_for(lock, timeout, [&] { return s.shutdown || s.reload; });
}

void reset_for_tests() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.shutdown = false;
  s.reload = false;
  s.code = 0;
}

}  // namespace careerlink::runtime
