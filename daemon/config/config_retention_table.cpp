// [retention]: how long careerlink keeps pupils' records, and whether a record past its time is
// deleted or pseudonymised. The engine that applies it is daemon/retention/ (README there).
#include <string>

#include "daemon/config/config_service_tables.hpp"

namespace careerlink {

ConfigTable retention_config_table() {
  ConfigTable t{.path = "retention",
                .description =
                    "Retention: how long pupils' records are kept, and what happens "
                    "to them then (careerlink retention preview|run)"};
  t.keys.push_back(ConfigKey{
      .name = "guidance_until_age",
      .type = KeyType::integer,
      .default_text = "25",
      .description = "Guidance records (interviews, plans, notes, ticks, flags, destinations) are "
                     "kept until the pupil's birthday of this age: DOB + 25 years by default",
      .min = 16,
      .max = 100,
      .store = [](Config& c, const ConfigValue& v) {
        c.retention.guidance_until_age = int(v.as_integer());
      }});
  t.keys.push_back(ConfigKey{
      .name = "destinations_years",
      .type = KeyType::integer,
      .default_text = "3",
      .description = "Destinations of a pupil who has left are kept this many years after the "
                     "leaving date (Gatsby Benchmark 3, Compass+: 3)",
      .min = 1,
      .max = 100,
      .store = [](Config& c, const ConfigValue& v) {
        c.retention.destinations_years = int(v.as_integer());
      }});
  t.keys.push_back(ConfigKey{
      .name = "audit_days",
      .type = KeyType::integer,
      .default_text = "730",
      .description = "Audit events are kept this many days (two academic years: who saw a "
                     "child's record can be answered for this year and the last)",
      .min = 30,
      .max = 36500,
      .store = [](Config& c, const ConfigValue& v) {
        c.retention.audit_days = int(v.as_integer());
      }});
  t.keys.push_back(ConfigKey{
      .name = "mode",
      .type = KeyType::enumeration,
      .default_text = "delete",
      .description = "What happens to a pupil's records past their time: delete them, or "
                     "pseudonymise them as Compass+ does (names Redacted, DOB 1901-01-01, UPN "
                     "transformed)",
      .allowed = {"delete", "pseudonymise"},
      .store = [](Config& c, const ConfigValue& v) { c.retention.mode = v.as_string(); }});
  t.keys.push_back(ConfigKey{
      .name = "max_pupils_per_run",
      .type = KeyType::integer,
      .default_text = "1000",
      .description = "Pupils purged per transaction; a bigger backlog is done in several, so "
                     "the store's write lock is never held for long",
      .min = 1,
      .max = 100000,
      .store = [](Config& c, const ConfigValue& v) {
        c.retention.max_pupils_per_run = int(v.as_integer());
      }});
  return t;
}

}  // namespace careerlink
