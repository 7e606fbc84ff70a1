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

// [school.rules]: the follow-up rules' dates, thresholds, weights and cut-offs for one school.
// Dates are "MM-DD" within the academic year (1 September to 31 August). The RONI weights follow
// Oxfordshire's scale: 1 = makes NEET likely, 2 = very likely (reference/careers-domain.md).
struct RulesConfig {
  std::string no_interview_by = "03-31";             // Y11: a qualified interview by this date
  int no_interview_warn_days = 60;                   // amber this many days before, red after
  std::string no_second_interview_by = "03-31";      // Y13: two qualified interviews by this date
  std::string no_intended_destination_by = "03-31";  // Y11: an intended destination by this date
  int overdue_red_days = 28;  // an open action overdue longer than this is red, else amber
  int review_red_days = 28;   // a review this many days past its date is red, else amber
  int roni_min_year = 9;      // NC years the RONI score is worked out for
  int roni_max_year = 11;
  double attendance_threshold = 90.0;  // attendance below this % counts
  int weight_attendance = 2;
  int weight_exclusions = 2;  // one or more exclusions recorded
  int weight_sen_support = 1;
  int weight_ehcp = 1;
  int weight_looked_after = 2;
  int weight_fsm = 1;  // free school meals / pupil premium
  int weight_eal = 1;
  int weight_young_carer = 2;
  int neet_risk_amber = 3;  // a score at or above this raises an amber neet_risk flag
  int neet_risk_red = 5;    // ... and at or above this, red
};

struct SchoolConfig {
  std::string urn;
  std::string laestab;
  std::string name;
  std::string timezone = "Europe/London";
  // What lets destinations reach trackers: "consent" (only pupils who agreed to share with
  // trackers) or "public_task" (UK GDPR Art 6(1)(e), the basis CEC and schools use as joint
  // controllers of Compass+; reference/careers-domain.md).
  std::string trackers_lawful_basis = "consent";
  RulesConfig rules;
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
  std::string run;       // "drain:<sink>", "sync:<source>", "purge", "rules"
  std::string timezone = "Europe/London";
};

// [[sink]]: somewhere the outbox delivers to.
struct SinkConfig {
  std::string name;
  std::string type;  // "webhook" | "arbor" | "sims" | "tracker-api" | "tracker-csv"
  std::string url;   // webhook: where batches go; arbor: the school's Arbor host
  std::optional<std::filesystem::path> secret_file;
  std::optional<std::string> secret_env;
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::filesystem::path> client_cert_file;  // mutual TLS, when the receiver asks
  std::optional<std::filesystem::path> client_key_file;
  bool verify_tls = true;
  std::string proxy;  // "" = from https_proxy, if set
  int timeout_seconds = 30;
  // Carries the MIS write-back: follow-up flags as they are raised and cleared, and action plans
  // the pupil agreed to share with staff (and their withdrawal).
  bool writeback = true;
  // arbor: the Partner App (API user) credentials; Basic auth.
  std::string username;
  std::optional<std::filesystem::path> password_file;
  std::optional<std::string> password_env;
  // sims: the folder the UDF value file and action-plan documents are written to;
  // tracker-csv: the folder each night's CSV is written to.
  std::optional<std::filesystem::path> folder;

  // Tracker uploads (tracker-api, tracker-csv): destinations, nightly, not the outbox.
  int batch_size = 100;         // tracker-api: records in one request
  std::string auth = "bearer";  // tracker-api: "bearer" (a fixed token) | "oauth2"
  std::optional<std::filesystem::path> token_file;  // bearer token
  std::optional<std::string> token_env;
  std::string token_url;  // oauth2: the token endpoint (client credentials grant)
  std::string client_id;
  std::optional<std::filesystem::path> client_secret_file;
  std::optional<std::string> client_secret_env;
  std::string scope;
  std::string profile = "compass";  // tracker-csv: the column profile
  // Leavers go pseudonymised this many days after their leaving date (0: from the day they
  // leave, as Compass+ does).
  int pseudonymise_leavers_after_days = 0;
  // tracker-csv: optional SFTP upload of each file (key auth, pinned host key).
  std::string sftp_host;
  int sftp_port = 22;
  std::string sftp_user;
  std::optional<std::filesystem::path> sftp_key_file;
  std::string sftp_host_key;  // the server's public key as in known_hosts: "ssh-ed25519 AAAA..."
  std::string sftp_dir;       // remote folder; "" = the login folder
};

