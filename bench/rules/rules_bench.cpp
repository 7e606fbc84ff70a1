// bench/rules: the follow-up rules over a synthetic trust (50 schools of 6,000 pupils by default):
// a full evaluation (evaluate_all, as the scheduled `rules` job runs it, raising every flag and
// enqueueing its event for a write-back sink), then the incremental one (evaluate_pending) after
// 1% of the pupils were given a new attendance figure, measured in the same run on the same
// store. Target: incremental/full under 0.05. See README.md.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/domain/dates.hpp"
#include "daemon/domain/records.hpp"
#include "daemon/domain/upn.hpp"
#include "daemon/followup/flag_sync.hpp"
#include "daemon/guidance/guidance.hpp"
#include "daemon/guidance/guidance_json.hpp"
#include "daemon/store/store.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace careerlink;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr const char* kProvider = "Career Connect";  // the careers company all interviews come from
constexpr std::size_t kSetupBatch = 5000;            // pupils per setup transaction

struct Options {
  int schools = 50;
  int pupils_per_school = 6000;
  std::uint64_t seed = 42;
  year_month_day as_of{std::chrono::year{2027}, std::chrono::April, std::chrono::day{1}};
  int runs = 3;
  std::optional<fs::path> data_dir;
  bool keep = false;
  bool rerun = true;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "%s\nusage: careerlink_bench_rules [--schools N] [--pupils-per-school N] [--seed N]"
               " [--as-of YYYY-MM-DD] [--runs N] [--data-dir DIR] [--keep] [--no-rerun]\n",
               why.c_str());
  std::exit(64);
}

template <class T>
T whole(std::string_view name, std::string_view text, T lo, T hi) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < lo || value > hi) {
    usage(std::string(name) + " wants a whole number from " + std::to_string(lo) + " to " +
          std::to_string(hi) + ", not '" + std::string(text) + "'");
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) usage(std::string(a) + " wants a value");
      return argv[++i];
    };
    if (a == "--schools") {
      o.schools = whole(a, value(), 1, 999);
    } else if (a == "--pupils-per-school") {
      o.pupils_per_school = whole(a, value(), 7, 99999);
    } else if (a == "--seed") {
      o.seed = whole<std::uint64_t>(a, value(), 0, UINT64_MAX);
    } else if (a == "--as-of") {
      const auto text = value();
      const auto date = parse_iso_date(text);
      if (!date) usage("--as-of wants a date YYYY-MM-DD, not '" + std::string(text) + "'");
      o.as_of = *date;
    } else if (a == "--runs") {
      o.runs = whole(a, value(), 1, 100);
    } else if (a == "--data-dir") {
      o.data_dir = fs::path(value());
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--no-rerun") {
      o.rerun = false;
    } else {
      usage("unknown option '" + std::string(a) + "'");
    }
  }
  return o;
}

// A store call that must work: a benchmark has no way on after a failure.
template <class T>
T must(StoreResult<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
    std::exit(1);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// SplitMix64: small, fast, and the same sequence on every platform (the std distributions are
// not). One generator per pupil and purpose, so any pupil can be made again without the others.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  static Rng of(std::uint64_t seed, int school, int index, std::uint64_t purpose) {
    Rng mixer(seed ^ (static_cast<std::uint64_t>(school) << 40) ^
              (static_cast<std::uint64_t>(index) << 8) ^ purpose);
    return Rng(mixer.next());
  }
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  int between(int lo, int hi) {
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    return lo + static_cast<int>(below(span));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& from) {
    return from[below(N)];
  }

 private:
  std::uint64_t state_;
};

// What the generator draws from for each purpose.
enum Purpose : std::uint64_t { kPupil = 0, kInterview = 1, kChosen = 2, kNewAttendance = 3 };

constexpr std::array<std::string_view, 16> kSurnames{
    "Smith", "Jones",    "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Patel", "Robinson", "Wright", "Khan",  "Thompson", "Evans",  "Walker",  "Begum"};
