#include "connectors/tracker/tracker_record.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>
#include <array>

namespace careerlink::tracker {
namespace {

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

nlohmann::json destination_json(const std::optional<guidance::Destination>& d) {
  if (!d) return nullptr;
  auto text = [](const std::optional<std::string>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"activity_code", d->activity_code},
          {"provider_name", text(d->provider_name)},
          {"provider_urn", text(d->provider_urn)},
          {"provider_ukprn", text(d->provider_ukprn)},
          {"course", text(d->course)},
          {"start_date", text(d->start_date)},
          {"confirmed_by", text(d->confirmed_by)},
          {"recorded_on", text(d->recorded_on)}};
}

}  // namespace

nlohmann::json record_json(const TrackerRecord& r) {
  auto or_null = [](const std::string& v) -> nlohmann::json {
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  return {{"record_id", r.record_id},
          {"school_urn", r.school_urn},
          {"upn", r.upn},
          {"pseudonymised", r.pseudonymised},
          {"forename", or_null(r.forename)},
          {"surname", or_null(r.surname)},
          {"dob", or_null(r.dob)},
          {"nc_year", or_null(r.nc_year)},
          {"leaving_date", or_null(r.leaving_date)},
          {"intended_destination", destination_json(r.intended)},
          {"actual_destination", destination_json(r.actual)}};
}

std::string source_version(const TrackerSourceRow& row, bool pseudonymised) {
  // Fields separated by a unit separator, an absent one by a record separator: no two different
  // records give the same text. "v1" names this layout, should it ever change.
  std::string text = "v1";
  auto add = [&](const std::optional<std::string>& v) {
    text += '\x1f';
    if (v) {
      text += *v;
    } else {
      text += '\x1e';
    }
  };
  add(row.upn);
  add(pseudonymised ? std::optional<std::string>("pseudonymised") : std::nullopt);
  if (!pseudonymised) {
    add(row.forename);
    add(row.surname);
    add(row.dob);
  }
  add(row.nc_year);
  add(row.leaving_date);
  for (const auto* d : {&row.intended, &row.actual}) {
    add(*d ? std::optional<std::string>((*d)->activity_code) : std::nullopt);
    if (!*d) continue;
    add((*d)->provider_name);
    add((*d)->provider_urn);
    add((*d)->provider_ukprn);
    add((*d)->course);
    add((*d)->start_date);
    add((*d)->confirmed_by);
    add((*d)->recorded_on);
  }
  return sha256_hex(text).substr(0, 32);
}

std::string idempotency_key(std::string_view sink, std::int64_t pupil_id,
                            std::string_view version) {
  return sha256_hex(fmt::format("{}\n{}\n{}", sink, pupil_id, version)).substr(0, 32);
}

}  // namespace careerlink::tracker
