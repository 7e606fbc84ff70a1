// bench/nightly: the nightly tracker upload for a synthetic trust of 50 schools x 1,200 pupils,
// every pupil with a destination, to the mock tracker API over loopback TLS: the time of the
// first night (every record sent) and of the next night after 1% of records changed, measured
// in the same run. Target: the second night takes under 5% of the first.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "connectors/tracker/tracker_upload.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/store/store.hpp"
#include "tests/mock_tracker/mock_tracker.hpp"
#include "tests/unit/support/test_tls.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace careerlink;

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == name) {
      int value = fallback;
      const std::string_view text(argv[i + 1]);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc{} || end != text.data() + text.size() || value < 1) {
        std::fprintf(stderr, "%s wants a positive whole number, not '%s'\n", name, argv[i + 1]);
        std::exit(64);
      }
      return value;
    }
  }
  return fallback;
}

std::string upn(int school, int pupil) {
  const std::string digits =
      fmt::format("{:03}{:04}{:05}", 820 + school / 100, school % 10000, pupil % 100000);
  const auto letter = upn_check_letter("?" + digits);
  return std::string(1, letter.value_or('A')) + digits;
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "nightly bench: %s failed\n", what);
    std::exit(70);
  }
}

guidance::Destination destination(const std::string& urn, const std::string& pupil_upn,
                                  const char* type, const char* code, const std::string& on) {
  guidance::Destination d;
  d.school_urn = urn;
  d.pupil.upn = pupil_upn;
  d.type = type;
  d.activity_code = code;
  d.provider_name = "Riverside College";
  d.provider_ukprn = "10005000";
  d.recorded_on = on;
  return d;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // a line per school per night would swamp the figures
  const int schools = arg(argc, argv, "--schools", 50);
  const int pupils = arg(argc, argv, "--pupils", 1200);
  const int changed_per_mille = arg(argc, argv, "--changed-per-mille", 10);  // 10 = 1%
  const auto dir = std::filesystem::temp_directory_path() /
                   ("careerlink-bench-nightly-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "data");
  const auto now = std::chrono::system_clock::now();

  // The trust: every pupil with an intended destination, a fifth of them leavers (left in July)
  // with an actual one too, so pseudonymisation is part of the work.
  std::printf("building %d schools x %d pupils in %s ...\n", schools, pupils, dir.c_str());
  std::fflush(stdout);
  auto opened = open_sqlite_store(dir / "data");
  check(opened.has_value(), "opening the store");
  auto& store = **opened;
  Config config;
  std::vector<std::pair<SchoolId, std::string>> ids;
  for (int s = 0; s < schools; ++s) {
    const std::string urn = std::to_string(100000 + s);
    auto tx = store.begin();
    check(tx.has_value(), "begin");
    auto school = (*tx)->upsert_school(
        SchoolRecord{std::to_string(8200000 + s), urn, "School " + std::to_string(s)});
    check(school.has_value(), "school");
    for (int p = 0; p < pupils; ++p) {
      PupilRecord r;
      r.upn = upn(s, p);
      r.forename = "Pupil";
      r.surname = "Number " + std::to_string(p);
      r.dob = "2010-03-04";
      r.nc_year = p % 5 == 0 ? "11" : "13";
      if (p % 5 == 0) r.leaving_date = "2026-07-20";
      check((*tx)->upsert_pupil(*school, "bench", r).has_value(), "pupil");
    }
    check((*tx)->commit().has_value(), "commit");
    auto tx2 = store.begin();
    for (int p = 0; p < pupils; ++p) {
      auto match = store.find_pupil(upn(s, p));
      check(match && *match, "find pupil");
      check((*tx2)
                ->add_destination(*school, (*match)->id, "bench",
                                  destination(urn, upn(s, p), "intended", "230", "2026-03-01"), now)
                .has_value(),
            "destination");
      if (p % 5 == 0) {
        check((*tx2)
                  ->add_destination(*school, (*match)->id, "bench",
                                    destination(urn, upn(s, p), "actual", "310", "2026-10-01"), now)
                  .has_value(),
              "destination");
      }
    }
    check((*tx2)->commit().has_value(), "commit");
    SchoolConfig sc;
    sc.urn = urn;
    sc.trackers_lawful_basis = "public_task";
    config.schools.push_back(sc);
    ids.emplace_back(*school, urn);
  }

  const auto pki = test::make_test_pki(dir / "pki");
  test::MockTracker tracker(test::MockTrackerOptions{pki.server_cert, pki.server_key});
  SinkConfig sink;
  sink.name = "bench";
  sink.type = "tracker-api";
  sink.url = tracker.url();
  sink.batch_size = 500;
  sink.ca_file = pki.ca_cert;
  const auto token = dir / "token";
  {
    std::FILE* f = std::fopen(token.c_str(), "w");
    check(f != nullptr, "token file");
    std::fputs("static-test-token\n", f);
    std::fclose(f);
  }
  sink.token_file = token;
  config.sinks.push_back(sink);
  tracker::register_builtin_uploaders();

  auto night = [&](const char* label) {
    auto uploader = tracker::make_uploader(sink, {dir / "data"});
    check(uploader.has_value(), "uploader");
    tracker::UploadOptions options;
    options.now = now;
    options.data_dir = dir / "data";
    const auto start = Clock::now();
    auto summary = tracker::run_upload(store, config, sink, **uploader, options);
    const double took = seconds_since(start);
    check(summary.has_value(), "upload");
    int sent = 0;
    int accepted = 0;
    for (const auto& s : summary->schools) {
      sent += s.sent;
      accepted += s.accepted;
    }
    check(summary->complete() && sent == accepted, "every record accepted");
    std::printf("%-12s %7d records sent  %8.2f s  (%.0f records/s)\n", label, sent, took,
                sent / std::max(took, 1e-9));
    std::fflush(stdout);
    return std::pair{took, sent};
  };

  const auto [first, first_sent] = night("first night");
  // 1% of pupils get a new actual destination (the November activity survey, say).
  std::mt19937 random(42);
  const int total = schools * pupils;
  const int to_change = total * changed_per_mille / 1000;
  for (int i = 0; i < to_change; ++i) {
    const int s = static_cast<int>(random() % static_cast<unsigned>(schools));
    const int p = static_cast<int>(random() % static_cast<unsigned>(pupils));
    auto match = store.find_pupil(upn(s, p));
    check(match && *match, "find pupil");
    auto tx = store.begin();
    check((*tx)
              ->add_destination(ids[s].first, (*match)->id, "bench",
                                destination(ids[s].second, upn(s, p), "actual", "340",
                                            "2026-11-0" + std::to_string(1 + i % 9)),
                                now)
              .has_value(),
          "change");
    check((*tx)->commit().has_value(), "commit");
  }
  const auto [second, second_sent] = night("next night");
  const double ratio = second / first;
  std::printf("changed %d of %d pupils' records (%.1f%%); sent the next night: %d\n", to_change,
              total, 100.0 * to_change / total, second_sent);
  std::printf("ratio        %.4f (next night / first night)\n", ratio);
  std::printf("target next night < 5%% of the first: %s (%.2f%%)\n", ratio < 0.05 ? "PASS" : "MISS",
              ratio * 100);
  bool keep = false;
  for (int i = 1; i < argc; ++i)
    keep = keep || std::string_view(argv[i]) == "--keep";
  if (keep) {
    std::printf("kept: %s\n", dir.c_str());
  } else {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}
