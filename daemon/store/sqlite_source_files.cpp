// What each scheduled source sync last took in from its folder: one row per (source, file), so a
// nightly export the MIS left unchanged is recognised by its hash and not imported again.
#include "daemon/store/migrations.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

namespace sqlite {
std::string_view source_files_schema_sql() {
  return R"sql(
CREATE TABLE source_file (
  source      TEXT NOT NULL,
  file        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  seen_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (source, file)
) STRICT;
)sql";
}
}  // namespace sqlite

using sqlite::SqliteStore;

StoreResult<std::optional<std::string>> SqliteStore::source_file_hash(std::string_view source,
                                                                      std::string_view file) {
  auto st = db().prepare("SELECT sha256 FROM source_file WHERE source = ?1 AND file = ?2");
  CAREERLINK_TRY(st);
  (*st)->bind(1, source).bind(2, file);
  auto row = (*st)->step();
  CAREERLINK_TRY(row);
  std::optional<std::string> out;
  if (*row) out = (*st)->text(0);
  (*st)->reset();
  return out;
}

StoreResult<void> SqliteStore::record_source_file(std::string_view source, std::string_view file,
                                                  std::string_view sha256, std::string_view outcome,
                                                  TimePoint at) {
  auto st = db().prepare(
      "INSERT INTO source_file (source, file, sha256, outcome, seen_at_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (source, file) DO UPDATE SET"
      " sha256 = excluded.sha256, outcome = excluded.outcome, seen_at_ms = excluded.seen_at_ms");
  CAREERLINK_TRY(st);
  return (*st)
      ->bind(1, source)
      .bind(2, file)
      .bind(3, sha256)
      .bind(4, outcome)
      .bind(5, to_ms(at))
      .run();
}

}  // namespace careerlink
