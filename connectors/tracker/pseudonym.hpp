// Leavers pseudonymised the way Compass+ does it (reference/careers-domain.md §1): name
// "Redacted", date of birth 1901-01-01, UPN transformed. The transform is a keyed hash
// (HMAC-SHA-256) with a key of this installation's own, so one pupil keeps one pseudonym night
// after night (a tracker can still follow their destinations for three years) while nobody
// without the key can turn it back into the UPN, or test a guessed UPN against it.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace careerlink::tracker {

inline constexpr std::string_view kRedactedName = "Redacted";
inline constexpr std::string_view kRedactedDob = "1901-01-01";

// The installation's pseudonym key, from `<data_dir>/pseudonym.key`; made the first time
// (32 random bytes, hex, mode 0600). An error names the file and what is wrong with it.
std::expected<std::string, std::string> load_pseudonym_key(const std::filesystem::path& data_dir);

// "PSN" and 20 upper-case hex digits of HMAC-SHA-256(key, UPN): 23 characters, never a valid
// UPN (a UPN is 13), so nobody mistakes one for the other.
std::string pseudonymous_upn(std::string_view key, std::string_view upn);

// Whether `upn` is already such a pseudonym (retention pseudonymises a pupil with this same
// transform: reading one back, nothing transforms it twice).
bool is_pseudonymous_upn(std::string_view upn);

}  // namespace careerlink::tracker
