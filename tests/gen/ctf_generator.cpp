#include "tests/gen/ctf_generator.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "daemon/domain/dates.hpp"
#include "daemon/domain/upn.hpp"
#include "tests/gen/rng.hpp"

namespace careerlink::testgen {
namespace {

using sv = std::string_view;

constexpr std::array<sv, 24> kGirls = {"Olivia", "Amelia",  "Isla",   "Ava",   "Zoë",    "Siân",
                                       "Chloé",  "Aoife",   "Freya",  "Aisha", "Maya",   "Renée",
                                       "Niamh",  "Zofia",   "Fatima", "Grace", "Émilie", "Lily",
                                       "Ellie",  "Saoirse", "Amira",  "Ffion", "Hana",   "Mia"};
constexpr std::array<sv, 24> kBoys = {"Oliver", "Noah",    "George", "Muhammad", "Seán",  "Oisín",
                                      "Leo",    "Arthur",  "Jakub",  "José",     "Rhys",  "Dylan",
                                      "Idris",  "Björn",   "Kacper", "Harry",    "Ethan", "Jack",
                                      "Tomás",  "Ibrahim", "Finn",   "Dafydd",   "Mateo", "Yusuf"};
constexpr std::array<sv, 30> kSurnames = {
    "Smith",        "Jones",    "O'Brien",   "Łukasik",        "Patel",     "Williams",
    "D'Souza",      "Nowak",    "Müller",    "Taylor",         "Brown",     "Khan",
    "Evans",        "O'Connor", "Kowalczyk", "Thomas",         "Ahmed",     "Wilson",
    "Davies",       "Hussain",  "Robinson",  "Ó Súilleabháin", "Nguyen",    "Okafor",
    "Van der Berg", "Żak",      "MacDonald", "Begum",          "Fernández", "Hughes"};
constexpr std::array<sv, 12> kMiddle = {"James", "Rose", "Marie", "Anne",  "Ali",   "Louise",
                                        "John",  "Mae",  "Dewi",  "Éabha", "Grace", "Lee"};
constexpr std::array<sv, 11> kEthnicity = {"WBRI", "WBRI", "WBRI", "WIRI", "WOTH", "APKN",
                                           "AIND", "BAFR", "BCRB", "MWBC", "CHNE"};
constexpr std::array<sv, 8> kOtherLanguages = {"POL", "URD", "PNJ", "BEN",
                                               "ARA", "ROM", "SOM", "LIT"};
constexpr std::array<sv, 10> kStreets = {
    "High Street",    "Church Road",   "Station Road", "Mill Lane", "Victoria Road",
    "Queen's Avenue", "Park Crescent", "Bryn Road",    "Elm Grove", "St Mary's Close"};
constexpr std::array<sv, 5> kTowns = {"Luton", "Dunstable", "Bedford", "Leighton Buzzard",
                                      "Houghton Regis"};
constexpr std::array<sv, 4> kRelations = {"PAM", "PAF", "CAR", "OTH"};
constexpr std::array<sv, 6> kSubjects = {"MAT", "REA", "GPS", "WRI", "SCI", "ENG"};
constexpr std::array<sv, 6> kNeeds = {"SEMH", "SLCN", "SPLD", "ASD", "MLD", "VI"};

constexpr int kAcademicYear = 2025;  // September 2025 to July 2026

void escape(std::string& out, sv text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
}

// Appends `<name>value</name>` on its own line; the buffer is flushed once per pupil.
class Xml {
 public:
  void el(int indent, sv name, sv value) {
    buf_.append(static_cast<std::size_t>(indent) * 2, ' ');
    buf_ += '<';
    buf_ += name;
    buf_ += '>';
    escape(buf_, value);
    buf_ += "</";
    buf_ += name;
    buf_ += ">\n";
  }
  void el(int indent, sv name, long value) { el(indent, name, std::to_string(value)); }
  void open(int indent, sv name) {
    buf_.append(static_cast<std::size_t>(indent) * 2, ' ');
    buf_ += '<';
    buf_ += name;
    buf_ += ">\n";
  }
  void close(int indent, sv name) {
    buf_.append(static_cast<std::size_t>(indent) * 2, ' ');
    buf_ += "</";
    buf_ += name;
    buf_ += ">\n";
  }
  void flush(std::ostream& out) {
    out.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  std::string buf_;
};

std::string date(int y, int m, int d) {
  return to_iso(std::chrono::year_month_day{std::chrono::year{y},
                                            std::chrono::month{static_cast<unsigned>(m)},
                                            std::chrono::day{static_cast<unsigned>(d)}});
}

std::string add_days(const std::string& iso, int days) {
  const auto ymd = *parse_iso_date(iso);
  return to_iso(std::chrono::year_month_day{std::chrono::sys_days{ymd} + std::chrono::days{days}});
}

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += static_cast<char>('0' + rng.below(10));
  return s;
}

std::string pad(long v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width)
    s.insert(s.begin(), '0');
  return s;
}

// A UPN with its check letter: LA (3) + estab (4) + year allocated (2) + serial (3), or for a
// temporary UPN a letter in the last place.
std::string make_upn(sv body12) {
  std::string upn = "A";
  upn += body12;
  upn[0] = *upn_check_letter(upn);
  return upn;
}

// One school year of attendance marks, two sessions a day; counts derived from the marks so
// the totals always agree with them.
struct Marks {
  std::string marks;
  long possible = 0, attended = 0, authorised = 0, unauthorised = 0;
};

Marks make_marks(Rng& rng, int sessions, int absence_permille) {
  Marks m;
  m.marks.reserve(static_cast<std::size_t>(sessions));
  for (int i = 0; i < sessions; ++i) {
    char c = '/';
    if (rng.permille(absence_permille)) {
      constexpr sv authorised = "IIIMCER";
      constexpr sv unauthorised = "OOGU";
      if (rng.chance(70)) {
        c = authorised[static_cast<std::size_t>(rng.below(static_cast<int>(authorised.size())))];
      } else {
        c = unauthorised[static_cast<std::size_t>(
            rng.below(static_cast<int>(unauthorised.size())))];
      }
    } else if (i % 2 == 1) {
      c = rng.chance(3) ? 'L' : '\\';
    }
    if (c == '/' || c == '\\' || c == 'L') {
      ++m.attended;
    } else if (c == 'O' || c == 'G' || c == 'U') {
      ++m.unauthorised;
    } else {
      ++m.authorised;
    }
    m.marks += c;
  }
  m.possible = sessions;
  return m;
}

void write_pupil(Xml& x, Rng& rng, const CtfGenOptions& o, std::size_t index) {
  const std::string la = o.laestab.substr(0, 3);
  const std::string estab = o.laestab.substr(3);

  // NC year 7-11 mostly, a smaller sixth form.
  const int roll = rng.below(100);
  const int nc_year = roll < 85 ? 7 + roll / 17 : (roll < 93 ? 12 : 13);
  // Born 1 September (Y - n - 5) to 31 August (Y - n - 4) for NC year n in academic year Y.
  const std::string dob = add_days(date(kAcademicYear - nc_year - 5, 9, 1), rng.below(365));
  const int birth_year = std::stoi(dob.substr(0, 4));
  const bool girl = rng.chance(50);

  // Allocated at reception by one of the LA's primaries; (primary, serial) is unique per index.
  const long primary = 2000 + static_cast<long>((index / 1000) % 7000);
  const std::string upn = make_upn(la + pad(primary, 4) + pad((birth_year + 5) % 100, 2) +
                                   pad(static_cast<long>(index % 1000), 3));

  x.open(2, "Pupil");
  x.el(3, "UPN", upn);
  if (nc_year >= 10)
    x.el(3, "UniqueLearnerNumber", std::to_string(4 + rng.below(6)) + digits(rng, 9));
  const sv surname = rng.pick(kSurnames);
  std::string full_surname(surname);
  if (rng.chance(6)) {
    full_surname += '-';
    full_surname += rng.pick(kSurnames);
  }
  const sv forename = girl ? rng.pick(kGirls) : rng.pick(kBoys);
  x.el(3, "Surname", full_surname);
  x.el(3, "Forename", forename);
  x.el(3, "DOB", dob);
  x.el(3, o.use_gender_tag ? "Gender" : "Sex", girl ? "F" : "M");

  x.open(3, "BasicDetails");
  if (rng.chance(3)) {
    // A temporary UPN from before the permanent one was issued.
    constexpr sv letters = "ABCDEFGHJKLMNPQRTUVWXYZ";
    std::string body = la + pad(primary, 4) + pad((birth_year + 5) % 100, 2) + "00";
    body += letters[static_cast<std::size_t>(rng.below(static_cast<int>(letters.size())))];
    x.el(4, "FormerUPN", make_upn(body));
  }
  if (rng.chance(4)) x.el(4, "PreferredSurname", rng.pick(kSurnames));
  if (rng.chance(7)) x.el(4, "PreferredForename", girl ? rng.pick(kGirls) : rng.pick(kBoys));
  if (rng.chance(40)) x.el(4, "MiddleNames", rng.pick(kMiddle));
  x.el(4, "NCyearActual", std::to_string(nc_year));
  x.el(4, "Ethnicity", rng.pick(kEthnicity));
  x.el(4, "EthnicitySource", "P");
  x.open(4, "Languages");
  x.open(5, "Type");
  x.el(6, "LanguageType", "F");
  x.el(6, "Language", rng.chance(82) ? "ENG" : rng.pick(kOtherLanguages));
  x.close(5, "Type");
  x.close(4, "Languages");
  x.el(4, "EnrolStatus", "C");
  x.el(4, "MedicalFlag", rng.chance(8) ? "true" : "false");
  x.close(3, "BasicDetails");

  x.open(3, "LookedAfter");
  const bool in_care = rng.permille(15);
  x.el(4, "InCare", in_care ? "true" : "false");
  if (in_care) x.el(4, "CareAuthority", la);
  x.close(3, "LookedAfter");

  const int sen_roll = rng.below(100);
  if (sen_roll < 40) {
    x.open(3, "SENhistory");
    x.open(4, "SEN");
    x.el(5, "StartDate",
         date(kAcademicYear - nc_year + 5 + rng.below(nc_year - 4), 9, 1 + rng.below(28)));
    x.el(5, "SENprovision", sen_roll < 3 ? "E" : (sen_roll < 15 ? "K" : "N"));
    x.close(4, "SEN");
    if (sen_roll < 15) {
      x.open(4, "SENneeds");
      x.open(5, "SENneed");
      x.el(6, "NeedType", rng.pick(kNeeds));
      x.el(6, "NeedTypeRank", 1);
      x.close(5, "SENneed");
      x.close(4, "SENneeds");
    }
    x.close(3, "SENhistory");
  }

  x.open(3, "Address");
  x.open(4, "BS7666Address");
  x.el(5, "PAON", 1 + rng.below(180));
  x.el(5, "Street", rng.pick(kStreets));
  const sv town = rng.pick(kTowns);
  x.el(5, "Town", town);
  x.el(5, "AdministrativeArea", "Bedfordshire");
  x.el(5, "PostTown", town);
  x.el(5, "UniquePropertyReferenceNumber", "1000" + digits(rng, 8));
  x.close(4, "BS7666Address");
  x.el(4, "PostCode",
       "LU" + std::to_string(1 + rng.below(7)) + " " + std::to_string(rng.below(10)) + "AB");
  x.close(3, "Address");

  x.open(3, "Contacts");
  const int contacts = 1 + rng.below(2);
  for (int c = 1; c <= contacts; ++c) {
    const bool mother = c == 1 ? rng.chance(70) : rng.chance(30);
    x.open(4, "Contact");
    x.el(5, "Order", c);
    x.el(5, "Title", mother ? "Mrs" : "Mr");
    x.el(5, "Forename", mother ? rng.pick(kGirls) : rng.pick(kBoys));
    x.el(5, "Surname", rng.chance(80) ? full_surname : std::string(rng.pick(kSurnames)));
    x.el(5, "Gender", mother ? "F" : "M");
    x.el(5, "Relationship", rng.pick(kRelations));
    x.el(5, "Responsibility", "true");
    x.el(5, "AddressAsPupil", "true");
    x.open(5, "Phones");
    x.open(6, "Phone");
    x.el(7, "TelephoneType", "M");
    x.el(7, "PhoneNo", "07" + digits(rng, 9));
    x.close(6, "Phone");
    x.close(5, "Phones");
    x.el(5, "Email",
         "parent" + std::to_string(index) + "." + std::to_string(c) + "@example.org.uk");
    x.close(4, "Contact");
  }
  x.close(3, "Contacts");

  x.open(3, "Attendance");
  const int absence = 20 + rng.below(rng.chance(15) ? 250 : 80);  // per mille of sessions
  for (int y = o.years_of_attendance; y >= 1; --y) {
    const int year = kAcademicYear - y;
    const bool here = year >= kAcademicYear - (nc_year - 7);
    const Marks m = make_marks(rng, 300 + 2 * rng.below(41), absence);
    x.open(4, "YearData");
    x.el(5, "Year", year);
    x.el(5, "LEA", la);
    x.el(5, "Estab", here ? estab : pad(primary, 4));
    x.el(5, "SessionsPossible", m.possible);
    x.el(5, "SessionsAuthorised", m.authorised);
    x.el(5, "SessionsAttended", m.attended);
    x.el(5, "SessionsUnauthorised", m.unauthorised);
    x.open(5, "AttendSessions");
    x.el(6, "AttendanceStartDate", date(year, 9, 3));
    x.el(6, "AttendanceMarks", m.marks);
    x.close(5, "AttendSessions");
    x.close(4, "YearData");
  }
  x.close(3, "Attendance");

  if (o.assessments_per_pupil > 0) {
    x.open(3, "StageAssessments");
    x.open(4, "KeyStage");
    x.el(5, "Stage", "KS2");
    const int ks2_year = kAcademicYear - nc_year + 6;  // summer of year 6
    for (int a = 0; a < o.assessments_per_pupil; ++a) {
      const sv subject = kSubjects[static_cast<std::size_t>(a) % kSubjects.size()];
      const bool test =
          a < static_cast<int>(kSubjects.size()) && subject != "WRI" && subject != "SCI";
      x.open(5, "StageAssessment");
      x.el(6, "Locale", "EN");
      x.el(6, "Year", ks2_year);
      x.el(6, "Subject", subject);
      x.el(6, "Method", test ? "TT" : "TA");
      x.el(6, "Component", test ? "SCALED" : "");
      x.el(6, "ResultStatus", "A");
      x.el(6, "ResultQualifier", "NV");
      if (test) {
        x.el(6, "Result", 85 + rng.below(36));
      } else {
        constexpr std::array<sv, 4> ta = {"WTS", "EXS", "EXS", "GDS"};
        x.el(6, "Result", rng.pick(ta));
      }
      x.close(5, "StageAssessment");
    }
    x.close(4, "KeyStage");
    x.close(3, "StageAssessments");
  }

  x.open(3, "SchoolHistory");
  x.open(4, "School");
  x.el(5, "LEA", la);
  x.el(5, "Estab", pad(primary, 4));
  x.el(5, "SchoolName", "St Mary's C of E Primary School");
  x.el(5, "EntryDate", date(birth_year + 4, 9, 5));
  x.el(5, "LeavingDate", date(kAcademicYear - nc_year + 7, 7, 21));
  x.el(5, "LeavingReason", "T");
  x.close(4, "School");
  x.open(4, "School");
  x.el(5, "LEA", la);
  x.el(5, "Estab", estab);
  x.el(5, "SchoolName", "Ridgeway Academy");
  x.el(5, "EntryDate", date(kAcademicYear - nc_year + 7, 9, 4));
  x.close(4, "School");
  x.close(3, "SchoolHistory");

  if (rng.chance(25)) {
    x.open(3, "FSMhistory");
    x.el(4, "FSMreviewDate", date(kAcademicYear, 4, 1));
    // Some ended before the header date, some run on; a few have an ended and a current one.
    const int kind = rng.below(10);
    const std::string first_start = date(kAcademicYear - 1 - rng.below(4), 1 + rng.below(12), 1);
    x.open(4, "FSMinstance");
    x.el(5, "FSMstartDate", first_start);
    if (kind < 4) x.el(5, "FSMendDate", add_days(first_start, 200 + rng.below(100)));
    x.el(5, "UKcountry", "ENG");
    x.close(4, "FSMinstance");
    if (kind == 0) {
      x.open(4, "FSMinstance");
      x.el(5, "FSMstartDate", date(kAcademicYear, 6, 2));
      x.el(5, "UKcountry", "ENG");
      x.close(4, "FSMinstance");
    }
    x.close(3, "FSMhistory");
  }
  x.close(2, "Pupil");
}

}  // namespace

