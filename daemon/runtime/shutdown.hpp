// One shutdown path for the whole process (osquery's requestShutdown/waitForShutdown): signals,
// the Windows service stop and fatal errors all call request_shutdown(); everything that waits
// or sleeps waits through here, so a stop interrupts it at once.
#pragma once

#include <chrono>

namespace careerlink::runtime {

// Asks the process to stop with exit status `code`. The first request's code wins.
void request_shutdown(int code = 0);
[[nodiscard]] bool shutdown_requested();
// Blocks until request_shutdown(); returns the exit status asked for.
int wait_for_shutdown();
// Sleeps up to `timeout`; returns true when woken by a shutdown request.
bool wait_timeout_or_shutdown(std::chrono::milliseconds timeout);

// SIGHUP: re-read the config. The serve loop takes and clears the request.
void request_reload();
[[nodiscard]] bool take_reload_request();
// Waits for a shutdown or reload request, or `timeout`; returns true if either is pending.
bool wait_for_event(std::chrono::milliseconds timeout);

// Clears all requests (tests run several services in one process).
void reset_for_tests();

}  // namespace careerlink::runtime
