// Numbered schema migrations for the SQLite back end. A migration is never edited once
// released: a change to the schema is a new, higher-numbered entry.
#pragma once

#include <span>
#include <string_view>

namespace careerlink::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

std::span<const Migration> migrations();

// Schemas kept beside the code that uses them.
std::string_view outbox_schema_sql();        // sqlite_outbox.cpp
std::string_view job_runs_schema_sql();      // sqlite_job_runs.cpp
std::string_view audit_schema_sql();         // sqlite_audit.cpp
std::string_view source_files_schema_sql();  // sqlite_source_files.cpp
std::string_view guidance_schema_sql();      // sqlite_guidance.cpp
std::string_view panel_schema_sql();         // sqlite_staff_access.cpp
std::string_view retention_schema_sql();     // sqlite_retention.cpp
std::string_view la_return_schema_sql();     // sqlite_la_return.cpp
std::string_view tracker_schema_sql();       // sqlite_tracker.cpp
std::string_view tracker_changes_sql();      // sqlite_tracker.cpp

}  // namespace careerlink::sqlite
