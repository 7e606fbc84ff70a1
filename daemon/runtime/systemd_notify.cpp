#include "daemon/runtime/systemd_notify.hpp"

#include <string>

#if defined(CAREERLINK_HAVE_SYSTEMD)
#include <systemd/sd-daemon.h>
#endif

namespace careerlink::runtime {

#if defined(CAREERLINK_HAVE_SYSTEMD)

void notify_ready(std::string_view status) {
  const std::string message = "READY=1\nSTATUS=" + std::string(status);
  sd_notify(0, message.c_str());
}

void notify_stopping() {
  sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void notify_status(std::string_view status) {
  const std::string message = "STATUS=" + std::string(status);
  sd_notify(0, message.c_str());
}

void notify_watchdog() {
  sd_notify(0, "WATCHDOG=1");
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

#else

void notify_ready(std::string_view) {}
void notify_stopping() {}
void notify_status(std::string_view) {}
void notify_watchdog() {}
std::optional<std::chrono::microseconds> watchdog_interval() {
  return std::nullopt;
}

#endif

}  // namespace careerlink::runtime
