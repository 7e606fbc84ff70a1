// careerlink_bench_ctf_ingest: times `careerlink import ctf` against `xmllint --stream` on a
// generated CTF of 2,000 pupils and one ten times larger, and reports wall time and peak RSS.
// Each command runs as a child (fork/exec, wait4) so its peak RSS is its own. See README.md.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tests/gen/ctf_generator.hpp"

namespace {

namespace fs = std::filesystem;

struct Measure {
  double wall_s = 0;
  long max_rss_kb = 0;
  int exit_code = 0;  // of the last run; non-zero means the command failed
};

// Runs argv[0] (PATH lookup) with stdout/stderr to `log`, returns wall time and peak RSS.
Measure run_once(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(2);
  }
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execvp(argv[0], argv.data());
    std::perror("exec");
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) < 0) {
    std::perror("wait4");
    std::exit(2);
  }
  const auto end = std::chrono::steady_clock::now();
  Measure m;
  m.wall_s = std::chrono::duration<double>(end - start).count();
  m.max_rss_kb = usage.ru_maxrss;  // Linux: kilobytes
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m;
}

// Keeps the least wall time and the least peak RSS seen over the runs.
void keep_best(Measure& best, const Measure& m, int run) {
  if (run == 0 || m.wall_s < best.wall_s) best.wall_s = m.wall_s;
  if (run == 0 || m.max_rss_kb < best.max_rss_kb) best.max_rss_kb = m.max_rss_kb;
  best.exit_code = m.exit_code != 0 ? m.exit_code : best.exit_code;
}

void tail(const fs::path& log, std::size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);)
    all.push_back(l);
  const std::size_t from = all.size() > lines ? all.size() - lines : 0;
  for (std::size_t i = from; i < all.size(); ++i)
    std::cout << "    | " << all[i] << "\n";
}

struct Row {
  std::size_t pupils = 0;
  std::uintmax_t bytes = 0;
  Measure careerlink, xmllint;
};

Row bench_size(const fs::path& work, std::size_t pupils, int runs) {
  Row row;
  row.pupils = pupils;
  const fs::path file = work / ("ctf_" + std::to_string(pupils) + ".xml");
  {
    careerlink::testgen::CtfGenOptions options;
    options.pupils = pupils;
    options.seed = 42;
    options.years_of_attendance = 4;
    options.assessments_per_pupil = 12;
    std::ofstream out(file, std::ios::binary);
    careerlink::testgen::write_ctf(out, options);
  }
  row.bytes = fs::file_size(file);

  const fs::path data_dir = work / ("data_" + std::to_string(pupils));
  const fs::path import_log = work / ("careerlink_" + std::to_string(pupils) + ".log");
  // careerlink and xmllint take turns, run by run, so a busy moment on the machine falls on
  // both rather than on one of them (the ratio is what is judged).
  const std::vector<std::string> import_args{CAREERLINK_BINARY, "--data-dir", data_dir.string(),
                                             "import",          "ctf",        file.string()};
  const std::vector<std::string> xmllint_args{"xmllint", "--stream", "--noout", file.string()};
  for (int i = 0; i < runs; ++i) {
    // A fresh store each run, so every run is a first import of the whole file.
    fs::remove_all(data_dir);
    fs::create_directories(data_dir);
    keep_best(row.careerlink, run_once(import_args, import_log), i);
    keep_best(row.xmllint, run_once(xmllint_args, work / "xmllint.log"), i);
  }

  if (row.careerlink.exit_code != 0) {
    std::cout << "  careerlink import failed (exit " << row.careerlink.exit_code
              << "); last lines of " << import_log.string() << ":\n";
    tail(import_log, 8);
  }
  if (row.xmllint.exit_code != 0) {
    std::cout << "  xmllint failed (exit " << row.xmllint.exit_code << ")\n";
  }
  return row;
}

void print(const Row& r) {
  const double ratio = r.xmllint.wall_s > 0 ? r.careerlink.wall_s / r.xmllint.wall_s : 0;
  std::printf(
      "%8zu pupils %8.1f MB | careerlink %7.3f s %7.1f MB%s | xmllint %7.3f s %7.1f MB"
      " | time ratio %5.2fx\n",
      r.pupils, static_cast<double>(r.bytes) / 1e6, r.careerlink.wall_s,
      static_cast<double>(r.careerlink.max_rss_kb) / 1024.0,
      r.careerlink.exit_code != 0 ? " (FAILED)" : "", r.xmllint.wall_s,
      static_cast<double>(r.xmllint.max_rss_kb) / 1024.0, ratio);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t pupils = 2000;
  int runs = 3;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--pupils" && i + 1 < argc) {
      pupils = std::stoul(argv[++i]);
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--keep") {
      keep = true;
    } else {
      std::cerr << "usage: careerlink_bench_ctf_ingest [--pupils N] [--runs R] [--keep]\n";
      return 2;
    }
  }
  const fs::path work =
      fs::temp_directory_path() / ("careerlink_bench_ctf_" + std::to_string(::getpid()));
  fs::create_directories(work);
  std::cout << "careerlink: " << CAREERLINK_BINARY << "\nwork dir:   " << work.string()
            << "\nbest of " << runs << " alternating runs each\n\n";

  const Row one = bench_size(work, pupils, runs);
  print(one);
  const Row ten = bench_size(work, pupils * 10, runs);
  print(ten);

  const double mb1 = static_cast<double>(one.careerlink.max_rss_kb) / 1024.0;
  const double mb10 = static_cast<double>(ten.careerlink.max_rss_kb) / 1024.0;
  const double ratio1 = one.xmllint.wall_s > 0 ? one.careerlink.wall_s / one.xmllint.wall_s : 0;
  const double ratio10 = ten.xmllint.wall_s > 0 ? ten.careerlink.wall_s / ten.xmllint.wall_s : 0;
  std::printf(
      "\npeak RSS careerlink: 1x %.1f MB, 10x %.1f MB (target: about the same, 10x "
      "under 64 MB)\n",
      mb1, mb10);
  std::printf("time vs xmllint --stream: 1x %.2fx, 10x %.2fx (target: within 2x)\n", ratio1,
              ratio10);

  const bool failed = one.careerlink.exit_code != 0 || ten.careerlink.exit_code != 0 ||
                      one.xmllint.exit_code != 0 || ten.xmllint.exit_code != 0;
  const bool met = !failed && mb10 < 64.0 && ratio1 <= 2.0 && ratio10 <= 2.0;
  std::printf("targets: %s\n", failed ? "NOT MEASURED (a command failed)" : met ? "met" : "MISSED");
  if (!keep) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  return failed ? 1 : 0;
}
