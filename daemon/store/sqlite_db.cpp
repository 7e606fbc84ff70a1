#include "daemon/store/sqlite_db.hpp"

#include <atomic>

namespace careerlink::sqlite {
namespace {

StoreError error_of(sqlite3* db, std::string_view what) {
  return StoreError{std::string(what) + ": " + sqlite3_errmsg(db)};
}

}  // namespace

Statement& Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<bool>& value) {
  return value ? bind(index, static_cast<std::int64_t>(*value ? 1 : 0)) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

StoreResult<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(error_of(db_, sqlite3_sql(stmt_)));
}

StoreResult<void> Statement::run() {
  // Reset once done (bindings kept), so the statement can be bound and run again in a loop:
  // binding a statement that has run to completion is refused by SQLite.
  for (;;) {
    auto more = step();
    if (!more || !*more) {
      sqlite3_reset(stmt_);
      if (!more) return std::unexpected(more.error());
      return {};
    }
  }
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}

std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<bool> Statement::opt_bool(int col) const {
  if (is_null(col)) return std::nullopt;
  return sqlite3_column_int64(stmt_, col) != 0;
}

std::optional<double> Statement::opt_double(int col) const {
  if (is_null(col)) return std::nullopt;
  return sqlite3_column_double(stmt_, col);
}

std::optional<std::int64_t> Statement::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return sqlite3_column_int64(stmt_, col);
}

namespace {

std::atomic<std::int64_t> g_commits{0};

// SQLite's default WAL hook checkpoints once the log passes 1,000 pages; a hook of our own
// replaces it (sqlite3_wal_autocheckpoint is a wrapper round sqlite3_wal_hook), so it does the
// same. It runs after the commit, with the write lock released.
constexpr int kAutoCheckpointPages = 1000;

}  // namespace

int on_wal_commit(void* connection, sqlite3* db, const char* name, int pages) {
  static_cast<Connection*>(connection)->commits_.fetch_add(1, std::memory_order_release);
  g_commits.fetch_add(1, std::memory_order_release);
  if (pages >= kAutoCheckpointPages) {
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

std::int64_t commits_in_process() {
  return g_commits.load(std::memory_order_acquire);
}

StoreResult<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    StoreError err{"cannot open database " + path + ": " +
                   (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc))};
    sqlite3_close(db);
    return std::unexpected(err);
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> connection(new Connection(db, path));
  sqlite3_wal_hook(db, on_wal_commit, connection.get());
  return connection;
}

Connection::~Connection() {
  cache_.clear();  // statements must be finalised before the connection closes
  sqlite3_close(db_);
}

StoreResult<void> Connection::exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    StoreError err{message ? message : sqlite3_errmsg(db_)};
    sqlite3_free(message);
    return std::unexpected(err);
  }
  return {};
}

StoreResult<Statement*> Connection::prepare(const char* sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return &it->second->reset();
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(error_of(db_, "prepare"));
  }
  auto [it, _] = cache_.emplace(sql, std::make_unique<Statement>(db_, stmt));
  return it->second.get();
}

}  // namespace careerlink::sqlite
