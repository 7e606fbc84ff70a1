// The Store: careerlink's single source of truth. This interface carries no SQL and no
// back-end types, so a PostgreSQL back end can sit beside the SQLite one.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/domain/records.hpp"

namespace careerlink {

struct StoreError {
  // `conflict`: the record clashes with what is stored (two pupils would share a UPN); the
  // caller rejects that record and goes on. `failure`: the store itself failed; stop.
  enum class Kind { failure, conflict };
  std::string message;
  Kind kind = Kind::failure;
};

template <class T>
using StoreResult = std::expected<T, StoreError>;

using SchoolId = std::int64_t;

// What an idempotent upsert did, so an import can say "nothing changed".
enum class UpsertOutcome { inserted, updated, unchanged };

struct SchoolInfo {
  SchoolId id = 0;
  std::string laestab;
  std::optional<std::string> urn;
  std::optional<std::string> name;
};

// A pupil as the rest of careerlink reads it.
struct PupilView {
  std::int64_t id = 0;
  std::string school_laestab;
  std::optional<std::string> school_urn;
  std::string upn;
  std::vector<std::string> former_upns;
  std::optional<std::string> uln;
  std::optional<std::string> surname, forename, middle_names, preferred_surname, preferred_forename;
  std::optional<std::string> dob, sex, nc_year, enrol_status, on_roll_date, leaving_date;
  std::optional<bool> fsm;
  std::optional<std::string> sen;
  std::optional<bool> ehcp, looked_after, eal;
  std::optional<double> attendance_pct;
  std::optional<std::string> tutor_group;
  bool on_roll = true;
};

struct PupilFilter {
  std::optional<SchoolId> school;
  std::optional<std::string> nc_year;  // CTF code, e.g. "10"
  std::optional<std::string> group;    // any group name (tutor group, class)
};

struct StaffView {
  std::int64_t id = 0;
  std::string email;
  std::optional<std::string> title, forename, surname;
  std::vector<std::pair<std::string, std::string>> groups;  // (group name, role)
};

// One unit of work. Destroying it without commit() rolls everything back, so a file that
// fails half-way leaves no trace.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;
  virtual StoreResult<SchoolId> upsert_school(const SchoolRecord& school,
                                              UpsertOutcome* outcome = nullptr) = 0;
  // Matches an existing pupil by the source's id, then by UPN, then by a former UPN, and
  // updates only the fields the record carries. `source_system` names where it came from
  // ("ctf", "csv", "arbor", ...) and keys the pupil's source id.
  virtual StoreResult<UpsertOutcome> upsert_pupil(SchoolId school, std::string_view source_system,
                                                  const PupilRecord& pupil) = 0;
  virtual StoreResult<UpsertOutcome> upsert_staff_group(SchoolId school,
                                                        const StaffGroupRecord& row) = 0;
  // Records one import of one file for the operators' history (counts only, no pupil data).
  virtual StoreResult<void> record_import(SchoolId school, std::string_view file,
                                          std::string_view format, std::int64_t imported,
                                          std::int64_t updated, std::int64_t unchanged,
                                          std::int64_t rejected) = 0;
  virtual StoreResult<void> commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual StoreResult<std::unique_ptr<StoreTransaction>> begin() = 0;

  virtual StoreResult<std::vector<SchoolInfo>> schools() = 0;
  // By URN (6 digits) or LAESTAB (7 digits).
  virtual StoreResult<std::optional<SchoolInfo>> find_school(std::string_view urn_or_laestab) = 0;
  virtual StoreResult<std::vector<PupilView>> list_pupils(const PupilFilter& filter) = 0;
  // By current UPN, or by a former UPN (the pupil it now belongs to).
  virtual StoreResult<std::optional<PupilView>> find_pupil(std::string_view upn) = 0;
  virtual StoreResult<std::vector<StaffView>> list_staff(SchoolId school) = 0;

  // The migration number the database is at.
  virtual int schema_version() const = 0;
};

struct SqliteOptions {
  int busy_timeout_ms = 5000;
  std::string synchronous = "normal";  // "normal" | "full"
};

// Opens (creating if needed) `data_dir/careerlink.db`, applies pending migrations, and refuses a
// database written by a newer careerlink.
StoreResult<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& data_dir,
                                                      const SqliteOptions& options = {});

// The highest migration this build knows.
int latest_schema_version();

}  // namespace careerlink
