// Staff passwords for panel sign-in when the school does not use Entra ID or Google: scrypt
// (memory-hard, so guessing on GPUs is expensive) through OpenSSL, stored as a self-describing
// PHC-style string so the parameters can be raised later without breaking old hashes:
//
//   $scrypt$ln=15,r=8,p=1$<salt, base64 unpadded>$<hash, base64 unpadded>
//
// N = 2^15, r = 8, p = 1 (32 MiB per hash). Measured on the development VM (Debian 12, OpenSSL
// 3.0, 2 vCPU AMD EPYC): about 130 ms per hash idle, 170-220 ms while busy; 2^16 took about
// 270 ms idle. So 2^15 stays, the strongest setting near 100 ms. Raise kScryptLogN and
// needs_rehash() flags old hashes for an upgrade at each user's next sign-in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace careerlink::panel::auth {

inline constexpr unsigned kScryptLogN = 15;
inline constexpr unsigned kScryptR = 8;
inline constexpr unsigned kScryptP = 1;
inline constexpr std::size_t kMinPasswordLength = 12;  // characters (UTF-8 code points)
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// A fresh random 16-byte salt each call. Throws std::runtime_error only if OpenSSL cannot run
// scrypt at all (out of memory, broken RNG).
std::string hash_password(std::string_view password);

// True when `password` matches `stored` (compared in constant time). False for a wrong
// password and for any `stored` string that is malformed or has out-of-range parameters.
bool verify_password(std::string_view password, std::string_view stored);

// True when `stored` was made with other parameters than today's (or cannot be read), so the
// caller should store hash_password(password) after a successful verify_password.
bool needs_rehash(std::string_view stored);

// Why `password` is not acceptable as a new password, in words for the person choosing it;
// nullopt when it is fine. The rule is length (at least 12 characters) rather than character
// classes: NCSC guidance favours long passwords (e.g. three random words) over complexity
// rules, which make passwords harder to remember without making them much harder to guess.
std::optional<std::string> password_problem(std::string_view password);

// A random password that is easy to read out and type: 4 groups of 5 lower-case characters
// from Crockford's base32 alphabet (no i, l, o, u), e.g. "k3v9q-7mzt2-e0hxa-4pwd8"; 100 bits.
std::string generate_password();

}  // namespace careerlink::panel::auth
