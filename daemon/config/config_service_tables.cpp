// Config tables of the service runtime: [serve], [outbox], [[job]] and [[sink]].
#include "daemon/config/config_service_tables.hpp"

#include <string>

namespace careerlink {
namespace {

// Small builders: most service keys are bounded integers or plain strings.
ConfigKey integer_key(std::string name, std::string default_text, std::string description,
                      std::int64_t min, std::int64_t max, std::function<void(Config&, int)> set) {
  return ConfigKey{.name = std::move(name),
                   .type = KeyType::integer,
                   .default_text = std::move(default_text),
                   .description = std::move(description),
                   .min = min,
                   .max = max,
                   .store = [set = std::move(set)](Config& c, const ConfigValue& v) {
                     set(c, static_cast<int>(v.as_integer()));
                   }};
}

ConfigKey path_key(std::string name, std::string description,
                   std::function<void(Config&, const std::string&)> set) {
  return ConfigKey{
      .name = std::move(name),
      .type = KeyType::path,
      .default_text = "(none)",
      .description = std::move(description),
      .store = [set = std::move(set)](Config& c, const ConfigValue& v) { set(c, v.as_string()); }};
}

ConfigTable serve_table() {
  ConfigTable t{.path = "serve",
                .description =
                    "careerlink serve: the listener for /healthz, /metrics, the API and "
                    "the panel, and how the service stops"};
  t.keys.push_back(ConfigKey{
      .name = "listen",
      .type = KeyType::string,
      .default_text = "127.0.0.1:8470",
      .description = "Address and port to listen on; anything but loopback needs an admin token",
      .pattern = R"((\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z.\-]+):[0-9]{1,5})",
      .pattern_help = "ADDRESS:PORT, e.g. 127.0.0.1:8470 or [::1]:8470",
      .store = [](Config& c, const ConfigValue& v) { c.serve.listen = v.as_string(); }});
  t.keys.push_back(integer_key("threads", "2", "Threads serving HTTP requests", 1, 64,
                               [](Config& c, int v) { c.serve.threads = v; }));
  t.keys.push_back(
      integer_key("shutdown_grace_seconds", "30",
                  "On stop, how long in-flight deliveries and requests may take to finish", 0, 3600,
                  [](Config& c, int v) { c.serve.shutdown_grace_seconds = v; }));
  for (auto& k : secret_keys(
           "admin_token", "Bearer token for /metrics and /api/v1/status off loopback",
           [](Config&c, const ConfigValue&v) { c.serve.admin_token_file = v.as_string(); },
           [](Config&c, const ConfigValue&v) { c.serve.admin_token_env = v.as_string(); })) {
    t.keys.push_back(std::move(k));
  }
  t.keys.push_back(path_key("tls_cert_file", "PEM certificate (chain) for HTTPS on the listener",
                            [](Config& c, const std::string& v) { c.serve.tls_cert_file = v; }));
  t.keys.push_back(path_key("tls_key_file", "PEM private key for tls_cert_file",
                            [](Config& c, const std::string& v) { c.serve.tls_key_file = v; }));
  return t;
}

ConfigTable outbox_table() {
  ConfigTable t{.path = "outbox",
                .description = "Delivery of changes to sinks: batching, retries, dead letters"};
  t.keys.push_back(integer_key("batch_size", "100", "Messages delivered to a sink in one batch", 1,
                               10000, [](Config& c, int v) { c.outbox.batch_size = v; }));
  t.keys.push_back(integer_key(
      "lease_seconds", "60",
      "How long a batch is held by a delivery; after that (the process died) it is due again", 5,
      3600, [](Config& c, int v) { c.outbox.lease_seconds = v; }));
  t.keys.push_back(integer_key("backoff_base_ms", "1000", "First retry delay (full-jitter backoff)",
                               10, 3600000,
                               [](Config& c, int v) { c.outbox.backoff_base_ms = v; }));
  t.keys.push_back(integer_key("backoff_cap_ms", "300000", "Longest retry delay", 100, 86400000,
                               [](Config& c, int v) { c.outbox.backoff_cap_ms = v; }));
  t.keys.push_back(integer_key("max_attempts", "20",
                               "Attempts before a message becomes a dead letter", 1, 10000,
                               [](Config& c, int v) { c.outbox.max_attempts = v; }));
  t.keys.push_back(integer_key("max_age_hours", "72",
                               "Age at which an undelivered message becomes a dead letter", 1, 8760,
                               [](Config& c, int v) { c.outbox.max_age_hours = v; }));
  t.keys.push_back(
      integer_key("retention_days", "7",
                  "Days delivered messages are kept, so a late duplicate of one is recognised", 1,
                  3650, [](Config& c, int v) { c.outbox.retention_days = v; }));
  t.keys.push_back(integer_key("poll_interval_ms", "1000",
                               "How often an idle delivery worker looks for due messages", 10,
                               600000, [](Config& c, int v) { c.outbox.poll_interval_ms = v; }));
  return t;
}

ConfigTable job_table() {
  ConfigTable t{.path = "job",
                .array = true,
                .description = "One [[job]] per scheduled piece of work",
                .add_element = [](Config& c) { c.jobs.emplace_back(); }};
  t.keys.push_back(ConfigKey{
      .name = "name",
      .type = KeyType::string,
      .default_text = "(required)",
      .description = "Name used by `careerlink jobs run NAME` and in metrics",
      .pattern = "[a-z0-9][a-z0-9_-]*",
      .pattern_help = "lower-case letters, digits, _ and -",
      .required = true,
      .unique = true,
      .store = [](Config& c, const ConfigValue& v) { c.jobs.back().name = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "schedule",
      .type = KeyType::string,
      .default_text = "(required)",
      .description = "5-field cron schedule (minute hour day month weekday), e.g. \"30 2 * * *\"",
      .required = true,
      .store = [](Config& c, const ConfigValue& v) { c.jobs.back().schedule = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "run",
      .type = KeyType::string,
      .default_text = "(required)",
      .description = "What to run: drain:<sink> (deliver due messages), sync:<source> (take in "
                     "new exports from its folder), purge, rules (every pupil's follow-up "
                     "flags), retention (the [retention] policy), or nccis:<URN> (the LA "
                     "return into the [nccis] folder)",
      .pattern = "(drain:[A-Za-z0-9_-]+|sync:[A-Za-z0-9_-]+|purge|rules|retention|nccis:[0-9]{6})",
      .pattern_help =
          "drain:<sink name>, sync:<source name>, purge, rules, retention or nccis:<URN>",
      .required = true,
      .store = [](Config& c, const ConfigValue& v) { c.jobs.back().run = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "timezone",
      .type = KeyType::string,
      .default_text = "Europe/London",
      .description = "IANA time zone the schedule is read in (clock changes handled)",
      .check = [](const ConfigValue& v) -> std::optional<std::string> {
        if (is_known_time_zone(v.as_string())) return std::nullopt;
        return "'" + v.as_string() + "' is not a time zone in the tz database";
      },
      .store = [](Config& c, const ConfigValue& v) { c.jobs.back().timezone = v.as_string(); }});
  return t;
}

// The [[sink]] keys of tracker uploads (connectors/tracker/README.md).
void add_tracker_keys(ConfigTable& t) {
  auto text_key = [](std::string name, std::string default_text, std::string description,
                     std::function<void(SinkConfig&, const std::string&)> set) {
    return ConfigKey{.name = std::move(name),
                     .type = KeyType::string,
                     .default_text = std::move(default_text),
                     .description = std::move(description),
                     .store = [set = std::move(set)](Config& c, const ConfigValue& v) {
                       set(c.sinks.back(), v.as_string());
                     }};
  };
  t.keys.push_back(integer_key("batch_size", "100", "tracker-api: records sent in one request", 1,
                               1000, [](Config& c, int v) { c.sinks.back().batch_size = v; }));
  t.keys.push_back(ConfigKey{
      .name = "auth",
      .type = KeyType::enumeration,
      .default_text = "bearer",
      .description = "tracker-api: bearer (a fixed token: token_file / token_env) or oauth2 "
                     "(client credentials: token_url, client_id, client_secret_file / _env)",
      .allowed = {"bearer", "oauth2"},
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().auth = v.as_string(); }});
  for (auto& k : secret_keys(
           "token", "tracker-api with auth = bearer: the API token",
           [](Config&c, const ConfigValue&v) { c.sinks.back().token_file = v.as_string(); },
           [](Config&c, const ConfigValue&v) { c.sinks.back().token_env = v.as_string(); })) {
    t.keys.push_back(std::move(k));
  }
  auto token_url =
      text_key("token_url", "\"\"", "tracker-api with auth = oauth2: the token endpoint (https://)",
               [](SinkConfig& s, const std::string& v) { s.token_url = v; });
  token_url.pattern = "https?://.+";
  token_url.pattern_help = "an http:// or https:// URL";
  t.keys.push_back(std::move(token_url));
  t.keys.push_back(text_key("client_id", "\"\"", "tracker-api with auth = oauth2: the client id",
                            [](SinkConfig& s, const std::string& v) { s.client_id = v; }));
  for (auto& k : secret_keys(
           "client_secret", "tracker-api with auth = oauth2: the client secret",
           [](Config&c, const ConfigValue&v) { c.sinks.back().client_secret_file = v.as_string(); },
           [](Config&c, const ConfigValue&v) {
             c.sinks.back().client_secret_env = v.as_string();
           })) {
    t.keys.push_back(std::move(k));
  }
  t.keys.push_back(text_key("scope", "\"\"", "tracker-api with auth = oauth2: scope to ask for",
                            [](SinkConfig& s, const std::string& v) { s.scope = v; }));
  t.keys.push_back(ConfigKey{
      .name = "profile",
      .type = KeyType::enumeration,
      .default_text = "compass",
      .description = "tracker-csv: the column profile of the file",
      .allowed = {"compass"},
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().profile = v.as_string(); }});
  t.keys.push_back(integer_key(
      "pseudonymise_leavers_after_days", "0",
      "Tracker uploads: days after a pupil's leaving date from which the tracker gets them "
      "pseudonymised (name Redacted, DOB 1901-01-01, UPN transformed); 0 = from leaving, as "
      "Compass+ does",
      0, 3650, [](Config& c, int v) { c.sinks.back().pseudonymise_leavers_after_days = v; }));
  t.keys.push_back(text_key("sftp_host", "\"\"",
                            "tracker-csv: SFTP server each file is uploaded to; \"\" = no upload",
                            [](SinkConfig& s, const std::string& v) { s.sftp_host = v; }));
  t.keys.push_back(integer_key("sftp_port", "22", "tracker-csv: the SFTP server's port", 1, 65535,
                               [](Config& c, int v) { c.sinks.back().sftp_port = v; }));
  t.keys.push_back(text_key("sftp_user", "\"\"", "tracker-csv: the SFTP user name",
                            [](SinkConfig& s, const std::string& v) { s.sftp_user = v; }));
  t.keys.push_back(
      path_key("sftp_key_file",
               "tracker-csv: the private key careerlink signs in with (OpenSSH "
               "format, no passphrase, readable by the service only)",
               [](Config& c, const std::string& v) { c.sinks.back().sftp_key_file = v; }));
  t.keys.push_back(
      text_key("sftp_host_key", "\"\"",
               "tracker-csv: the server's public host key as known_hosts writes it (\"ssh-ed25519 "
               "AAAA...\"); any other key is refused",
               [](SinkConfig& s, const std::string& v) { s.sftp_host_key = v; }));
  t.keys.push_back(text_key("sftp_dir", "\"\"",
                            "tracker-csv: remote folder for the files; \"\" = the login folder",
                            [](SinkConfig& s, const std::string& v) { s.sftp_dir = v; }));
}

ConfigTable sink_table() {
  ConfigTable t{.path = "sink",
                .array = true,
                .description = "One [[sink]] per place the outbox delivers to",
                .add_element = [](Config& c) { c.sinks.emplace_back(); }};
  t.keys.push_back(ConfigKey{
      .name = "name",
      .type = KeyType::string,
      .default_text = "(required)",
      .description = "Name used by jobs (drain:<name>), `careerlink outbox` and metrics",
      .pattern = "[A-Za-z0-9_-]+",
      .pattern_help = "letters, digits, _ and -",
      .required = true,
      .unique = true,
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().name = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "type",
      .type = KeyType::enumeration,
      .default_text = "(required)",
      .description = "Kind of sink: webhook (signed JSON batches), arbor (careers notes "
                     "through Arbor's REST API), sims (UDF file and plan documents in a folder "
                     "for SIMS to import), tracker-api (destinations to a tracker's HTTPS JSON "
                     "API, nightly), tracker-csv (destinations as a CSV per school and night, "
                     "optionally uploaded over SFTP)",
      .allowed = {"webhook", "arbor", "sims", "tracker-api", "tracker-csv"},
      .required = true,
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().type = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "url",
      .type = KeyType::string,
      .default_text = "(webhook, arbor: required)",
      .description = "webhook: where batches are POSTed; arbor: the school's Arbor address, "
                     "e.g. https://example-school.uk.arbor.sc (https:// unless on loopback)",
      .pattern = "https?://.+",
      .pattern_help = "an http:// or https:// URL",
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().url = v.as_string(); }});
  for (auto& k : secret_keys(
           "secret", "HMAC-SHA256 key that signs every body",
           [](Config&c, const ConfigValue&v) { c.sinks.back().secret_file = v.as_string(); },
           [](Config&c, const ConfigValue&v) { c.sinks.back().secret_env = v.as_string(); })) {
    t.keys.push_back(std::move(k));
  }
  t.keys.push_back(path_key("ca_file",
                            "PEM CA bundle to verify the receiver; default: the system store",
                            [](Config& c, const std::string& v) { c.sinks.back().ca_file = v; }));
  t.keys.push_back(path_key(
      "client_cert_file", "PEM client certificate (chain) for a receiver that requires mutual TLS",
      [](Config& c, const std::string& v) { c.sinks.back().client_cert_file = v; }));
  t.keys.push_back(path_key(
      "client_key_file", "PEM private key for client_cert_file; default: read from that file",
      [](Config& c, const std::string& v) { c.sinks.back().client_key_file = v; }));
  t.keys.push_back(ConfigKey{
      .name = "verify_tls",
      .type = KeyType::boolean,
      .default_text = "true",
      .description = "Check the receiver's certificate and host name; turn off only for tests",
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().verify_tls = v.as_bool(); }});
  t.keys.push_back(ConfigKey{
      .name = "proxy",
      .type = KeyType::string,
      .default_text = "\"\"",
      .description = "HTTP(S) proxy URL (CONNECT); empty: https_proxy from the environment",
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().proxy = v.as_string(); }});
  t.keys.push_back(integer_key(
      "timeout_seconds", "30", "Timeout for each phase of a delivery (connect, TLS, send, reply)",
      1, 600, [](Config& c, int v) { c.sinks.back().timeout_seconds = v; }));
  t.keys.push_back(ConfigKey{
      .name = "writeback",
      .type = KeyType::boolean,
      .default_text = "true",
      .description = "Receive follow-up flags and the action plans pupils agreed to share with "
                     "staff, as they change (the MIS write-back)",
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().writeback = v.as_bool(); }});
  t.keys.push_back(ConfigKey{
      .name = "username",
      .type = KeyType::string,
      .default_text = "(arbor: required)",
      .description = "arbor: the Partner App's API user name",
      .store = [](Config& c, const ConfigValue& v) { c.sinks.back().username = v.as_string(); }});
  for (auto& k : secret_keys(
           "password", "arbor: the API user's password",
           [](Config&c, const ConfigValue&v) { c.sinks.back().password_file = v.as_string(); },
           [](Config&c, const ConfigValue&v) { c.sinks.back().password_env = v.as_string(); })) {
    t.keys.push_back(std::move(k));
  }
  t.keys.push_back(path_key(
      "folder",
      "sims: the folder SIMS imports from (UDF value file and plan documents); tracker-csv: "
      "the folder each night's file is written to; an absolute path",
      [](Config& c, const std::string& v) { c.sinks.back().folder = v; }));
  add_tracker_keys(t);
  return t;
}

