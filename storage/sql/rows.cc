#include "storage/sql/rows.h"

namespace hotline::storage {

absl::Status ForEachRow(
    Connection& db, const std::string& sql,
    const std::function<absl::Status(const Statement&)>& each) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    if (absl::Status s = each(*stmt); !s.ok()) return s;
  }
}

}  // namespace hotline::storage
