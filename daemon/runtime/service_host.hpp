// How `careerlink serve` is hosted by the operating system. The service body is the same
// everywhere; only the host differs:
//  - Linux/POSIX: foreground process; systemd (Type=notify) hears READY=1 through on_ready.
//  - Windows: under the service control manager when it started us (START_PENDING until
//    on_ready, then RUNNING; a stop control goes to request_shutdown), else a console program
//    (Ctrl+C goes to request_shutdown). See daemon/windows/.
#pragma once

#include <functional>
#include <string>

namespace careerlink::runtime {

struct ServiceHooks {
  // The body calls this once the store is migrated and the listener bound.
  std::function<void(const std::string& status)> on_ready;
};

using ServiceBody = std::function<int(const ServiceHooks&)>;

// Runs `body` under this platform's host; returns the process exit status.
int host_service(const ServiceBody& body);

// Windows only: registers careerlink as a service that runs `<this exe> <arguments> serve`, with
// restart on failure; and removes it. On other platforms they say to use the systemd unit.
int install_service(const std::string& arguments);
int uninstall_service();

}  // namespace careerlink::runtime
