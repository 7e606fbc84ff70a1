// base64/base64url against RFC 4648's test vectors, strict decoding, random tokens and SHA-256.
#include <gtest/gtest.h>

#include <set>

#include "plugins/panel/auth/base64.hpp"
#include "plugins/panel/auth/random_token.hpp"

namespace careerlink::panel::auth {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64url_encode(plain), encoded);
    EXPECT_EQ(base64_encode_unpadded(plain), encoded);
    EXPECT_EQ(base64url_decode(encoded), plain) << encoded;
    EXPECT_EQ(base64_decode_unpadded(encoded), plain) << encoded;
  }
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
}

TEST(Base64, UrlSafeAlphabet) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64_encode_unpadded(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64url_decode("-_-_"), bytes);
  EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);  // standard alphabet is not base64url
  EXPECT_EQ(base64_decode_unpadded("-_-_"), std::nullopt);
}

TEST(Base64, DecodingIsStrict) {
  for (std::string_view bad : {"Zg==", "Zm9v=", "Z", "Zm9vY", "Zh", "Zm 9v", "Zm9v\n", "Zm9*"}) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(base64_decode_unpadded("Zh"), std::nullopt);  // non-zero trailing bits
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(base64url_decode(base64url_encode(part)), part);
    EXPECT_EQ(base64_decode_unpadded(base64_encode_unpadded(part)), part);
  }
}

TEST(RandomToken, LengthAlphabetAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = random_token(32);
    ASSERT_EQ(token.size(), 43u);
    auto bytes = base64url_decode(token);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), 32u);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(random_token(16).size(), 22u);
  EXPECT_EQ(random_token(0), "");
}

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

}  // namespace
}  // namespace careerlink::panel::auth
