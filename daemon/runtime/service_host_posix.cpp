// POSIX host: foreground process under systemd (or a terminal). See service_host.hpp.
#include <iostream>

#include "daemon/runtime/service_host.hpp"
#include "daemon/runtime/systemd_notify.hpp"

namespace careerlink::runtime {

int host_service(const ServiceBody& body) {
  ServiceHooks hooks;
  hooks.on_ready = [](const std::string& status) { notify_ready(status); };
  const int code = body(hooks);
  notify_stopping();
  return code;
}

int install_service(const std::string&) {
  std::cerr << "careerlink service install is for Windows; on Linux install the systemd unit "
               "packaging/careerlink.service (see README.md)\n";
  return 64;
}

int uninstall_service() {
  return install_service("");
}

}  // namespace careerlink::runtime