ConfigTable panel_table() {
  ConfigTable t{
      .path = "panel",
      .description = "The careers panel for staff, under /panel/ on the [serve] listener"};
  t.keys.push_back(
      ConfigKey{.name = "enabled",
                .type = KeyType::boolean,
                .default_text = "true",
                .description = "Serve the careers panel",
                .store = [](Config& c, const ConfigValue& v) { c.panel.enabled = v.as_bool(); }});
  t.keys.push_back(ConfigKey{
      .name = "public_url",
      .type = KeyType::string,
      .default_text = "(none: http://<listen>)",
      .description = "The address staff use to reach careerlink, for deep links written into "
                     "the MIS and the sign-in redirect, e.g. https://careers.school.example",
      .pattern = "https?://[^/?#]+",
      .pattern_help = "http:// or https:// and a host, with no path",
      .store = [](Config& c, const ConfigValue& v) { c.panel.public_url = v.as_string(); }});
  t.keys.push_back(integer_key("session_idle_minutes", "30",
                               "A session unused for this long ends; staff sign in again", 1, 1440,
                               [](Config& c, int v) { c.panel.session_idle_minutes = v; }));
  t.keys.push_back(integer_key("session_max_hours", "12",
                               "A session ends this long after sign-in, however busy", 1, 168,
                               [](Config& c, int v) { c.panel.session_max_hours = v; }));
  t.keys.push_back(ConfigKey{
      .name = "local_accounts",
      .type = KeyType::boolean,
      .default_text = "true",
      .description = "Allow e-mail and password sign-in (`careerlink users add`)",
      .store = [](Config& c, const ConfigValue& v) { c.panel.local_accounts = v.as_bool(); }});
  return t;
}

