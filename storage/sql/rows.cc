#include "storage/sql/rows.h"

#include "common/status_macros.h"

namespace hotline::storage {

absl::Status ForEachRow(
    Connection& db, const std::string& sql,
    const std::function<absl::Status(const Statement&)>& each) {
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::OkStatus();
    RETURN_IF_ERROR(each(stmt));
  }
}

}  // namespace hotline::storage
