// The SQLite engine of connection.h: a thin RAII layer over the SQLite C
// API. A SqliteConnection owns one sqlite3 handle and caches its prepared
// statements.
//
// Not thread-safe: one thread uses a connection at a time.
#ifndef HOTLINE_STORAGE_SQLITE_SQLITE_H_
#define HOTLINE_STORAGE_SQLITE_SQLITE_H_

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

class SqliteConnection final : public Connection {
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
  ~SqliteConnection() override;

  // Makes the statement running on this connection stop soon with an
  // error. The one method that may be called from another thread (while the
  // connection is open).
  void Interrupt() { sqlite3_interrupt(db_); }

  absl::Status Execute(absl::string_view sql) override;
  absl::StatusOr<Statement> Prepare(const std::string& sql) override;
  int Changes() const override;
  bool InTransaction() const override;
  absl::Status BeginWrite() override { return Execute("BEGIN IMMEDIATE"); }
  absl::Status BeginRead() override { return Execute("BEGIN"); }
  absl::string_view Greatest() const override { return "MAX"; }

 private:
  class Prepared;
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  // Opens `target` (a path or a file: URI) with `flags`, extended result
  // codes on; errors name `path`.
  static absl::StatusOr<std::unique_ptr<Connection>> OpenHandle(
      const std::string& target, const std::string& path, int flags);

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<PreparedStatement>, std::less<>> cache_;
};

// Converts an SQLite result code and message to a status. SQLITE_FULL is
// RESOURCE_EXHAUSTED with a "disk full" message meant for the caller (and
// IsDiskFull true); SQLITE_CORRUPT and SQLITE_NOTADB are DATA_LOSS.
absl::Status SqliteError(sqlite3* db, int code, absl::string_view context);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_SQLITE_H_
