// A database connection as storage's SQL sees it, whichever engine is below:
// a Connection runs statements and caches prepared ones; a Statement scope
// binds, steps and reads columns, and resets the statement when it goes out
// of scope. SQL uses `?` for parameters and the subset of SQL that SQLite
// 3.40 and PostgreSQL 15 share (ON CONFLICT upserts, partial indexes,
// RETURNING); where they differ, the connection says the engine's word
// (Greatest, BeginWrite, BeginRead). No engine's own
// syntax is written into SQL that both engines run: ask the connection.
//
//   ASSIGN_OR_RETURN(Statement stmt, connection.Prepare(
//       "SELECT body FROM tickets WHERE id = ?"));
//   stmt.BindInt64(1, id);
//   absl::StatusOr<bool> row = stmt.Step();   // true: a row is ready
//
// Errors are absl::Status values with the engine's own text: a UNIQUE or
// PRIMARY KEY violation ALREADY_EXISTS, another constraint
// FAILED_PRECONDITION, a busy or unreachable database UNAVAILABLE, a full
// disk RESOURCE_EXHAUSTED (IsDiskFull), damaged data DATA_LOSS, anything
// else INTERNAL.
//
// Implementations: SqliteConnection (storage/sqlite/sqlite.h), PgConnection
// (storage/postgres/postgres.h).
// A Connection is not thread-safe: one thread uses it at a time.
#ifndef HOTLINE_STORAGE_SQL_CONNECTION_H_
#define HOTLINE_STORAGE_SQL_CONNECTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hotline::storage {

// One engine's prepared statement, owned by its Connection's cache.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  virtual void BindInt64(int index, int64_t value) = 0;
  virtual void BindText(int index, absl::string_view value) = 0;
  virtual void BindBlob(int index, absl::string_view value) = 0;
  virtual void BindNull(int index) = 0;
  virtual absl::StatusOr<bool> Step() = 0;
  virtual int64_t ColumnInt64(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  virtual std::string ColumnText(int column) const = 0;
  virtual absl::string_view ColumnBlob(int column) const = 0;
  // Forgets the bindings and any result, ready for the next use.
  virtual void Reset() = 0;
};

// A prepared statement borrowed from a Connection's cache. Move-only; resets
// the statement and clears its bindings on destruction.
class Statement {
 public:
  explicit Statement(PreparedStatement* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement() {
    if (stmt_ != nullptr) stmt_->Reset();
  }

  // Parameters are 1-based.
  void BindInt64(int index, int64_t value) { stmt_->BindInt64(index, value); }
  void BindText(int index, absl::string_view value) {
    stmt_->BindText(index, value);
  }
  void BindBlob(int index, absl::string_view value) {
    stmt_->BindBlob(index, value);
  }
  void BindNull(int index) { stmt_->BindNull(index); }
  // Binds the text, or NULL when it is empty.
  void BindTextOrNull(int index, absl::string_view value) {
    if (value.empty()) {
      BindNull(index);
    } else {
      BindText(index, value);
    }
  }

  // Runs one step: true when a row is ready, false when done.
  absl::StatusOr<bool> Step() { return stmt_->Step(); }
  // Runs a statement that returns no rows.
  absl::Status Run() { return Step().status(); }

  // Columns are 0-based.
  int64_t ColumnInt64(int column) const { return stmt_->ColumnInt64(column); }
  bool ColumnIsNull(int column) const { return stmt_->ColumnIsNull(column); }
  std::string ColumnText(int column) const { return stmt_->ColumnText(column); }
  // The column's bytes, valid until the next Step.
  absl::string_view ColumnBlob(int column) const {
    return stmt_->ColumnBlob(column);
  }

 private:
  PreparedStatement* stmt_;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one or more statements that return no rows.
  virtual absl::Status Execute(absl::string_view sql) = 0;
  // A cached prepared statement for `sql`.
  virtual absl::StatusOr<Statement> Prepare(const std::string& sql) = 0;
  // The integer result of a one-row, one-column query.
  absl::StatusOr<int64_t> QueryInt64(const std::string& sql);
  // Every row of a one-column query, as text.
  absl::StatusOr<std::vector<std::string>> QueryTexts(const std::string& sql);
  // Rows the last INSERT, UPDATE or DELETE changed.
  virtual int Changes() const = 0;
  // Whether a transaction is open (an engine may end one itself on a full
  // disk, a damaged file or a lost connection).
  virtual bool InTransaction() const = 0;

  // Starts a transaction that will write.
  virtual absl::Status BeginWrite() = 0;
  // Starts a transaction whose reads all see the same commits.
  virtual absl::Status BeginRead() = 0;
  // The engine's name of the two-argument maximum (MAX or GREATEST).
  virtual absl::string_view Greatest() const = 0;

  // The bureau's time zone, in which the statistics tables count calendar
  // days (stat_rollup.h). UTC until set; the Store sets it on its writer.
  absl::TimeZone zone() const { return zone_; }
  void set_zone(absl::TimeZone zone) { zone_ = zone; }

 private:
  absl::TimeZone zone_ = absl::UTCTimeZone();
};

// True for the status of a write refused because the database's disk (or
// its size limit) is full.
bool IsDiskFull(const absl::Status& status);
// The status of a write refused for a full disk; `engine_text` is the
// engine's own word for it.
absl::Status DiskFullError(absl::string_view engine_text);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_CONNECTION_H_
