// `careerlink serve` as a child process for tests over real HTTP on loopback: a free port, the
// service with its console log in a file, and waits bounded in time.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace careerlink::test {

// A loopback port nothing listens on right now (bind to 0, read it back, close); 0 if none.
int free_port();

class ServiceProcess {
 public:
  // Starts `careerlink --config <config> --data-dir <data> serve`, logging to <log>.
  ServiceProcess(const std::filesystem::path& config, const std::filesystem::path& data,
                 const std::filesystem::path& log);
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;
  ~ServiceProcess();  // SIGKILL if still running

  // Waits (bounded) for a log line containing `text`; true when it appeared.
  [[nodiscard]] bool wait_for_log(const std::string& text, int tries = 600) const;
  void signal(int sig) const;
  // Waits (bounded) for the process to exit; its exit status, or -1 if it did not.
  int wait_exit(int tries = 600);
  [[nodiscard]] std::string log() const;

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace careerlink::test
