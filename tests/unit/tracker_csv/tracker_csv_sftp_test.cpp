// tracker-csv over SFTP for real: Debian's /usr/sbin/sshd started by each test on 127.0.0.1 (a
// free port), with a host key, a client key and authorized_keys the test makes. sshd runs as
// root (as in CI); when it cannot start because we are not root, the test is skipped, not faked.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "connectors/tracker/compass_profile.hpp"
#include "connectors/tracker/tracker_csv.hpp"
#include "tests/unit/support/test_support.hpp"

namespace careerlink::tracker {
namespace {

namespace fs = std::filesystem;

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t length = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &length);
  ::close(s);
  return ntohs(a.sin_port);
}

bool accepts_connections(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

// "ssh-ed25519 AAAA..." without the comment, as the config pins it.
std::string public_key(const fs::path& pub) {
  const std::string line = trim(test::read_file(pub));
  const auto second_space = line.find(' ', line.find(' ') + 1);
  return line.substr(0, second_space);
}

void make_key(const fs::path& file) {
  const auto r = test::run_command(
      "/usr/bin/ssh-keygen", {"-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    names.push_back(e.path().filename());
  std::ranges::sort(names);
  return names;
}

class TrackerCsvSftp : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/sbin/sshd") || !fs::exists("/usr/bin/ssh-keygen")) {
      GTEST_SKIP() << "openssh-server / openssh-client are not installed "
                      "(packaging/setup-debian.sh installs them)";
    }
    const fs::path d = dir_.path();
    make_key(d / "host_key");
    make_key(d / "client_key");
    make_key(d / "other_key");
    if (HasFatalFailure()) return;
    test::write_file(d / "authorized_keys", test::read_file(d / "client_key.pub"));
    fs::create_directories(d / "remote");
    port_ = free_port();
    test::write_file(d / "sshd_config", "Port " + std::to_string(port_) +
                                            "\n"
                                            "ListenAddress 127.0.0.1\n"
                                            "HostKey " +
                                            (d / "host_key").string() +
                                            "\n"
                                            "AuthorizedKeysFile " +
                                            (d / "authorized_keys").string() +
                                            "\n"
                                            "PasswordAuthentication no\n"
                                            "KbdInteractiveAuthentication no\n"
                                            "PubkeyAuthentication yes\n"
                                            "PermitRootLogin prohibit-password\n"
                                            "Subsystem sftp internal-sftp\n"
                                            "PidFile " +
                                            (d / "sshd.pid").string() +
                                            "\n"
                                            "StrictModes no\n"
                                            "UsePAM no\n");
    // Debian's sshd, run as root, wants its privilege separation folder, which systemd makes
    // at boot (tmpfiles) and a container may lack.
    if (::geteuid() == 0 && !fs::exists("/run/sshd")) {
      fs::create_directories("/run/sshd");
      fs::permissions("/run/sshd", fs::perms::owner_all | fs::perms::group_read |
                                       fs::perms::group_exec | fs::perms::others_read |
                                       fs::perms::others_exec);
    }
    const std::string log = (d / "sshd.log").string();
    const std::string config = (d / "sshd_config").string();
    sshd_ = ::fork();
    ASSERT_GE(sshd_, 0);
    if (sshd_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", config.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      if (accepts_connections(port_)) return;
      int status = 0;
      if (::waitpid(sshd_, &status, WNOHANG) == sshd_) {
        sshd_ = -1;
        const std::string why = test::read_file(log);
        if (::geteuid() != 0) GTEST_SKIP() << "sshd cannot start without root: " << why;
        FAIL() << "sshd did not start: " << why;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "sshd did not listen on port " << port_ << ": " << test::read_file(log);
  }

  void TearDown() override {
    if (sshd_ > 0) {
      ::kill(sshd_, SIGTERM);
      int status = 0;
      ::waitpid(sshd_, &status, 0);
      sshd_ = -1;
    }
  }

  SinkConfig sink() const {
    const fs::path d = dir_.path();
    SinkConfig s;
    s.name = "compass-sftp";
    s.type = "tracker-csv";
    s.folder = d;
    s.sftp_host = "127.0.0.1";
    s.sftp_port = port_;
    const passwd* me = ::getpwuid(::geteuid());
    s.sftp_user = me != nullptr ? me->pw_name : "root";
    s.sftp_key_file = d / "client_key";
    s.sftp_host_key = public_key(d / "host_key.pub");
    s.sftp_dir = (d / "remote").string();
    s.timeout_seconds = 10;
    return s;
  }

  static std::vector<TrackerRecord> records(int n) {
    std::vector<TrackerRecord> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto& r = out[static_cast<std::size_t>(i)];
      r.upn = "A82043210" + std::to_string(1000 + i);
      r.forename = "Pupil, " + std::to_string(i);
      r.surname = "Surname \"" + std::to_string(i) + "\"";
      r.dob = "2010-01-01";
      r.nc_year = "11";
      guidance::Destination d;
      d.activity_code = "230";
      d.provider_name = "Riverside College";
      d.recorded_on = "2026-10-01";
      r.intended = d;
    }
    return out;
  }

  std::expected<std::vector<RecordOutcome>, std::string> upload(const SinkConfig& s,
                                                                std::span<const TrackerRecord> rs) {
    auto uploader = make_tracker_csv_uploader(s, {dir_.path()});
    if (!uploader) return std::unexpected(uploader.error());
    UploadContext context;
    context.night = "2026-11-24";
    return (*uploader)->upload("137942", rs, context);
  }

  test::TempDir dir_;
  int port_ = 0;
  pid_t sshd_ = -1;
};

TEST_F(TrackerCsvSftp, TheFileArrivesWithTheSameBytesAndASecondRunAddsAFile) {
  const auto many = records(2000);  // larger than one 32 KiB chunk
  auto first = upload(sink(), many);
  ASSERT_TRUE(first) << first.error() << "\n" << test::read_file(dir_.path() / "sshd.log");
  ASSERT_EQ(first->size(), many.size());
  EXPECT_EQ(first->front().kind, RecordOutcome::Kind::accepted);
  const std::string name = "compass-137942-2026-11-24.csv";
  const std::string local = test::read_file(dir_.path() / name);
  EXPECT_GT(local.size(), 64U * 1024U);
  EXPECT_EQ(test::read_file(dir_.path() / "remote" / name), local);

  // The same night again, fewer records: a second file beside the first, which stays whole.
  const auto few = records(3);
  auto second = upload(sink(), few);
  ASSERT_TRUE(second) << second.error();
  const std::string second_name = "compass-137942-2026-11-24-2.csv";
  EXPECT_EQ(test::read_file(dir_.path() / "remote" / name), local);
  EXPECT_EQ(test::read_file(dir_.path() / "remote" / second_name),
            csv_document(*find_csv_profile("compass"), few));
  EXPECT_EQ(listing(dir_.path() / "remote"),
            (std::vector<std::string>{second_name, name}));  // sorted
}

TEST_F(TrackerCsvSftp, AWrongPinnedHostKeyIsRefusedAndNothingIsUploaded) {
  auto s = sink();
  s.sftp_host_key = public_key(dir_.path() / "other_key.pub");
  auto result = upload(s, records(2));
  ASSERT_FALSE(result);
  // The error names the fingerprint the server showed, as ssh-keygen -l prints it.
  const auto seen = test::run_command(
      "/usr/bin/ssh-keygen", {"-l", "-E", "sha256", "-f", (dir_.path() / "host_key.pub").string()});
  ASSERT_EQ(seen.exit_code, 0) << seen.err;
  const std::string fingerprint =
      seen.out.substr(seen.out.find("SHA256:"),
                      seen.out.find(' ', seen.out.find("SHA256:")) - seen.out.find("SHA256:"));
  EXPECT_NE(result.error().find("host key " + fingerprint), std::string::npos) << result.error();
  EXPECT_NE(result.error().find("not the one pinned"), std::string::npos) << result.error();
  EXPECT_TRUE(listing(dir_.path() / "remote").empty());
}

TEST_F(TrackerCsvSftp, AWrongClientKeyIsRefused) {
  auto s = sink();
  s.sftp_key_file = dir_.path() / "other_key";
  auto result = upload(s, records(2));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("refused the key"), std::string::npos) << result.error();
  EXPECT_TRUE(listing(dir_.path() / "remote").empty());
}

TEST_F(TrackerCsvSftp, AnUnreachableServerFailsTheWholeUpload) {
  TearDown();  // nobody listens on the port now
  auto result = upload(sink(), records(2));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("cannot connect"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace careerlink::tracker
