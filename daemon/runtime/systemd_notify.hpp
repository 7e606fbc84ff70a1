// Talks to systemd when it started us with Type=notify: READY=1 once the store is migrated and
// the listener bound, STOPPING=1 on the way out, WATCHDOG=1 pings while healthy. Without systemd
// (or on Windows) every call does nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace careerlink::runtime {

void notify_ready(std::string_view status);
void notify_stopping();
void notify_status(std::string_view status);
void notify_watchdog();
// How often to ping, when the unit sets WatchdogSec (half the interval systemd allows).
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace careerlink::runtime