// Tracker uploads run as nightly jobs, not as outbox sinks.
inline bool is_tracker_sink(const SinkConfig& sink) {
  return sink.type.starts_with("tracker-");
}

// [[source]]: a folder the MIS drops its exports into, taken in by a sync:<name> job.
struct SourceConfig {
  std::string name;
  std::string type;  // "ctf" | "csv" | "guidance" (advisers' drop folder)
  std::filesystem::path folder;
  std::string extension;  // files taken, case-insensitive; "" = .xml for ctf, .csv for csv
  std::string preset;     // csv: a built-in mapping ("pupils", "staff") ...
  std::optional<std::filesystem::path> mapping_file;  // ... or a mapping file of the school's own
  std::string school;        // csv: URN or LAESTAB, when careerlink holds more than one school
  int settle_seconds = 60;   // a file written more recently is left for the next run
  std::string organisation;  // guidance: the provider the files come from; "" = the source's name
};

// [nccis]: the monthly return to the local authority (connectors/nccis/README.md).
struct NccisConfig {
  // Where nccis:<URN> jobs write nccis-<URN>-<YYYY-MM>.csv; unset: such a job is refused.
  std::optional<std::filesystem::path> folder;
};

// [intake]: the advisers' intake API (/api/v1/interviews, /api/v1/destinations).
struct IntakeConfig {
  int max_body_kb = 256;            // a larger body is refused with 413
  int rate_limit_per_minute = 120;  // per API key; over it: 429 with Retry-After
};

// [panel.oidc]: sign-in with the school's Microsoft Entra ID or Google Workspace account.
struct OidcConfig {
  std::string issuer;     // e.g. https://login.microsoftonline.com/<tenant>/v2.0; "" = off
  std::string client_id;  // the app registration's client (application) id
  std::optional<std::filesystem::path> client_secret_file;
  std::optional<std::string> client_secret_env;
  std::string label = "Sign in with your school account";
  std::optional<std::filesystem::path> ca_file;  // PEM bundle for the provider; default: system
  bool verify_tls = true;
};

// [panel]: the careers panel under /panel/ on the [serve] listener.
struct PanelConfig {
  bool enabled = true;
  // How staff reach the service (deep links in MIS notes, the OIDC redirect); "" = from listen.
  std::string public_url;
  int session_idle_minutes = 30;
  int session_max_hours = 12;
  bool local_accounts = true;  // e-mail and password sign-in (break-glass, schools without SSO)
  OidcConfig oidc;
};

// [retention]: how long pupils' records are kept (daemon/retention/README.md).
struct RetentionConfig {
  int guidance_until_age = 25;    // guidance records kept until this birthday (DOB + 25)
  int destinations_years = 3;     // destinations kept this many years after leaving
  int audit_days = 730;           // audit events kept this many days
  std::string mode = "delete";    // delete | pseudonymise
  int max_pupils_per_run = 1000;  // pupils purged per transaction (the rest: next batch)
};

struct Config {
  std::optional<std::filesystem::path> data_dir;
  LogConfig log;
  StoreConfig store;
  ImportConfig import;
  std::vector<SchoolConfig> schools;
  ServeConfig serve;
  OutboxConfig outbox;
  IntakeConfig intake;
  NccisConfig nccis;
  PanelConfig panel;
  RetentionConfig retention;
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

// [panel] public_url, or "http://<[serve] listen>" when it is not set (no trailing slash).
std::string panel_public_url(const Config& config);

// The platform's usual data directory: /var/lib/careerlink when running as root, else
// $XDG_DATA_HOME/careerlink or ~/.local/share/careerlink; %ProgramData%\careerlink on Windows.
std::filesystem::path default_data_dir();

}  // namespace careerlink