constexpr std::array<std::string_view, 16> kForenames{
    "Oliver", "Amelia", "Muhammad", "Olivia", "George", "Isla",  "Noah",  "Ava",
    "Arthur", "Mia",    "Leo",      "Ivy",    "Harry",  "Freya", "Oscar", "Aisha"};
constexpr std::array<std::string_view, 6> kAdvisers{"Jo Patel",     "Sam Okafor", "Alex Reid",
                                                    "Priya Sharma", "Chris Hall", "Dana Lewis"};
constexpr std::array<std::string_view, 8> kActionTexts{
    "Attend the college open evening",
    "Research apprenticeships on Find an apprenticeship",
    "Book a work experience placement",
    "Draft a personal statement",
    "Talk to the head of sixth form about A level choices",
    "Visit the careers library with a parent",
    "Apply to the local college by the deadline",
    "Arrange a taster day"};
constexpr std::array<std::string_view, 4> kOwners{"pupil", "pupil", "tutor", "parent"};
constexpr std::array<std::string_view, 4> kPre16Codes{"210", "220", "230", "310"};
constexpr std::array<std::string_view, 4> kPost16Codes{"240", "310", "320", "230"};
constexpr std::array<std::string_view, 5> kLaCodes{"820", "821", "822", "823", "825"};

SchoolRecord school_record(int s) {
  SchoolRecord school;
  school.laestab = std::string(kLaCodes[static_cast<std::size_t>(s) % kLaCodes.size()]) +
                   std::to_string(4000 + s);
  school.urn = std::to_string(140001 + s);
  school.name = "Trust Academy " + std::to_string(s + 1);
  return school;
}

// Check letter, LAESTAB, then the pupil's number within the school: 13 characters.
std::string make_upn(const std::string& laestab, int index) {
  char tail[16];
  std::snprintf(tail, sizeof tail, "%05d", index);
  std::string upn = "A" + laestab + tail;
  upn[0] = upn_check_letter(upn).value_or('A');
  return upn;
}

int nc_year_of(int index) {
  return 7 + index % 7;  // years 7 to 13 in equal numbers
}

// The academic year (starting 1 September) that `as_of` falls in.
int academic_start(year_month_day as_of) {
  return static_cast<int>(as_of.year()) - (as_of.month() >= std::chrono::September ? 0 : 1);
}

// Mostly 92-100%, a fifth 85-92%, a tail down to 55%: about a quarter below 90%, near the
// persistent-absence rate of English secondary schools.
double draw_attendance(Rng& r) {
  const double u = r.unit();
  const double pct = u < 0.70   ? 92.0 + 8.0 * r.unit()
                     : u < 0.92 ? 85.0 + 7.0 * r.unit()
                                : 55.0 + 30.0 * r.unit();
  return std::min(100.0, std::round(pct * 10.0) / 10.0);
}

PupilRecord make_pupil(const Options& o, const SchoolRecord& school, int s, int index) {
  Rng r = Rng::of(o.seed, s, index, kPupil);
  const int year = nc_year_of(index);
  const int start = academic_start(o.as_of);
  PupilRecord p;
  p.upn = make_upn(school.laestab, index);
  p.surname = std::string(r.pick(kSurnames));
  p.forename = std::string(r.pick(kForenames));
  p.sex = r.chance(0.5) ? "F" : "M";
  // Born in the academic year that puts them in `year` now.
  const sys_days born_from{year_month_day{std::chrono::year{start - 5 - year},
                                          std::chrono::September, std::chrono::day{1}}};
  p.dob = to_iso(year_month_day{born_from + days{r.between(0, 364)}});
  p.nc_year = std::to_string(year);
  p.enrol_status = "C";
  p.on_roll_date = std::to_string(start - std::min(year, 12) + 7) + "-09-03";
  p.fsm = r.chance(0.25);
  const double sen = r.unit();
  p.sen = sen < 0.025 ? "E" : sen < 0.155 ? "K" : "N";
  p.ehcp = sen < 0.025;
  p.looked_after = r.chance(0.01);
  p.eal = r.chance(0.18);
  p.young_carer = r.chance(0.03);
  const double ex = r.unit();
  p.exclusions = ex < 0.04 ? 1 : ex < 0.055 ? 2 + r.between(0, 1) : 0;
  p.attendance_pct = draw_attendance(r);
  p.tutor_group = std::to_string(year) + "ABCDEFGH"[(index / 7) % 8];
  return p;
}

