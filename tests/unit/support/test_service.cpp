#include "tests/unit/support/test_service.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <thread>

#include "tests/unit/support/test_support.hpp"

namespace careerlink::test {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;  // no port to offer: the test then fails to start the service, visibly
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

ServiceProcess::ServiceProcess(const std::filesystem::path& config,
                               const std::filesystem::path& data, const std::filesystem::path& log)
    : log_(log) {
  const std::string cfg = config.string();
  const std::string dir = data.string();
  pid_ = ::fork();
  if (pid_ == 0) {
    const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execl(CAREERLINK_BINARY, CAREERLINK_BINARY, "--config", cfg.c_str(), "--data-dir",
            dir.c_str(), "serve", static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool ServiceProcess::wait_for_log(const std::string& text, int tries) const {
  for (int i = 0; i < tries; ++i) {
    if (read_file(log_).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void ServiceProcess::signal(int sig) const {
  ::kill(pid_, sig);
}

int ServiceProcess::wait_exit(int tries) {
  for (int i = 0; i < tries; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

std::string ServiceProcess::log() const {
  return read_file(log_);
}

}  // namespace careerlink::test
