// careerlink's configuration: one TOML file, validated against declarative key tables (one table
// per component, fluent-bit's config_map idea). The same tables print `config describe` and
// document config/careerlink.example.toml. Every key has a built-in default, so careerlink runs
// with no file at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace careerlink {

struct LogConfig {
  std::string level = "info";   // trace | debug | info | warn | error | off
  std::string format = "text";  // text | json (JSON lines)
  bool file = true;             // also write a rotating file in <data_dir>/log/
  std::uint64_t max_file_size_mb = 10;
  int max_files = 5;
};

struct StoreConfig {
  std::string backend = "sqlite";
  int busy_timeout_ms = 5000;
  std::string synchronous = "normal";  // normal | full
};

struct ImportConfig {
  std::uint64_t max_file_size_mb = 1024;  // files larger than this are refused unread
  int max_xml_depth = 64;                 // CTF nesting is about 8 deep; more is hostile
  std::uint64_t max_text_kb = 1024;       // longest text node accepted
};

struct SchoolConfig {
  std::string urn;
  std::string laestab;
  std::string name;
  std::string timezone = "Europe/London";
};

// [serve]: the service's listener and lifecycle.
struct ServeConfig {
  std::string listen = "127.0.0.1:8470";
  int threads = 2;
  int shutdown_grace_seconds = 30;
  std::optional<std::filesystem::path> admin_token_file;
  std::optional<std::string> admin_token_env;
  std::optional<std::filesystem::path> tls_cert_file;
  std::optional<std::filesystem::path> tls_key_file;
};

// [outbox]: delivery of changes to sinks.
struct OutboxConfig {
  int batch_size = 100;
  int lease_seconds = 60;
  int backoff_base_ms = 1000;
  int backoff_cap_ms = 300000;
  int max_attempts = 20;
  int max_age_hours = 72;
  int retention_days = 7;
  int poll_interval_ms = 1000;
};

// [[job]]: a scheduled piece of work.
struct JobConfig {
  std::string name;
  std::string schedule;  // 5-field cron, in the time zone below
  std::string run;       // "drain:<sink>", "purge"
  std::string timezone = "Europe/London";
};

// [[sink]]: somewhere the outbox delivers to.
struct SinkConfig {
  std::string name;
  std::string type;  // "webhook"
  std::string url;
  std::optional<std::filesystem::path> secret_file;
  std::optional<std::string> secret_env;
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::filesystem::path> client_cert_file;  // mutual TLS, when the receiver asks
  std::optional<std::filesystem::path> client_key_file;
  bool verify_tls = true;
  std::string proxy;  // "" = from https_proxy, if set
  int timeout_seconds = 30;
};

// [[source]]: a folder the MIS drops its exports into, taken in by a sync:<name> job.
struct SourceConfig {
  std::string name;
  std::string type;  // "ctf" | "csv"
  std::filesystem::path folder;
  std::string extension;  // files taken, case-insensitive; "" = .xml for ctf, .csv for csv
  std::string preset;     // csv: a built-in mapping ("pupils", "staff") ...
  std::optional<std::filesystem::path> mapping_file;  // ... or a mapping file of the school's own
  std::string school;       // csv: URN or LAESTAB, when careerlink holds more than one school
  int settle_seconds = 60;  // a file written more recently is left for the next run
};

struct Config {
  std::optional<std::filesystem::path> data_dir;
  LogConfig log;
  StoreConfig store;
  ImportConfig import;
  std::vector<SchoolConfig> schools;
  ServeConfig serve;
  OutboxConfig outbox;
  std::vector<JobConfig> jobs;
  std::vector<SinkConfig> sinks;
  std::vector<SourceConfig> sources;
  std::optional<std::filesystem::path> source_file;  // the file it was read from, if any
};

// One thing wrong with a config file, in the FILE:LINE: form editors and people both read.
struct ConfigDiagnostic {
  std::string file;
  std::size_t line = 0;
  std::string message;  // what is wrong and what to do
  [[nodiscard]] std::string to_string() const;
};

// Reads and validates `file`. Unknown keys, wrong types, values out of range and inline secrets
// are all errors; every error found is returned, not just the first.
std::expected<Config, std::vector<ConfigDiagnostic>> load_config(const std::filesystem::path& file);

// The same, from text already in memory (`name` is used in diagnostics).
std::expected<Config, std::vector<ConfigDiagnostic>> parse_config(std::string_view text,
                                                                  const std::string& name);

// Prints every key with its type, default and one-line meaning, from the validating tables.
void describe_config(std::ostream& out);

// Where the config is looked for when --config is not given: $CAREERLINK_CONFIG, then the
// platform's usual place (/etc/careerlink/careerlink.toml;
// %ProgramData%\careerlink\careerlink.toml), else none (built-in defaults).
std::optional<std::filesystem::path> default_config_path();

// The platform's usual data directory: /var/lib/careerlink when running as root, else
// $XDG_DATA_HOME/careerlink or ~/.local/share/careerlink; %ProgramData%\careerlink on Windows.
std::filesystem::path default_data_dir();

}  // namespace careerlink
