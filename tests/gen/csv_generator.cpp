#include "tests/gen/csv_generator.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>

#include "daemon/domain/upn.hpp"
#include "tests/gen/rng.hpp"

namespace careerlink::testgen {
namespace {

// Row i's generator depends only on (seed, i, stream), so any row can be rebuilt alone.
Rng row_rng(std::uint64_t seed, std::size_t index, std::uint64_t stream) {
  Rng mix(seed ^ (stream * 0xD1B54A32D192ED03ull));
  for (int i = 0; i < 2; ++i)
    mix.next();
  return Rng(mix.next() ^ (static_cast<std::uint64_t>(index) * 0x9E3779B97F4A7C15ull));
}

// Names as English school rolls have them: accents, apostrophes, hyphens, particles, and the
// odd comma that forces CSV quoting.
constexpr std::array<std::string_view, 20> kGirlsNames{
    "Olivia", "Amelia", "Isla",  "Ava",   "Zoë",  "Chloé",     "Siân", "Aoife", "Renée", "Priya",
    "Fatima", "Mei",    "Seren", "Niamh", "Maja", "Ana-Maria", "Leah", "Freya", "Grace", "Sofía"};
constexpr std::array<std::string_view, 20> kBoysNames{
    "Oliver", "George", "Noah",      "Muhammad", "José",  "Łukasz", "François",
    "Arjun",  "Yusuf",  "Oluwaseun", "Chidi",    "Hùng",  "Rhys",   "Ciarán",
    "Jakub",  "Harry",  "Jack",      "Thomas",   "Aarav", "Ellis"};
constexpr std::array<std::string_view, 40> kSurnames{
    "Smith",       "Jones",    "Williams",   "Taylor",       "Brown",        "Davies",   "Evans",
    "Wilson",      "O'Brien",  "D'Souza",    "O'Neill",      "Smith, Jr",    "Müller",   "Núñez",
    "Nguyễn",      "Kowalski", "Ní Bhriain", "Jones-Hughes", "van der Berg", "Ahmed",    "Okafor",
    "Patel",       "Khan",     "Begum",      "Hussain",      "Thompson",     "Robinson", "Wright",
    "Walker",      "White",    "Edwards",    "Hughes",       "Green",        "Lewis",    "Wood",
    "Harris, III", "Martin",   "Jackson",    "Clarke",       "Łęcka"};
constexpr std::array<std::string_view, 8> kShortForms{"Liv",   "Ollie", "Millie", "Jo",
                                                      "Sandy", "Izzy",  "Alex",   "Sam"};
constexpr std::array<char, 6> kFormLetters{'A', 'B', 'C', 'D', 'F', 'H'};

constexpr std::array<std::string_view, 20> kStaffForenames{
    "Sarah",  "David",  "Emma",    "James",  "Rachel",  "Paul",  "Helen",
    "Mark",   "Claire", "Andrew",  "Joanne", "Richard", "Nadia", "Imran",
    "Bethan", "Gareth", "Siobhan", "Kwame",  "Lucy",    "Tom"};
constexpr std::array<std::string_view, 20> kStaffSurnames{
    "Parker",    "O'Connor", "Bennett", "Shah",   "Morgan", "Fletcher", "Ali",
    "Griffiths", "Price",    "Mensah",  "Turner", "Hall",   "Cooper",   "Ward",
    "Doyle",     "Rahman",   "Lloyd",   "Baker",  "Reid",   "Campbell"};
constexpr std::array<std::string_view, 6> kTitles{"Mr", "Mrs", "Ms", "Miss", "Dr", "Mx"};

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

std::string two(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

// ASCII letters only, lower case: "O'Connor" -> "oconnor", for e-mail addresses.
std::string mail_part(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

// A valid permanent UPN, unique per index: the serial and allocating school come from the
// index, the year digits from the pupil's birth year.
std::string make_upn(std::size_t index, int birth_year) {
  const std::size_t serial = index % 1000;
  const std::size_t rest = index / 1000;
  const std::size_t estab = 2000 + rest % 8000;  // 2xxx: primary schools allocate UPNs
  const std::size_t la = 201 + (rest / 8000) % 737;
  char body[16];
  std::snprintf(body, sizeof body, "?%03zu%04zu%02d%03zu", la, estab, (birth_year + 4) % 100,
                serial);
  std::string upn(body);
  upn[0] = upn_check_letter(upn).value_or('?');
  return upn;
}

}  // namespace

void write_csv_field(std::ostream& out, const std::string& field) {
  const bool needs_quotes = field.find_first_of(",\"\r\n") != std::string::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs_quotes) {
    out << field;
    return;
  }
  out << '"';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

GenPupilRow make_pupil_row(const CsvGenOptions& options, std::size_t index) {
  Rng rng = row_rng(options.seed, index, 1);
  GenPupilRow row;
  const int nc_year = 7 + static_cast<int>(rng.below(7));  // Years 7 to 13
  // Year N in the year starting September Y: born 1 September Y-N-5 to 31 August Y-N-4.
  const int first_year = options.academic_year - nc_year - 5;
  const int offset = static_cast<int>(rng.below(12));  // months after September
  const int month = (8 + offset) % 12 + 1;
  const int birth_year = offset < 4 ? first_year : first_year + 1;
  const int day =
      1 + static_cast<int>(rng.below(static_cast<std::size_t>(days_in_month(birth_year, month))));

  row.upn = make_upn(index, birth_year);
  row.surname = rng.pick(kSurnames);
  const bool female = rng.chance(50);
  row.forename = female ? rng.pick(kGirlsNames) : rng.pick(kBoysNames);
  if (rng.chance(20)) {
    row.preferred_forename = rng.pick(kShortForms);
    // Now and then a nickname in quotes, which CSV writes as doubled quotes.
    if (rng.chance(10)) row.preferred_forename = "\"" + row.preferred_forename + "\"";
  }
  row.dob_uk = two(day) + "/" + two(month) + "/" + std::to_string(birth_year);
  row.dob_iso = std::to_string(birth_year) + "-" + two(month) + "-" + two(day);
  row.gender = female ? "Female" : "Male";
  row.sex = female ? "F" : "M";
  row.year = "Year " + std::to_string(nc_year);
  row.nc_year = std::to_string(nc_year);
  row.reg_group = std::to_string(nc_year) + rng.pick(kFormLetters);
  return row;
}

GenStaffRow make_staff_row(const CsvGenOptions& options, std::size_t index) {
  Rng rng = row_rng(options.seed, index, 2);
  GenStaffRow row;
  row.title = rng.pick(kTitles);
  row.forename = rng.pick(kStaffForenames);
  row.surname = rng.pick(kStaffSurnames);
  const std::size_t cycle = index / 56;
  row.email = mail_part(row.forename) + "." + mail_part(row.surname) +
              (cycle ? std::to_string(cycle) : "") + "@school.example.org";
  // Each cycle of 56 rows covers 42 tutor groups (Years 7-13, six forms), 7 heads of year and
  // 7 class teachers, as a school's staff list would.
  const std::size_t slot = index % 56;
  if (slot < 42) {
    row.group = std::to_string(7 + slot / 6) + kFormLetters[slot % 6];
    row.role = rng.chance(50) ? "Form Tutor" : "Tutor";
    row.role_expected = "tutor";
  } else if (slot < 49) {
    row.group = "Year " + std::to_string(7 + slot - 42);
    row.role = "Head of Year";
    row.role_expected = "head_of_year";
  } else {
    row.group = std::to_string(7 + slot - 49) + "x/Sc1";
    row.role = rng.chance(50) ? "Class Teacher" : "Teacher";
    row.role_expected = "teacher";
  }
  return row;
}

void write_pupils_csv(std::ostream& out, const CsvGenOptions& options) {
  const char* eol = options.crlf ? "\r\n" : "\n";
  if (options.bom) out << "\xEF\xBB\xBF";
  out << kPupilsCsvHeader << eol;
  for (std::size_t i = 0; i < options.rows; ++i) {
    const GenPupilRow row = make_pupil_row(options, i);
    const std::array<const std::string*, 8> cells{
        &row.upn,    &row.surname, &row.forename, &row.preferred_forename,
        &row.dob_uk, &row.gender,  &row.year,     &row.reg_group};
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out << ',';
      write_csv_field(out, *cells[c]);
    }
    out << eol;
  }
}

void write_staff_csv(std::ostream& out, const CsvGenOptions& options) {
  const char* eol = options.crlf ? "\r\n" : "\n";
  if (options.bom) out << "\xEF\xBB\xBF";
  out << (options.staff_names ? "Staff Email,Title,Forename,Surname,Group,Role"
                              : "Staff Email,Group,Role")
      << eol;
  for (std::size_t i = 0; i < options.rows; ++i) {
    const GenStaffRow row = make_staff_row(options, i);
    write_csv_field(out, row.email);
    if (options.staff_names) {
      for (const std::string* cell : {&row.title, &row.forename, &row.surname}) {
        out << ',';
        write_csv_field(out, *cell);
      }
    }
    out << ',';
    write_csv_field(out, row.group);
    out << ',';
    write_csv_field(out, row.role);
    out << eol;
  }
}

int csv_main(int argc, char** argv) {
  constexpr const char* kUsage =
      "usage: careerlink_gen csv pupils|staff --rows N --seed S [--out FILE]\n"
      "       [--year YYYY] [--no-bom] [--lf] [--no-staff-names]\n";
  int i = 1;
  if (i < argc && std::string_view(argv[i]) == "csv") ++i;
  if (i >= argc) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view kind = argv[i++];
  if (kind == "--help" || kind == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (kind != "pupils" && kind != "staff") {
    std::cerr << "careerlink_gen csv: unknown kind '" << kind << "'\n" << kUsage;
    return 2;
  }
  CsvGenOptions options;
  std::string out_path;
  const auto number = [](std::string_view text, auto& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size();
  };
  for (; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    bool ok = true;
    if (arg == "--rows" && has_value) {
      ok = number(argv[++i], options.rows);
    } else if (arg == "--seed" && has_value) {
      ok = number(argv[++i], options.seed);
    } else if (arg == "--year" && has_value) {
      ok = number(argv[++i], options.academic_year);
    } else if (arg == "--out" && has_value) {
      out_path = argv[++i];
    } else if (arg == "--no-bom") {
      options.bom = false;
    } else if (arg == "--lf") {
      options.crlf = false;
    } else if (arg == "--no-staff-names") {
      options.staff_names = false;
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "careerlink_gen csv: bad argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }

  std::ofstream file;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "careerlink_gen csv: cannot write " << out_path << '\n';
      return 1;
    }
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  if (kind == "pupils") {
    write_pupils_csv(out, options);
  } else {
    write_staff_csv(out, options);
  }
  out.flush();
  if (!out) {
    std::cerr << "careerlink_gen csv: write failed\n";
    return 1;
  }
  return 0;
}

}  // namespace careerlink::testgen
