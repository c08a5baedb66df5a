// The PostgreSQL engine of connection.h, over libpq: a PgConnection owns one
// PGconn and prepares each statement once per parameter types (PQprepare),
// rewriting `?` parameters to PostgreSQL's $1, $2, ... Results come in text
// form; bytea columns are decoded for ColumnBlob.
//
// A connection whose server went away (a restart, a failover) is reset
// before its next statement when no transaction was open; a statement in a
// transaction that loses its connection fails with UNAVAILABLE and the
// transaction is gone.
//
// Not thread-safe: one thread uses a connection at a time.
#ifndef HOTLINE_STORAGE_POSTGRES_POSTGRES_H_
#define HOTLINE_STORAGE_POSTGRES_POSTGRES_H_

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

class PgConnection final : public Connection {
 public:
  // Connects with a libpq URI (postgresql://...) or key=value string.
  // UNAVAILABLE, with libpq's reason, when the server cannot be reached or
  // refuses the connection.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Open(
      const std::string& uri);
  ~PgConnection() override;

  absl::Status Execute(absl::string_view sql) override;
  absl::StatusOr<Statement> Prepare(const std::string& sql) override;
  int Changes() const override { return changes_; }
  bool InTransaction() const override;
  absl::Status BeginWrite() override { return Execute("BEGIN"); }
  absl::Status BeginRead() override {
    return Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  absl::string_view Greatest() const override { return "GREATEST"; }

  // Whether the server answers now (a round trip).
  bool Alive();
  // Moves on whenever the connection was re-established (which ends its
  // session, with the session's advisory locks).
  int64_t generation() const { return generation_; }
  // The server's process id for this connection (for tests).
  int BackendPid() const { return PQbackendPID(conn_); }

  // Bulk load: runs `copy` (a COPY ... FROM STDIN statement of text format)
  // and sends it what `next` writes, chunk by chunk, until `next` returns
  // false; each chunk holds whole lines of COPY's text format (CopyText
  // escapes a value for it). An error from `next` or from the server ends
  // the COPY and is returned; in a transaction, the transaction is then
  // failed and must be rolled back.
  absl::Status CopyIn(
      const std::string& copy,
      const std::function<absl::StatusOr<bool>(std::string*)>& next);

 private:
  class Prepared;
  PgConnection(PGconn* conn, std::string uri);
  // Resets a connection found broken outside a transaction; UNAVAILABLE
  // when the server still cannot be reached.
  absl::Status EnsureConnected();
  // Records whether a transaction is open after a statement.
  void NoteTransaction();

  PGconn* conn_;
  const std::string uri_;
  int changes_ = 0;
  // A transaction was open after the last statement.
  bool transaction_open_ = false;
  // Moves on at every reset, which forgets the server's prepared statements.
  int64_t generation_ = 0;
  int64_t next_statement_ = 0;
  std::map<std::string, std::unique_ptr<PreparedStatement>, std::less<>> cache_;
};

// `value` escaped for a line of COPY's text format (backslash, tab,
// newline and carriage return); a NULL is written "\\N" by the caller.
std::string CopyText(absl::string_view value);

// The URI with any password replaced by "***", for messages and logs.
std::string RedactUri(absl::string_view uri);
// Whether `path` names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresUri(absl::string_view path);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_POSTGRES_POSTGRES_H_