guidance::Interview make_interview(Rng& r, const Options& o, const SchoolRecord& school,
                                   const std::string& upn, int index, int n, sys_days date,
                                   int year) {
  const sys_days as_of{o.as_of};
  guidance::Interview iv;
  iv.external_id = "CC-" + *school.urn + "-" + std::to_string(index) + "-" + std::to_string(n);
  iv.school_urn = *school.urn;
  iv.pupil.upn = upn;
  iv.date = to_iso(year_month_day{date});
  iv.kind = n > 1 ? "follow_up" : r.chance(0.9) ? "one_to_one" : "group";
  iv.minutes = iv.kind == "group" ? 60 : r.between(25, 60);
  const std::string adviser(r.pick(kAdvisers));
  // Level 6 or above is a qualified adviser; a fifth of interviews are with someone who is not.
  iv.adviser = {adviser, kProvider, r.chance(0.8) ? r.between(6, 7) : 4};
  iv.provider_type = "external";
  iv.consent = {r.chance(0.85), r.chance(0.7), iv.date, adviser};
  if (n > 1 && r.chance(0.5)) return iv;  // a follow-up that kept the plan it had
  guidance::ActionPlan plan;
  plan.summary = year <= 11 ? "Post-16 options talked through" : "Post-18 options talked through";
  if (r.chance(0.6)) {
    plan.intended_destination = guidance::IntendedDestination{
        std::string(year <= 11 ? r.pick(kPre16Codes) : r.pick(kPost16Codes)), {}, {}};
  }
  const int actions = r.between(1, 4);
  for (int a = 0; a < actions; ++a) {
    guidance::Action action;
    action.id = "a" + std::to_string(a + 1);
    action.text = std::string(r.pick(kActionTexts));
    action.owner = std::string(r.pick(kOwners));
    const sys_days due = date + days{r.between(14, 150)};  // around the as-of date
    action.due = to_iso(year_month_day{due});
    const double u = r.unit();
    if (u < 0.25) {
      action.status = "done";
      action.done_on =
          to_iso(year_month_day{std::max(date, std::min(due, as_of) - days{r.between(0, 10)})});
    } else if (u < 0.30) {
      action.status = "dropped";
    }
    plan.actions.push_back(std::move(action));
  }
  if (r.chance(0.9)) plan.next_review = to_iso(year_month_day{date + days{r.between(42, 180)}});
  iv.plan = std::move(plan);
  return iv;
}

// About 40% of pupils in years 10 to 13 have had an interview this academic year; a third of
// those in year 13 a second one.
std::vector<guidance::Interview> make_interviews(const Options& o, const SchoolRecord& school,
                                                 const std::string& upn, int s, int index) {
  std::vector<guidance::Interview> out;
  const int year = nc_year_of(index);
  if (year < 10) return out;
  Rng r = Rng::of(o.seed, s, index, kInterview);
  if (!r.chance(0.40)) return out;
  const sys_days as_of{o.as_of};
  const sys_days first = as_of - days{r.between(7, 200)};
  out.push_back(make_interview(r, o, school, upn, index, 1, first, year));
  if (year == 13 && r.chance(0.35)) {
    const sys_days second = std::min(first + days{r.between(30, 150)}, as_of - days{1});
    if (second > first) out.push_back(make_interview(r, o, school, upn, index, 2, second, year));
  }
  return out;
}

