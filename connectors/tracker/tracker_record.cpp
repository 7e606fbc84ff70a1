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

void stamp(TrackerRecord& record, std::string_view sink) {
  // nlohmann::json objects keep keys sorted, so dump() is a canonical form.
  record.version = sha256_hex(record_json(record).dump()).substr(0, 32);
  record.idempotency_key =
      sha256_hex(fmt::format("{}\n{}\n{}", sink, record.pupil_id, record.version)).substr(0, 32);
}

}  // namespace careerlink::tracker
