// Secrets are never inline, and components can register their own tables. The current built-in
// tables hold no secret, so these tests register throw-away tables the way a sink would.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config/config.hpp"
#include "daemon/config/config_keys.hpp"

namespace careerlink {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Where the test table's setters write; a real component would have fields in Config.
struct TestSinkSettings {
  std::string url;
  std::string password_file;
  std::string password_env;
  std::string signing_key_file;
};
TestSinkSettings g_sink;

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_sink = {};
    ConfigTable table{.path = "testsink", .description = "A sink that needs secrets (test only)"};
    table.keys.push_back(
        ConfigKey{.name = "url",
                  .type = KeyType::string,
                  .default_text = "(none)",
                  .description = "Where to send",
                  .store = [](Config&, const ConfigValue& v) { g_sink.url = v.as_string(); }});
    for (ConfigKey& key : secret_keys(
             "password", "Password for the far side",
             [](Config&, const ConfigValue& v) { g_sink.password_file = v.as_string(); },
             [](Config&, const ConfigValue& v) { g_sink.password_env = v.as_string(); })) {
      table.keys.push_back(std::move(key));
    }
    // Only the _file variant: a "key" name is a secret only where such a variant exists.
    table.keys.push_back(secret_keys(
        "signing_key", "Key that signs requests",
        [](Config&, const ConfigValue& v) { g_sink.signing_key_file = v.as_string(); },
        nullptr)[0]);
    register_config_table(std::move(table));
  }
  void TearDown() override { unregister_config_table("testsink"); }

  static std::string errors_of(std::string_view text) {
    auto result = parse_config(text, "s.toml");
    if (result) return "(no errors)";
    std::string out;
    for (const ConfigDiagnostic& d : result.error())
      out += d.to_string() + "\n";
    return out;
  }
};

TEST_F(SecretsTest, InlineSecretIsRefusedWithoutEchoingIt) {
  const std::string errors = errors_of("[testsink]\npassword = \"hunter2-very-secret\"\n");
  EXPECT_THAT(errors, HasSubstr("s.toml:2: 'password' in [testsink] looks like a secret; secrets "
                                "are never written inline: use password_file (a file holding it) "
                                "or password_env (an environment variable)\n"));
  EXPECT_THAT(errors, Not(HasSubstr("hunter2")));
}

TEST_F(SecretsTest, KeyWithReferenceVariantIsASecret) {
  EXPECT_THAT(errors_of("[testsink]\nsigning_key = \"abc\"\n"),
              HasSubstr("s.toml:2: 'signing_key' in [testsink] looks like a secret; secrets are "
                        "never written inline: use signing_key_file"));
  // "key" alone is not a secret word: without a _file/_env variant it is just unknown.
  EXPECT_THAT(errors_of("[testsink]\npublic_key = \"abc\"\n"),
              HasSubstr("s.toml:2: unknown key 'public_key' in [testsink]"));
}

TEST_F(SecretsTest, UnknownSecretLookingKeysAnywhereAreRefused) {
  for (const char* key : {"api_token", "client_secret", "db_password", "api_key", "Secret"}) {
    SCOPED_TRACE(key);
    const std::string errors = errors_of(std::string("[log]\n") + key + " = \"x\"\n");
    EXPECT_THAT(errors, HasSubstr("s.toml:2: '" + std::string(key) +
                                  "' in [log] looks like a secret; secrets are never written "
                                  "inline: use " +
                                  key + "_file"));
    EXPECT_THAT(errors, HasSubstr("if this table takes that secret"));
  }
}

TEST_F(SecretsTest, FileAndEnvReferencesAreAccepted) {
  auto config = parse_config(R"([testsink]
url = "https://tracker.example/api"
password_file = "/run/secrets/tracker_password"
password_env = "CAREERLINK_TRACKER_PASSWORD"
signing_key_file = "/etc/careerlink/signing.key"
)",
                             "s.toml");
  ASSERT_TRUE(config) << config.error().at(0).to_string();
  EXPECT_EQ(g_sink.url, "https://tracker.example/api");
  EXPECT_EQ(g_sink.password_file, "/run/secrets/tracker_password");
  EXPECT_EQ(g_sink.password_env, "CAREERLINK_TRACKER_PASSWORD");
  EXPECT_EQ(g_sink.signing_key_file, "/etc/careerlink/signing.key");
}

TEST_F(SecretsTest, BadReferencesAreRefusedWithoutEchoingThem) {
  const std::string errors =
      errors_of("[testsink]\npassword_env = \"s3cr3t value!\"\npassword_file = \"secrets/pw\"\n");
  EXPECT_THAT(errors, HasSubstr("s.toml:2: testsink.password_env must name an environment variable "
                                "(letters, digits and _), not hold the secret itself"));
  EXPECT_THAT(errors, HasSubstr("s.toml:3: testsink.password_file must be an absolute path\n"));
  EXPECT_THAT(errors, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(errors, Not(HasSubstr("secrets/pw")));
}

TEST_F(SecretsTest, RegisteredTableIsDescribed) {
  std::ostringstream out;
  describe_config(out);
  EXPECT_THAT(out.str(), HasSubstr("[testsink]  A sink that needs secrets (test only)"));
  EXPECT_THAT(out.str(), HasSubstr("  testsink.password_file  (secret file, default: (none))"));
  EXPECT_THAT(out.str(), HasSubstr("  testsink.password_env  (secret env, default: (none))"));
}

TEST(ConfigRegistry, TablesRegisterOnceAndUnregister) {
  ConfigTable table{.path = "testonce", .description = "test"};
  register_config_table(table);
  EXPECT_THROW(register_config_table(table), std::logic_error);
  EXPECT_THROW(register_config_table(ConfigTable{.path = "log"}), std::logic_error);
  EXPECT_TRUE(unregister_config_table("testonce"));
  EXPECT_FALSE(unregister_config_table("testonce"));
  EXPECT_THROW(register_config_table(ConfigTable{.path = "testarray", .array = true}),
               std::logic_error);  // an array table needs add_element
}

TEST(ConfigRegistry, NestedTablePathsWork) {
  bool verify = true;
  ConfigTable table{.path = "testnest.tls", .description = "nested (test only)"};
  table.keys.push_back(
      ConfigKey{.name = "verify",
                .type = KeyType::boolean,
                .default_text = "true",
                .description = "Check the server's certificate",
                .store = [&verify](Config&, const ConfigValue& v) { verify = v.as_bool(); }});
  register_config_table(std::move(table));
  auto ok = parse_config("[testnest.tls]\nverify = false\n", "n.toml");
  auto bad = parse_config("[testnest]\ntsl = 1\n", "n.toml");
  unregister_config_table("testnest.tls");
  ASSERT_TRUE(ok);
  EXPECT_FALSE(verify);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().at(0).to_string(),
            "n.toml:2: unknown key 'tsl' in [testnest]; did you mean 'tls'?");
}

}  // namespace
}  // namespace careerlink