// The synthetic records must be ones the intake API would take: the first interview goes through
// the parser and must come back unchanged.
void check_interview(const guidance::Interview& iv, year_month_day as_of) {
  auto parsed = guidance::parse_interview(guidance::interview_to_json(iv), "", to_iso(as_of));
  if (!parsed) {
    std::fprintf(stderr, "synthetic interview refused: %s\n",
                 guidance::field_errors_json(parsed.error()).c_str());
    std::exit(1);
  }
  if (!(*parsed == iv)) {
    std::fprintf(stderr, "synthetic interview does not survive a round trip through JSON\n");
    std::exit(1);
  }
}

struct SetupReport {
  std::size_t pupils = 0;
  std::size_t interviews = 0;
  std::size_t plans = 0;
  double seconds = 0;
};

// Every school, pupil and interview, in transactions of kSetupBatch pupils; then the pending list
// the pupil triggers filled is emptied, so the full run starts from a clean state: every pupil
// on the store, no flags yet, nothing pending. The store is closed (its WAL checkpointed) on
// return, so no timed part pays for the setup's writes.
SetupReport build_trust(const Options& o, const fs::path& dir) {
  const auto start = Clock::now();
  auto store = must(open_sqlite_store(dir), "open store");
  const TimePoint received = sys_days{o.as_of} - days{1};
  SetupReport report;
  bool checked = false;
  auto tx = must(store->begin(), "begin");
  std::size_t in_tx = 0;
  for (int s = 0; s < o.schools; ++s) {
    const SchoolRecord school = school_record(s);
    const SchoolId school_id = must(tx->upsert_school(school), "upsert_school");
    for (int i = 0; i < o.pupils_per_school; ++i) {
      const PupilRecord pupil = make_pupil(o, school, s, i);
      must(tx->upsert_pupil(school_id, "ctf", pupil), "upsert_pupil");
      ++report.pupils;
      const auto interviews = make_interviews(o, school, pupil.upn, s, i);
      if (!interviews.empty()) {
        const auto match =
            must(tx->match_guidance_pupil(school_id, guidance::PupilRef{pupil.upn, {}}), "match");
        if (!match) {
          std::fprintf(stderr, "pupil %s not found after insert\n", pupil.upn.c_str());
          std::exit(1);
        }
        for (const auto& iv : interviews) {
          if (!checked) {
            check_interview(iv, o.as_of);
            checked = true;
          }
          const std::string body = guidance::interview_to_json(iv).dump();
          must(tx->put_interview(school_id, match->id, kProvider, iv, body, received),
               "put_interview");
          ++report.interviews;
          if (iv.plan) ++report.plans;
        }
      }
      if (++in_tx == kSetupBatch) {
        must(tx->commit(), "commit");
        tx.reset();
        tx = must(store->begin(), "begin");
        in_tx = 0;
      }
    }
  }
  must(tx->commit(), "commit");
  tx.reset();
  auto clear = must(store->begin(), "begin");
  must(clear->take_rules_pending(report.pupils + 1), "take_rules_pending");
  must(clear->commit(), "commit");
  report.seconds = seconds_since(start);
  return report;
}

followup::SyncContext context_at(const Config& config, std::span<const std::string> sinks,
                                 year_month_day as_of) {
  auto context = followup::sync_context(config, sinks, std::chrono::system_clock::now());
  context.as_of = as_of;
  return context;
}

std::int64_t outbox_total(Store& store) {
  std::int64_t total = 0;
  for (const auto& c : must(store.count_outbox(), "count_outbox"))
    total += c.count;
  return total;
}

