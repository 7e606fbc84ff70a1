// Windows host for `careerlink serve` (see daemon/runtime/service_host.hpp). Kept thin and free of
// third-party headers so Debian's mingw-w64 cross compiler builds it in CI. Unlike osquery, RUNNING
// is reported only after initialisation (the body's on_ready), never before.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <atomic>
#include <iostream>
#include <string>

#include "daemon/runtime/service_host.hpp"
#include "daemon/runtime/shutdown.hpp"

namespace careerlink::runtime {
namespace {

wchar_t kServiceName[] = L"careerlink";

SERVICE_STATUS_HANDLE g_status_handle = nullptr;
SERVICE_STATUS g_status{};
const ServiceBody* g_body = nullptr;
std::atomic<int> g_exit_code{0};

void report(DWORD state, DWORD wait_hint_ms = 0) {
  static DWORD checkpoint = 1;
  g_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  g_status.dwCurrentState = state;
  // While starting, accept no controls (fluent-bit's rule): a stop before we are up would race.
  g_status.dwControlsAccepted =
      state == SERVICE_START_PENDING ? 0 : SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN;
  g_status.dwWin32ExitCode = g_exit_code.load() == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  g_status.dwServiceSpecificExitCode = static_cast<DWORD>(g_exit_code.load());
  g_status.dwWaitHint = wait_hint_ms;
  g_status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : checkpoint++;
  SetServiceStatus(g_status_handle, &g_status);
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      report(SERVICE_STOP_PENDING, 30000);
      request_shutdown(0);  // the same path as SIGTERM on Linux
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  g_status_handle = RegisterServiceCtrlHandlerExW(kServiceName, control_handler, nullptr);
  if (!g_status_handle) return;
  report(SERVICE_START_PENDING, 60000);
  // The service's working directory is System32: use the executable's folder instead.
  wchar_t path[MAX_PATH];
  const DWORD n = GetModuleFileNameW(nullptr, path, MAX_PATH);
  if (n > 0 && n < MAX_PATH) {
    std::wstring dir(path, n);
    dir.resize(dir.find_last_of(L"\\/") == std::wstring::npos ? 0 : dir.find_last_of(L"\\/"));
    if (!dir.empty()) SetCurrentDirectoryW(dir.c_str());
  }
  ServiceHooks hooks;
  hooks.on_ready = [](const std::string&) { report(SERVICE_RUNNING); };
  g_exit_code = (*g_body)(hooks);
  report(SERVICE_STOPPED);
}

BOOL WINAPI console_handler(DWORD event) {
  switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      request_shutdown(0);
      return TRUE;
    default:
      return FALSE;
  }
}

std::wstring widen(const std::string& s) {
  if (s.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), out.data(), n);
  return out;
}

}  // namespace

int host_service(const ServiceBody& body) {
  g_body = &body;
  SERVICE_TABLE_ENTRYW table[] = {{kServiceName, service_main}, {nullptr, nullptr}};
  if (StartServiceCtrlDispatcherW(table)) return g_exit_code.load();
  if (GetLastError() != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) return 1;
  // Not started by the service control manager: run in the console.
  SetConsoleCtrlHandler(console_handler, TRUE);
  ServiceHooks hooks;
  hooks.on_ready = [](const std::string& status) { std::cerr << "ready: " << status << "\n"; };
  return body(hooks);
}

int install_service(const std::string& arguments) {
  wchar_t exe[MAX_PATH];
  const DWORD n = GetModuleFileNameW(nullptr, exe, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return 1;
  // Global options (--config, --data-dir) go before the subcommand.
  const std::wstring command = L"\"" + std::wstring(exe, n) + L"\" " + widen(arguments) + L" serve";
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE);
  if (!manager) {
    std::cerr << "cannot open the service control manager (run as Administrator): error "
              << GetLastError() << "\n";
    return 1;
  }
  SC_HANDLE service =
      CreateServiceW(manager, kServiceName, L"careerlink", SERVICE_ALL_ACCESS,
                     SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                     command.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr);
  if (!service) {
    std::cerr << "cannot create the service: error " << GetLastError() << "\n";
    CloseServiceHandle(manager);
    return 1;
  }
  SERVICE_DESCRIPTIONW description{
      const_cast<wchar_t*>(L"careerlink: careers guidance records joined to the school's MIS")};
  ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description);
  // Restart on failure: after 5 s, 30 s, then every 2 minutes; the failure count resets daily.
  SC_ACTION actions[] = {
      {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000}, {SC_ACTION_RESTART, 120000}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 86400;
  failure.cActions = 3;
  failure.lpsaActions = actions;
  ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure);
  // Also restart when the process exits with a non-zero status, not only when it crashes.
  SERVICE_FAILURE_ACTIONS_FLAG flag{TRUE};
  ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag);
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  std::cout << "service 'careerlink' installed; start it with: sc start careerlink\n";
  return 0;
}

int uninstall_service() {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (!manager) return 1;
  SC_HANDLE service =
      OpenServiceW(manager, kServiceName, SERVICE_STOP | DELETE | SERVICE_QUERY_STATUS);
  if (!service) {
    std::cerr << "no service 'careerlink' is installed\n";
    CloseServiceHandle(manager);
    return 1;
  }
  SERVICE_STATUS status{};
  ControlService(service, SERVICE_CONTROL_STOP, &status);
  const BOOL deleted = DeleteService(service);
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  if (!deleted) {
    std::cerr << "cannot delete the service: error " << GetLastError() << "\n";
    return 1;
  }
  std::cout << "service 'careerlink' removed\n";
  return 0;
}

}  // namespace careerlink::runtime