void write_ctf(std::ostream& out, const CtfGenOptions& o) {
  Rng rng(o.seed);
  Xml x;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CTfile>\n";
  x.open(1, "Header");
  x.el(2, "DocumentName", "Common Transfer File");
  x.el(2, "CTFversion", o.version);
  x.el(2, "DateTime", kCtfGenDateTime);
  x.el(2, "DocumentQualifier", "full");
  x.el(2, "DataDescriptor", "Year roll, careerlink test data");
  x.el(2, "SupplierID", "careerlink-testgen");
  x.open(2, "SourceSchool");
  x.el(3, "LEA", o.laestab.substr(0, 3));
  x.el(3, "Estab", o.laestab.substr(3));
  if (o.urn) x.el(3, "URN", *o.urn);
  x.el(3, "SchoolName", "Ridgeway Academy");
  x.el(3, "AcademicYear", kAcademicYear);
  x.close(2, "SourceSchool");
  x.open(2, "DestSchool");
  x.el(3, "LEA", o.laestab.substr(0, 3));
  x.el(3, "Estab", "LLLL");
  x.close(2, "DestSchool");
  x.close(1, "Header");
  x.open(1, "CTFpupilData");
  x.flush(out);
  for (std::size_t i = 0; i < o.pupils; ++i) {
    write_pupil(x, rng, o, i);
    x.flush(out);
  }
  x.close(1, "CTFpupilData");
  x.close(0, "CTfile");
  x.flush(out);
}

}  // namespace careerlink::testgen
