// Intake API keys in the SQLite back end. Only the SHA-256 of a key is kept: a key is 256 random
// bits, so a fast hash is enough (no dictionary to guess from), and a stolen database gives no
// way in. Revoked keys stay listed, so who had access and until when is never lost.
#include <charconv>

#include "daemon/store/sqlite_db.hpp"
#include "daemon/store/sqlite_store_impl.hpp"

namespace careerlink {

using sqlite::SqliteStore;
using sqlite::Statement;

namespace {

ApiKeyInfo read_key(const Statement& s) {
  ApiKeyInfo k;
  k.id = s.int64(0);
  k.name = s.text(1);
  k.prefix = s.text(2);
  k.created_at = sqlite::from_ms(s.int64(3));
  k.created_by = s.text(4);
  if (auto revoked = s.opt_int64(5)) k.revoked_at = sqlite::from_ms(*revoked);
  return k;
}

constexpr const char* kKeyColumns = "id, name, prefix, created_ms, created_by, revoked_ms";

}  // namespace

StoreResult<std::int64_t> SqliteStore::create_api_key(std::string_view name,
                                                      std::string_view prefix,
                                                      std::string_view sha256_hex,
                                                      std::span<const std::string> school_urns,
                                                      std::string_view created_by, TimePoint now) {
  CAREERLINK_TRY(db_->exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> StoreResult<std::int64_t> {
    auto ins = db_->prepare(
        "INSERT INTO api_key (name, prefix, sha256, created_ms, created_by)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
    CAREERLINK_TRY(ins);
    CAREERLINK_TRY((*ins)
                       ->bind(1, name)
                       .bind(2, prefix)
                       .bind(3, sha256_hex)
                       .bind(4, sqlite::to_ms(now))
                       .bind(5, created_by)
                       .run());
    const std::int64_t id = db_->last_insert_id();
    auto scope = db_->prepare("INSERT OR IGNORE INTO api_key_school (key_id, urn) VALUES (?1, ?2)");
    CAREERLINK_TRY(scope);
    for (const auto& urn : school_urns)
      CAREERLINK_TRY((*scope)->bind(1, id).bind(2, urn).run());
    return id;
  };
  auto id = body();
  if (!id) {
    (void)db_->exec("ROLLBACK");
    return id;
  }
  CAREERLINK_TRY(db_->exec("COMMIT"));
  return id;
}

StoreResult<void> SqliteStore::load_key_schools(ApiKeyInfo& key) {
  auto st = db_->prepare("SELECT urn FROM api_key_school WHERE key_id = ?1 ORDER BY urn");
  CAREERLINK_TRY(st);
  (*st)->bind(1, key.id);
  auto urns = sqlite::collect_rows(**st, [](Statement& s) { return s.text(0); });
  CAREERLINK_TRY(urns);
  key.school_urns = std::move(*urns);
  return {};
}

StoreResult<std::optional<ApiKeyInfo>> SqliteStore::find_api_key(std::string_view sha256_hex) {
  static const std::string sql =
      std::string("SELECT ") + kKeyColumns + " FROM api_key WHERE sha256 = ?1";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  (*st)->bind(1, sha256_hex);
  auto keys = sqlite::collect_rows(**st, read_key);
  CAREERLINK_TRY(keys);
  if (keys->empty()) return std::optional<ApiKeyInfo>{};
  ApiKeyInfo key = std::move(keys->front());
  CAREERLINK_TRY(load_key_schools(key));
  return std::optional(std::move(key));
}

StoreResult<std::vector<ApiKeyInfo>> SqliteStore::list_api_keys() {
  static const std::string sql = std::string("SELECT ") + kKeyColumns + " FROM api_key ORDER BY id";
  auto st = db_->prepare(sql.c_str());
  CAREERLINK_TRY(st);
  auto keys = sqlite::collect_rows(**st, read_key);
  CAREERLINK_TRY(keys);
  for (auto& k : *keys)
    CAREERLINK_TRY(load_key_schools(k));
  return keys;
}

StoreResult<bool> SqliteStore::revoke_api_key(std::string_view id_or_prefix, TimePoint now) {
  std::int64_t id = -1;
  const auto* end = id_or_prefix.data() + id_or_prefix.size();
  if (auto [ptr, ec] = std::from_chars(id_or_prefix.data(), end, id);
      ec != std::errc{} || ptr != end) {
    id = -1;
  }
  auto st = db_->prepare(
      "UPDATE api_key SET revoked_ms = ?3 WHERE revoked_ms IS NULL AND (id = ?1 OR prefix = ?2)");
  CAREERLINK_TRY(st);
  CAREERLINK_TRY((*st)->bind(1, id).bind(2, id_or_prefix).bind(3, sqlite::to_ms(now)).run());
  return db_->changes() > 0;
}

}  // namespace careerlink