// 1% of each school's pupils, one in every hundred (the same ones every run), re-imported with a
// new attendance figure: upsert_pupil puts each on the pending list.
std::size_t change_attendance(Store& store, const Options& o) {
  const int per_school = std::max(1, o.pupils_per_school / 100);
  const int stride = o.pupils_per_school / per_school;
  std::size_t changed = 0;
  auto tx = must(store.begin(), "begin");
  for (int s = 0; s < o.schools; ++s) {
    const SchoolRecord school = school_record(s);
    const SchoolId school_id = must(tx->upsert_school(school), "upsert_school");
    Rng chooser = Rng::of(o.seed, s, 0, kChosen);
    for (int k = 0; k < per_school; ++k) {
      const int index = k * stride + chooser.between(0, stride - 1);
      PupilRecord pupil = make_pupil(o, school, s, index);
      Rng r = Rng::of(o.seed, s, index, kNewAttendance);
      double now = draw_attendance(r);
      if (now == *pupil.attendance_pct) now = now >= 100.0 ? 99.9 : now + 0.1;
      pupil.attendance_pct = std::round(now * 10.0) / 10.0;
      if (must(tx->upsert_pupil(school_id, "ctf", pupil), "upsert_pupil") ==
          UpsertOutcome::updated) {
        ++changed;
      }
    }
  }
  must(tx->commit(), "commit");
  return changed;
}

// The open flags by kind and RAG, school by school (so no more than one school's are held).
std::map<std::string, std::array<std::int64_t, 3>> open_flag_mix(Store& store) {
  std::map<std::string, std::array<std::int64_t, 3>> mix;
  for (const auto& school : must(store.schools(), "schools")) {
    FlagFilter filter;
    filter.school = school.id;
    for (const auto& row : must(store.list_flags(filter), "list_flags"))
      ++mix[row.flag.kind][static_cast<std::size_t>(row.flag.rag)];
  }
  return mix;
}

struct Timed {
  followup::EvaluationRun run;
  double seconds = 0;
  std::int64_t events = 0;  // outbox messages it enqueued
};

struct RunResult {
  Timed full;
  std::size_t changed = 0;
  Timed incremental;
  std::optional<Timed> rerun;
};

template <class Evaluate>
Timed timed(Store& store, Evaluate&& evaluate) {
  const std::int64_t before = outbox_total(store);
  Timed t;
  const auto start = Clock::now();
  t.run = must(evaluate(), "evaluation");
  t.seconds = seconds_since(start);
  t.events = outbox_total(store) - before;
  return t;
}

RunResult run_once(const Options& o, const fs::path& trust, const fs::path& run_dir,
                   const Config& config, std::span<const std::string> sinks, bool show_mix) {
  // Each run works on a fresh copy of the trust, so each full run raises every flag.
  fs::remove_all(run_dir);
  fs::create_directories(run_dir);
  fs::copy_file(trust / "careerlink.db", run_dir / "careerlink.db");
  auto store = must(open_sqlite_store(run_dir), "open store");
  RunResult r;
  r.full = timed(*store, [&] {
    return followup::evaluate_all(*store, std::nullopt, context_at(config, sinks, o.as_of));
  });
  if (show_mix) {
    std::printf("open flags after the full run, by kind (red / amber):\n");
    for (const auto& [kind, rag] : open_flag_mix(*store)) {
      std::printf("  %-24s %7lld  (%lld / %lld)\n", kind.c_str(),
                  static_cast<long long>(rag[1] + rag[2]), static_cast<long long>(rag[2]),
                  static_cast<long long>(rag[1]));
    }
  }
  r.changed = change_attendance(*store, o);
  r.incremental = timed(*store, [&] {
    return followup::evaluate_pending(*store, context_at(config, sinks, o.as_of));
  });
  if (o.rerun) {
    r.rerun = timed(*store, [&] {
      return followup::evaluate_all(*store, std::nullopt, context_at(config, sinks, o.as_of));
    });
  }
  return r;
}

void print_counts(const char* what, const Timed& t) {
  const auto& c = t.run.changes;
  std::printf("%s: %zu pupils, %d flags raised, %d changed, %d cleared, %lld events enqueued\n",
              what, t.run.pupils, c.raised, c.changed, c.cleared, static_cast<long long>(t.events));
}