ConfigTable panel_oidc_table() {
  ConfigTable t{.path = "panel.oidc",
                .description =
                    "Staff sign-in with the school's Microsoft Entra ID or Google "
                    "Workspace account (OpenID Connect, code flow with PKCE)"};
  t.keys.push_back(ConfigKey{
      .name = "issuer",
      .type = KeyType::string,
      .default_text = "(none: off)",
      .description = "The provider's issuer: https://login.microsoftonline.com/<tenant id>/v2.0 "
                     "or https://accounts.google.com",
      .pattern = "https?://.+",
      .pattern_help = "an https:// URL",
      .store = [](Config& c, const ConfigValue& v) { c.panel.oidc.issuer = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "client_id",
      .type = KeyType::string,
      .default_text = "(none)",
      .description = "The app registration's client id",
      .store = [](Config& c, const ConfigValue& v) { c.panel.oidc.client_id = v.as_string(); }});
  for (auto& k : secret_keys(
           "client_secret", "The app registration's client secret",
           [](Config&c, const ConfigValue&v) { c.panel.oidc.client_secret_file = v.as_string(); },
           [](Config&c, const ConfigValue&v) { c.panel.oidc.client_secret_env = v.as_string(); })) {
    t.keys.push_back(std::move(k));
  }
  t.keys.push_back(ConfigKey{
      .name = "label",
      .type = KeyType::string,
      .default_text = "Sign in with your school account",
      .description = "The sign-in button's words",
      .store = [](Config& c, const ConfigValue& v) { c.panel.oidc.label = v.as_string(); }});
  t.keys.push_back(path_key("ca_file", "PEM CA bundle to verify the provider; default: system",
                            [](Config& c, const std::string& v) { c.panel.oidc.ca_file = v; }));
  t.keys.push_back(ConfigKey{
      .name = "verify_tls",
      .type = KeyType::boolean,
      .default_text = "true",
      .description = "Check the provider's certificate; turn off only for tests",
      .store = [](Config& c, const ConfigValue& v) { c.panel.oidc.verify_tls = v.as_bool(); }});
  return t;
}

ConfigTable intake_table() {
  ConfigTable t{.path = "intake",
                .description =
                    "The advisers' intake API: /api/v1/interviews and "
                    "/api/v1/destinations on the [serve] listener"};
  t.keys.push_back(integer_key("max_body_kb", "256",
                               "Largest request body accepted, in KB; larger ones get 413", 1, 1024,
                               [](Config& c, int v) { c.intake.max_body_kb = v; }));
  t.keys.push_back(
      integer_key("rate_limit_per_minute", "120",
                  "Requests each API key may make per minute; more get 429 with Retry-After", 1,
                  100000, [](Config& c, int v) { c.intake.rate_limit_per_minute = v; }));
  return t;
}

ConfigTable nccis_table() {
  ConfigTable t{.path = "nccis",
                .description =
                    "The local authority return (NCCIS column names), written monthly "
                    "by a [[job]] with run = \"nccis:<URN>\""};
  t.keys.push_back(path_key("folder",
                            "Folder the monthly return is written to as nccis-<URN>-<YYYY-MM>.csv",
                            [](Config& c, const std::string& v) { c.nccis.folder = v; }));
  return t;
}

ConfigTable source_table() {
  ConfigTable t{.path = "source",
                .array = true,
                .description = "One [[source]] per folder the MIS drops exports into",
                .add_element = [](Config& c) { c.sources.emplace_back(); }};
  t.keys.push_back(ConfigKey{
      .name = "name",
      .type = KeyType::string,
      .default_text = "(required)",
      .description = "Name used by jobs (sync:<name>)",
      .pattern = "[A-Za-z0-9_-]+",
      .pattern_help = "letters, digits, _ and -",
      .required = true,
      .unique = true,
      .store = [](Config& c, const ConfigValue& v) { c.sources.back().name = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "type",
      .type = KeyType::enumeration,
      .default_text = "(required)",
      .description = "What the folder holds: ctf (Common Transfer Files), csv (MIS reports) or "
                     "guidance (advisers' interviews as CSV or JSON)",
      .allowed = {"ctf", "csv", "guidance"},
      .required = true,
      .store = [](Config& c, const ConfigValue& v) { c.sources.back().type = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "folder",
      .type = KeyType::path,
      .default_text = "(required)",
      .description = "The folder the MIS's scheduled export writes to (files are left there)",
      .required = true,
      .store = [](Config& c, const ConfigValue& v) { c.sources.back().folder = v.as_string(); }});
  t.keys.push_back(ConfigKey{.name = "extension",
                             .type = KeyType::string,
                             .default_text = "\".xml\" for ctf, \".csv\" for csv",
                             .description = "Only files ending so are taken (case-insensitive)",
                             .pattern = "\\.[A-Za-z0-9]+",
                             .pattern_help = "a dot and letters or digits, e.g. .xml",
                             .store = [](Config& c, const ConfigValue& v) {
                               c.sources.back().extension = v.as_string();
                             }});
  t.keys.push_back(ConfigKey{
      .name = "preset",
      .type = KeyType::enumeration,
      .default_text = "\"\"",
      .description = "csv: the built-in column mapping (give this or mapping_file)",
      .allowed = {"pupils", "staff"},
      .store = [](Config& c, const ConfigValue& v) { c.sources.back().preset = v.as_string(); }});
  t.keys.push_back(
      path_key("mapping_file", "csv: a column mapping TOML file of the school's own",
               [](Config& c, const std::string& v) { c.sources.back().mapping_file = v; }));
  t.keys.push_back(ConfigKey{
      .name = "school",
      .type = KeyType::string,
      .default_text = "\"\"",
      .description = "csv: URN or LAESTAB of the school, when careerlink holds more than one",
      .store = [](Config& c, const ConfigValue& v) { c.sources.back().school = v.as_string(); }});
  t.keys.push_back(integer_key(
      "settle_seconds", "60",
      "A file written more recently than this is left for the next run (it may be half-copied)", 0,
      86400, [](Config& c, int v) { c.sources.back().settle_seconds = v; }));
  t.keys.push_back(ConfigKey{
      .name = "organisation",
      .type = KeyType::string,
      .default_text = "\"\" (the source's name)",
      .description = "guidance: the provider organisation the files come from; its interviews "
                     "are known by this name and their external_id",
      .store = [](Config& c, const ConfigValue& v) {
        c.sources.back().organisation = v.as_string();
      }});
  return t;
}

}  // namespace

std::vector<ConfigTable> service_config_tables() {
  return {serve_table(), outbox_table(), intake_table(), panel_table(), panel_oidc_table(),
          job_table(),   sink_table(),   source_table(), nccis_table()};
}

}  // namespace careerlink
