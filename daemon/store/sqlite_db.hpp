// A thin RAII layer over the SQLite C API, private to the SQLite back end: a connection, and
// cached prepared statements with typed binding of careerlink's optional fields.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "daemon/store/store.hpp"

// Propagates a StoreResult error from an expression to the caller (which returns StoreResult).
#define CAREERLINK_TRY(expr)                                            \
  do {                                                                  \
    if (auto&& careerlink_try_result = (expr); !careerlink_try_result)  \
      return std::unexpected(std::move(careerlink_try_result.error())); \
  } while (false)

namespace careerlink::sqlite {

// Moments are stored as Unix milliseconds (INTEGER), so ordering and comparison stay in SQL.
inline std::int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_ms(std::int64_t ms) {
  return TimePoint{std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds{ms})};
}

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Clears bindings and state so a cached statement can run again.
  Statement& reset();

  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<bool>& value);
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind_null(int index);

  // Runs one step: true when a row is ready, false when done. Errors become StoreError.
  StoreResult<bool> step();
  // Runs to completion (for statements that return no rows), then resets, bindings kept.
  StoreResult<void> run();

  [[nodiscard]] bool is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  [[nodiscard]] std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] std::optional<std::string> opt_text(int col) const;
  [[nodiscard]] std::optional<bool> opt_bool(int col) const;
  [[nodiscard]] std::optional<double> opt_double(int col) const;
  [[nodiscard]] std::optional<std::int64_t> opt_int64(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Steps `st` to its end, making one element of each row with `read(st)`, then resets it, so a
// cached statement holds no read lock once its rows are in hand (on error too).
template <class Read>
auto collect_rows(Statement& st, Read&& read)
    -> StoreResult<std::vector<std::invoke_result_t<Read&, Statement&>>> {
  std::vector<std::invoke_result_t<Read&, Statement&>> out;
  for (;;) {
    auto row = st.step();
    if (!row) {
      st.reset();
      return std::unexpected(row.error());
    }
    if (!*row) break;
    out.push_back(read(st));
  }
  st.reset();
  return out;
}

// The first row of `st` (nullopt when it has none), then resets it like collect_rows. For
// lookups by a unique key: a statement left on a row would keep the connection's read snapshot
// open, so it would not see what other connections commit and could not begin writing.
template <class Read>
auto first_row(Statement& st, Read&& read)
    -> StoreResult<std::optional<std::invoke_result_t<Read&, Statement&>>> {
  std::optional<std::invoke_result_t<Read&, Statement&>> out;
  auto row = st.step();
  if (row && *row) out = read(st);
  st.reset();
  if (!row) return std::unexpected(row.error());
  return out;
}

// Commits made by every connection this process has opened, counted once each commit is
// visible to other connections.
std::int64_t commits_in_process();

class Connection {
 public:
  static StoreResult<std::unique_ptr<Connection>> open(const std::string& path);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements with no parameters and no result rows.
  StoreResult<void> exec(std::string_view sql);
  // A prepared statement for `sql`, reset and ready to bind; prepared once per connection.
  // `sql` must outlive the connection (a string literal), since it keys the cache.
  StoreResult<Statement*> prepare(const char* sql);

  [[nodiscard]] std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  // Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] int changes() const { return sqlite3_changes(db_); }
  [[nodiscard]] const std::string& path() const { return path_; }
  // Commits made on this connection (see commits_in_process).
  [[nodiscard]] std::int64_t commits() const { return commits_.load(std::memory_order_acquire); }

 private:
  friend int on_wal_commit(void* connection, sqlite3* db, const char* name, int pages);
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<const char*, std::unique_ptr<Statement>> cache_;
  std::atomic<std::int64_t> commits_{0};
};

// Runs `body` in its own BEGIN IMMEDIATE transaction (the write lock taken up front, so the
// statements cannot fail half-way on a busy lock), rolling back on any error.
template <class F>
auto in_write_transaction(Connection& db, F&& body) -> decltype(body()) {
  CAREERLINK_TRY(db.exec("BEGIN IMMEDIATE"));
  auto result = body();
  if (!result) {
    (void)db.exec("ROLLBACK");
    return result;
  }
  if (auto committed = db.exec("COMMIT"); !committed) {
    (void)db.exec("ROLLBACK");
    return std::unexpected(committed.error());
  }
  return result;
}

}  // namespace careerlink::sqlite