void print_time(const char* what, double seconds, std::size_t pupils) {
  std::printf("  %-34s %9.3f s  %8.1f us/pupil\n", what, seconds,
              pupils > 0 ? seconds * 1e6 / static_cast<double>(pupils) : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  const bool own_dir = !o.data_dir;
  const fs::path work = o.data_dir.value_or(
      fs::temp_directory_path() / ("careerlink_bench_rules_" + std::to_string(::getpid())));
  const fs::path trust = work / "trust";
  const fs::path run_dir = work / "run";
  const std::size_t total =
      static_cast<std::size_t>(o.schools) * static_cast<std::size_t>(o.pupils_per_school);
  std::printf("careerlink_bench_rules: %d schools x %d pupils = %zu pupils, seed %llu, as of %s\n",
              o.schools, o.pupils_per_school, total, static_cast<unsigned long long>(o.seed),
              to_iso(o.as_of).c_str());
  std::printf("data dir: %s\n", work.string().c_str());

  // Always built afresh: a store kept from an earlier build could carry an older schema.
  fs::remove_all(trust);
  fs::create_directories(trust);
  const SetupReport setup = build_trust(o, trust);
  std::printf(
      "setup (not part of the ratio): %zu pupils, %zu interviews (%zu with a plan), in "
      "transactions of %zu pupils: %.1f s\n",
      setup.pupils, setup.interviews, setup.plans, kSetupBatch, setup.seconds);
  std::printf("database: %.1f MB\n",
              static_cast<double>(fs::file_size(trust / "careerlink.db")) / 1e6);

  // As in production: the schools listed (default rules) and one write-back sink, so every
  // shared flag change is enqueued for delivery.
  Config config;
  for (int s = 0; s < o.schools; ++s) {
    SchoolConfig school;
    school.urn = *school_record(s).urn;
    school.laestab = school_record(s).laestab;
    config.schools.push_back(school);
  }
  SinkConfig mis;
  mis.name = "mis";
  mis.type = "webhook";
  mis.url = "https://mis.example.invalid/careerlink";
  config.sinks.push_back(mis);
  const auto sinks = followup::writeback_sinks(config);

  std::optional<RunResult> first;
  double best_full = 0;
  double best_incremental = 0;
  double best_rerun = 0;
  for (int run = 0; run < o.runs; ++run) {
    const RunResult r = run_once(o, trust, run_dir, config, sinks, run == 0);
    std::printf("run %d: full %.3f s, incremental %.3f s", run + 1, r.full.seconds,
                r.incremental.seconds);
    if (r.rerun) std::printf(", full again %.3f s", r.rerun->seconds);
    std::printf("\n");
    std::fflush(stdout);
    best_full = run == 0 ? r.full.seconds : std::min(best_full, r.full.seconds);
    best_incremental =
        run == 0 ? r.incremental.seconds : std::min(best_incremental, r.incremental.seconds);
    if (r.rerun) best_rerun = run == 0 ? r.rerun->seconds : std::min(best_rerun, r.rerun->seconds);
    if (!first) first = r;
  }

  std::printf("\n");
  print_counts("full (evaluate_all, from no flags)", first->full);
  std::printf(
      "changed: %zu pupils (1%%, in every school) given a new attendance via upsert_pupil\n",
      first->changed);
  print_counts("incremental (evaluate_pending)", first->incremental);
  if (first->rerun) print_counts("full again (evaluate_all, nothing changed)", *first->rerun);
  std::printf("\nwall time, best of %d run%s (steady_clock):\n", o.runs, o.runs == 1 ? "" : "s");
  print_time("full evaluation", best_full, first->full.run.pupils);
  print_time("incremental, 1% changed", best_incremental, first->incremental.run.pupils);
  if (first->rerun) print_time("full again, nothing changed", best_rerun, first->rerun->run.pupils);
  const double ratio = best_full > 0 ? best_incremental / best_full : 0;
  std::printf("\nratio incremental/full: %.4f (target < 0.05): %s\n", ratio,
              ratio < 0.05 ? "MET" : "MISSED");
  if (first->rerun && best_rerun > 0) {
    std::printf("ratio incremental/full again (nothing changed): %.4f\n",
                best_incremental / best_rerun);
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS: %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);

  if (own_dir && !o.keep) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  return 0;
}
