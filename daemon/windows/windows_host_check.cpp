// A small Windows program linked in CI with the mingw-w64 cross compiler: it proves the service
// host (service_host_windows.cpp) and the shutdown path compile and link for Windows. It cannot
// run here (no Windows); see README.md for what has and has not been run.
#include <iostream>

#include "daemon/runtime/service_host.hpp"
#include "daemon/runtime/shutdown.hpp"

int main(int argc, char** argv) {
  using namespace careerlink::runtime;
  if (argc > 1 && std::string(argv[1]) == "install") return install_service("");
  if (argc > 1 && std::string(argv[1]) == "uninstall") return uninstall_service();
  return host_service([](const ServiceHooks& hooks) {
    hooks.on_ready("check program up");
    return wait_for_shutdown();
  });
}
