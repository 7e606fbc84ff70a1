#include "connectors/nccis/nccis_return.hpp"

#include <algorithm>
#include <array>

namespace careerlink::nccis {
namespace {

// In the order of the reference's CCIS export header (formats.md section 2).
constexpr std::array<std::string_view, 18> kColumns{
    "LEACode",
    "PeriodEnd",
    "CohortStatus",
    "GivenName",
    "MiddleName",
    "FamilyName",
    "Gender",
    "month/year of birth",
    "UniqueLearnerNo",
    "UniquePupilNumber",
    "GuaranteeStatusIndicator",
    "SENDFlag",
    "ActivityCode",
    "StartDate",
    "DateAscertained",
    "EstablishmentName",
    "UKProviderReferenceNumber",
    "IntendedDestinationYr11",
};

// s72 "further information": what the pupil is doing or means to do, and what says something
// about them beyond who and where they are (README.md: why each one).
constexpr std::array<std::string_view, 9> kFurtherInformation{
    "Gender",
    "GuaranteeStatusIndicator",
    "SENDFlag",
    "ActivityCode",
    "StartDate",
    "DateAscertained",
    "EstablishmentName",
    "UKProviderReferenceNumber",
    "IntendedDestinationYr11",
};

std::size_t column(std::string_view name) {
  return static_cast<std::size_t>(std::ranges::find(kColumns, name) - kColumns.begin());
}

// "2010-03-14" -> "03/2010", as the CCIS export writes month/year of birth.
std::string month_year(const std::optional<std::string>& dob) {
  if (!dob || dob->size() < 7) return {};
  return dob->substr(5, 2) + "/" + dob->substr(0, 4);
}

std::string send_flag(const PupilView& p) {
  if (p.sen == "K" || p.sen == "E" || p.ehcp == std::optional<bool>(true)) return "Y";
  if (p.sen == "N") return "N";
  return {};
}

// NCCIS follows young people from Year 11 on: a pupil who left the school in Year 11 or the
// sixth form (NC year 11 to 14 when they left) is one of its leavers; one who moved school in
// Year 8 is not.
bool post16_year(const std::optional<std::string>& nc_year) {
  return nc_year == "11" || nc_year == "12" || nc_year == "13" || nc_year == "14";
}

bool needs_quotes(std::string_view cell) {
  return cell.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

std::span<const std::string_view> return_columns() {
  return kColumns;
}

bool is_further_information(std::string_view name) {
  return std::ranges::find(kFurtherInformation, name) != kFurtherInformation.end();
}

StoreResult<NccisReturn> build_return(Store& store, const SchoolInfo& school,
                                      std::string_view as_of) {
  NccisReturn out;
  out.school_urn = school.urn.value_or(school.laestab);
  out.as_of = std::string(as_of);
  PupilFilter filter;
  filter.school = school.id;
  auto pupils = store.list_pupils(filter);
  if (!pupils) return std::unexpected(pupils.error());
  const std::optional<std::string> date{std::string(as_of)};

  std::vector<std::vector<std::string>> year11;
  std::vector<std::vector<std::string>> leavers;
  for (const auto& p : *pupils) {
    if (p.on_roll_date && *p.on_roll_date > as_of) continue;  // joined after the date
    const bool left = p.leaving_date && *p.leaving_date <= as_of;
    const bool in_year11 = !left && p.nc_year == "11";
    const bool leaver = left && post16_year(p.nc_year);
    if (!in_year11 && !leaver) continue;

    auto latest = store.latest_destinations(p.id, date);
    if (!latest) return std::unexpected(latest.error());
    auto guarantee = store.guarantee_status(p.id, date);
    if (!guarantee) return std::unexpected(guarantee.error());
    auto opt_out = store.la_sharing_opt_out(p.id);
    if (!opt_out) return std::unexpected(opt_out.error());

    std::vector<std::string> row(kColumns.size());
    auto set = [&](std::string_view name, const std::optional<std::string>& value) {
      row[column(name)] = value.value_or("");
    };
    set("LEACode", school.laestab.substr(0, 3));
    set("PeriodEnd", out.as_of);
    set("GivenName", p.forename);
    set("MiddleName", p.middle_names);
    set("FamilyName", p.surname);
    set("Gender", p.sex);
    set("month/year of birth", month_year(p.dob));
    set("UniqueLearnerNo", p.uln);
    set("UniquePupilNumber", p.upn);
    if (*guarantee) set("GuaranteeStatusIndicator", (*guarantee)->status);
    set("SENDFlag", send_flag(p));
    if (latest->actual) {
      const auto& d = latest->actual->destination;
      set("ActivityCode", d.activity_code);
      set("StartDate", d.start_date);
      set("DateAscertained", d.recorded_on);
      set("EstablishmentName", d.provider_name);
      set("UKProviderReferenceNumber", d.provider_ukprn);
    }
    if (latest->intended)
      set("IntendedDestinationYr11", latest->intended->destination.activity_code);
    if (*opt_out) {
      for (std::size_t i = 0; i < kColumns.size(); ++i) {
        if (is_further_information(kColumns[i])) row[i].clear();
      }
      ++out.opted_out;
    }
    (in_year11 ? year11 : leavers).push_back(std::move(row));
  }
  out.year11 = year11.size();
  out.leavers = leavers.size();
  out.rows = std::move(year11);
  std::ranges::move(leavers, std::back_inserter(out.rows));
  return out;
}

std::string render_return_csv(const NccisReturn& data) {
  std::string text;
  auto line = [&text](auto&& cells) {
    bool first = true;
    for (std::string_view cell : cells) {
      if (!first) text += ',';
      first = false;
      if (!needs_quotes(cell)) {
        text += cell;
        continue;
      }
      text += '"';
      for (char c : cell) {
        if (c == '"') text += '"';
        text += c;
      }
      text += '"';
    }
    text += "\r\n";
  };
  line(kColumns);
  for (const auto& row : data.rows)
    line(row);
  return text;
}

std::string monthly_file_name(std::string_view school_urn, std::string_view as_of) {
  return "nccis-" + std::string(school_urn) + "-" + std::string(as_of.substr(0, 7)) + ".csv";
}

}  // namespace careerlink::nccis
