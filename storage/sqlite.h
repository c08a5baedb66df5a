// A thin RAII layer over the SQLite C API: a Connection owns one sqlite3
// handle and caches its prepared statements; a Statement scope binds, steps
// and reads columns, and resets the statement when it goes out of scope.
//
//   ASSIGN_OR_RETURN(Statement stmt, connection.Prepare(
//       "SELECT body FROM tickets WHERE id = ?"));
//   stmt.BindInt64(1, id);
//   absl::StatusOr<bool> row = stmt.Step();   // true: a row is ready
//
// Every SQLite error becomes an absl::Status whose message carries SQLite's
// own text. A Connection is not thread-safe: one thread uses it at a time.
#ifndef HOTLINE_STORAGE_SQLITE_H_
#define HOTLINE_STORAGE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hotline::storage {

// A prepared statement borrowed from a Connection's cache. Move-only; resets
// the statement and clears its bindings on destruction.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  void BindInt64(int index, int64_t value);
  void BindText(int index, absl::string_view value);
  void BindBlob(int index, absl::string_view value);
  void BindNull(int index);
  // Binds the text, or NULL when it is empty.
  void BindTextOrNull(int index, absl::string_view value);

  // Runs one step: true when a row is ready, false when done. A constraint
  // violation is ALREADY_EXISTS (UNIQUE) or FAILED_PRECONDITION; a busy
  // database UNAVAILABLE; a full disk RESOURCE_EXHAUSTED (IsDiskFull); a
  // damaged file DATA_LOSS; anything else INTERNAL.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  absl::Status Run();

  // Columns are 0-based, as in SQLite.
  int64_t ColumnInt64(int column) const;
  bool ColumnIsNull(int column) const;
  std::string ColumnText(int column) const;
  // The column's bytes, valid until the next Step.
  absl::string_view ColumnBlob(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating when `read_only` is false) the database file. Sets
  // busy_timeout and foreign_keys; the caller sets journal and sync pragmas.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, bool read_only);
  // Opens an existing file to look at it without changing a byte: read-only,
  // and, when no write-ahead log or rollback journal is beside it, as an
  // immutable file, so that not even the -wal and -shm files are created.
  static absl::StatusOr<std::unique_ptr<Connection>> OpenForInspection(
      const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows.
  absl::Status Execute(absl::string_view sql);
  // A cached prepared statement for `sql`.
  absl::StatusOr<Statement> Prepare(const std::string& sql);
  // The integer result of a one-row, one-column query such as a PRAGMA.
  absl::StatusOr<int64_t> QueryInt64(const std::string& sql);

  int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* handle() const { return db_; }

  // The bureau's time zone, in which the statistics tables count calendar
  // days (stat_rollup.h). UTC until set; the Store sets it on its writer.
  absl::TimeZone zone() const { return zone_; }
  void set_zone(absl::TimeZone zone) { zone_ = zone; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  // Opens `target` (a path or a file: URI) with `flags`, extended result
  // codes on; errors name `path`.
  static absl::StatusOr<std::unique_ptr<Connection>> OpenHandle(
      const std::string& target, const std::string& path, int flags);

  sqlite3* db_;
  absl::TimeZone zone_ = absl::UTCTimeZone();
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

// Converts an SQLite result code and message to a status. SQLITE_FULL is
// RESOURCE_EXHAUSTED with a "disk full" message meant for the caller (and
// IsDiskFull true); SQLITE_CORRUPT and SQLITE_NOTADB are DATA_LOSS.
absl::Status SqliteError(sqlite3* db, int code, absl::string_view context);

// True for the status of a write refused because the database's disk (or
// its size limit) is full.
bool IsDiskFull(const absl::Status& status);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_H_
