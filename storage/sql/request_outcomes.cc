#include "storage/sql/request_outcomes.h"

#include "common/status_macros.h"

namespace hotline::storage {

absl::StatusOr<std::optional<RequestOutcome>> FindRequestOutcome(
    Connection& db, const std::string& request_key) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT method, fingerprint, response FROM "
                              "request_outcomes WHERE request_key = ?"));
  stmt.BindBlob(1, request_key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<RequestOutcome>();
  RequestOutcome outcome;
  outcome.method = stmt.ColumnText(0);
  outcome.fingerprint = std::string(stmt.ColumnBlob(1));
  outcome.response = std::string(stmt.ColumnBlob(2));
  return std::optional<RequestOutcome>(std::move(outcome));
}

absl::Status InsertRequestOutcome(Connection& db,
                                  const std::string& request_key,
                                  const RequestOutcome& outcome,
                                  int64_t now_micros) {
  ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO request_outcomes (request_key, method, "
                 "fingerprint, response, created_at) VALUES (?, ?, ?, ?, ?)"));
  insert.BindBlob(1, request_key);
  insert.BindText(2, outcome.method);
  insert.BindBlob(3, outcome.fingerprint);
  insert.BindBlob(4, outcome.response);
  insert.BindInt64(5, now_micros);
  RETURN_IF_ERROR(insert.Run());
  // A few at a time (more than come in), oldest first, by the age index.
  ASSIGN_OR_RETURN(Statement purge,
                   db.Prepare("DELETE FROM request_outcomes WHERE id IN "
                              "(SELECT id FROM request_outcomes WHERE "
                              "created_at < ? ORDER BY created_at LIMIT 4)"));
  purge.BindInt64(
      1, now_micros - absl::ToInt64Microseconds(kRequestOutcomeRetention));
  return purge.Run();
}

}  // namespace hotline::storage
