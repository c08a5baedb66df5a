#include "storage/sqlite/sqlite.h"

#include <sys/stat.h>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"

namespace hotline::storage {
namespace {

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

// `path` as an SQLite URI's path: '%', '?' and '#' are escaped.
std::string UriPath(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      out += absl::StrCat(
          "%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int code, absl::string_view context) {
  const char* sqlite_message =
      db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  std::string message = absl::StrCat(context, ": ", sqlite_message);
  switch (code & 0xff) {
    case SQLITE_FULL:
      return DiskFullError(absl::StrCat("SQLite: ", sqlite3_errstr(code)));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(
          absl::StrCat("the database file is damaged: ", message));
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE ||
          code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::FailedPreconditionError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return WithRetryDelay(
          WithReason(absl::UnavailableError(message), v1::SERVER_UNAVAILABLE),
          absl::Seconds(1));
    default:
      return absl::InternalError(message);
  }
}

class SqliteConnection::Prepared final : public PreparedStatement {
 public:
  explicit Prepared(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Prepared() override { sqlite3_finalize(stmt_); }

  void BindInt64(int index, int64_t value) override {
    sqlite3_bind_int64(stmt_, index, value);
  }
  void BindText(int index, absl::string_view value) override {
    sqlite3_bind_text(stmt_, index, value.data(),
                      static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int index, absl::string_view value) override {
    sqlite3_bind_blob(stmt_, index, value.data(),
                      static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  absl::StatusOr<bool> Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3* db = sqlite3_db_handle(stmt_);
    return SqliteError(db, sqlite3_extended_errcode(db), sqlite3_sql(stmt_));
  }

  int64_t ColumnInt64(int column) const override {
    return sqlite3_column_int64(stmt_, column);
  }
  bool ColumnIsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::string ColumnText(int column) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return "";
    return std::string(reinterpret_cast<const char*>(text),
                       sqlite3_column_bytes(stmt_, column));
  }
  absl::string_view ColumnBlob(int column) const override {
    const void* data = sqlite3_column_blob(stmt_, column);
    if (data == nullptr) return {};
    return absl::string_view(static_cast<const char*>(data),
                             sqlite3_column_bytes(stmt_, column));
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

absl::StatusOr<std::unique_ptr<Connection>> SqliteConnection::OpenHandle(
    const std::string& target, const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status =
        SqliteError(db, rc, absl::StrCat("cannot open database ", path));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new SqliteConnection(db));
}

absl::StatusOr<std::unique_ptr<Connection>> SqliteConnection::Open(
    const std::string& path, bool read_only) {
  const int flags = (read_only ? SQLITE_OPEN_READONLY
                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> opened,
                   OpenHandle(path, path, flags));
  std::unique_ptr<Connection> connection = std::move(opened);
  // Waits out another process's write (e.g. the bootstrap command) instead
  // of failing at once.
  RETURN_IF_ERROR(connection->Execute(
      "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;"));
  return connection;
}

absl::StatusOr<std::unique_ptr<Connection>> SqliteConnection::OpenForInspection(
    const std::string& path) {
  // Without a log beside it, the file alone is the database: read it as
  // immutable (no locks, no -shm). With one, SQLite must read the log too.
  const bool immutable = !Exists(path + "-wal") && !Exists(path + "-journal");
  const std::string uri =
      absl::StrCat("file:", UriPath(path), immutable ? "?immutable=1" : "");
  ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> opened,
      OpenHandle(uri, path,
                 SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX));
  std::unique_ptr<Connection> connection = std::move(opened);
  RETURN_IF_ERROR(connection->Execute("PRAGMA busy_timeout = 5000"));
  return connection;
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();  // finalizes every statement before the close
  sqlite3_close_v2(db_);
}

absl::Status SqliteConnection::Execute(absl::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    return SqliteError(nullptr, sqlite3_extended_errcode(db_),
                       absl::StrCat(message, " in: ", text.substr(0, 120)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> SqliteConnection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Statement(it->second.get());
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1,
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  auto prepared = std::make_unique<Prepared>(stmt);
  Statement out(prepared.get());
  cache_.emplace(sql, std::move(prepared));
  return out;
}

int SqliteConnection::Changes() const { return sqlite3_changes(db_); }

bool SqliteConnection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace hotline::storage
