// scrypt password hashing: round trip, refusals, the PHC string format checked against an
// independent known answer (RFC 7914 section 12), rehash detection and the password policy.
#include <gtest/gtest.h>

#include <regex>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/password_hash.hpp"

namespace careerlink::panel::auth {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

// RFC 7914 section 12: scrypt("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1, 64 bytes).
std::string rfc7914_phc() {
  const std::string key = unhex(
      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
      "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  return "$scrypt$ln=14,r=8,p=1$" + base64_encode_unpadded("SodiumChloride") + "$" +
         base64_encode_unpadded(key);
}

TEST(PasswordHash, RoundTripAndFormat) {
  const std::string stored = hash_password("correct horse battery staple");
  EXPECT_TRUE(std::regex_match(
      stored, std::regex(R"(\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43})")))
      << stored;
  EXPECT_TRUE(verify_password("correct horse battery staple", stored));
  EXPECT_FALSE(needs_rehash(stored));
}

TEST(PasswordHash, WrongPasswordsAreRefused) {
  const std::string stored = hash_password("correct horse battery staple");
  EXPECT_FALSE(verify_password("correct horse battery stapl", stored));
  EXPECT_FALSE(verify_password("Correct horse battery staple", stored));
  EXPECT_FALSE(verify_password("", stored));
  EXPECT_FALSE(verify_password("correct horse battery staple ", stored));
}

TEST(PasswordHash, SaltsAreUnique) {
  const std::string a = hash_password("same password twice");
  const std::string b = hash_password("same password twice");
  EXPECT_NE(a, b);
  EXPECT_NE(a.substr(0, a.rfind('$')), b.substr(0, b.rfind('$')));  // the salts differ
  EXPECT_TRUE(verify_password("same password twice", a));
  EXPECT_TRUE(verify_password("same password twice", b));
}

TEST(PasswordHash, MatchesRfc7914KnownAnswer) {
  const std::string stored = rfc7914_phc();
  EXPECT_TRUE(verify_password("pleaseletmein", stored));
  EXPECT_FALSE(verify_password("pleaseletmeIn", stored));
  EXPECT_TRUE(needs_rehash(stored));  // weaker N and a 64-byte hash: not today's parameters
}

TEST(PasswordHash, MalformedStoredStringsAreFalseNotCrashes) {
  const std::string good = hash_password("a perfectly fine password");
  const auto salt_start = good.find('$', 8) + 1;
  const auto hash_start = good.rfind('$') + 1;
  std::string flipped = good;
  flipped[hash_start] = flipped[hash_start] == 'A' ? 'B' : 'A';
  const std::string cases[] = {
      "",
      "$scrypt$",
      "$scrypt$ln=15,r=8,p=1$$",
      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g",
      "plain text password",
      good.substr(0, good.size() - 4),  // truncated hash (a PBKDF2 prefix would verify)
      good + "$extra",
      "$scrypt$ln=15,p=1,r=8$" + good.substr(salt_start),   // order
      "$scrypt$ln=015,r=8,p=1$" + good.substr(salt_start),  // leading zero
      "$scrypt$ln=40,r=8,p=1$" + good.substr(salt_start),   // absurd memory
      "$scrypt$ln=15,r=8,p=0$" + good.substr(salt_start),
      "$scrypt$ln=15,r=8,p=1$" + good.substr(salt_start, hash_start - salt_start - 1) + "$***",
      "$scrypt$ln=15,r=8,p=1$c2FsdA$" + good.substr(hash_start),  // 4-byte salt
      flipped,
  };
  for (const auto& stored : cases) {
    EXPECT_FALSE(verify_password("a perfectly fine password", stored)) << stored;
    if (stored != flipped) {
      EXPECT_TRUE(needs_rehash(stored)) << stored;
    }
  }
}

TEST(PasswordPolicy, LengthNotComplexity) {
  EXPECT_TRUE(password_problem(""));
  EXPECT_TRUE(password_problem("Tr0ub4dor&3"));  // 11 characters, however "complex"
  auto problem = password_problem("short");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("12"), std::string::npos);
  EXPECT_EQ(password_problem("horse battery"), std::nullopt);  // 13 lower-case characters
  EXPECT_EQ(password_problem("purple monkey dishwasher"), std::nullopt);
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  EXPECT_TRUE(password_problem("ééééééééééé"));               // 11 characters, 22 bytes
  EXPECT_EQ(password_problem("éàèùâêîôûçëï"), std::nullopt);  // 12 characters
}

TEST(PasswordPolicy, RefusesRepeatsAndHugeInput) {
  EXPECT_TRUE(password_problem("aaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(password_problem(std::string(2000, 'x') + "y"));
}

TEST(GeneratePassword, ReadableRandomAndAcceptable) {
  const std::regex shape("[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){3}");
  const std::string a = generate_password();
  const std::string b = generate_password();
  EXPECT_TRUE(std::regex_match(a, shape)) << a;
  EXPECT_TRUE(std::regex_match(b, shape)) << b;
  EXPECT_NE(a, b);
  EXPECT_EQ(password_problem(a), std::nullopt);
}

}  // namespace
}  // namespace careerlink::panel::auth
