#include "storage/sql/request_outcomes.h"

namespace hotline::storage {

absl::StatusOr<std::optional<RequestOutcome>> FindRequestOutcome(
    Connection& db, const std::string& request_key) {
  absl::StatusOr<Statement> stmt = db.Prepare(
      "SELECT method, fingerprint, response FROM request_outcomes "
      "WHERE request_key = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->BindBlob(1, request_key);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<RequestOutcome>();
  RequestOutcome outcome;
  outcome.method = stmt->ColumnText(0);
  outcome.fingerprint = std::string(stmt->ColumnBlob(1));
  outcome.response = std::string(stmt->ColumnBlob(2));
  return std::optional<RequestOutcome>(std::move(outcome));
}

absl::Status InsertRequestOutcome(Connection& db,
                                  const std::string& request_key,
                                  const RequestOutcome& outcome,
                                  int64_t now_micros) {
  absl::StatusOr<Statement> insert = db.Prepare(
      "INSERT INTO request_outcomes (request_key, method, fingerprint, "
      "response, created_at) VALUES (?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  insert->BindBlob(1, request_key);
  insert->BindText(2, outcome.method);
  insert->BindBlob(3, outcome.fingerprint);
  insert->BindBlob(4, outcome.response);
  insert->BindInt64(5, now_micros);
  if (absl::Status s = insert->Run(); !s.ok()) return s;
  // A few at a time (more than come in), oldest first, by the age index.
  absl::StatusOr<Statement> purge = db.Prepare(
      "DELETE FROM request_outcomes WHERE id IN (SELECT id FROM "
      "request_outcomes WHERE created_at < ? ORDER BY created_at LIMIT 4)");
  if (!purge.ok()) return purge.status();
  purge->BindInt64(
      1, now_micros - absl::ToInt64Microseconds(kRequestOutcomeRetention));
  return purge->Run();
}

}  // namespace hotline::storage
