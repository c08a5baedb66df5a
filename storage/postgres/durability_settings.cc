#include "storage/postgres/durability_settings.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace hotline::storage {

absl::StatusOr<std::string> DurabilityWarning(Connection& db) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT name, setting FROM pg_settings WHERE "
                              "name IN ('fsync', 'full_page_writes', "
                              "'synchronous_commit') ORDER BY name"));
  std::vector<std::string> off;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const std::string name = stmt.ColumnText(0);
    const std::string setting = stmt.ColumnText(1);
    if (setting == "off") off.push_back(absl::StrCat(name, " = off"));
  }
  if (off.empty()) return std::string();
  return absl::StrCat(
      "PostgreSQL has ", absl::StrJoin(off, ", "),
      ": a write hotline acknowledged may be lost in a power cut or an "
      "operating-system crash; set fsync = on, full_page_writes = on and "
      "synchronous_commit = on in postgresql.conf (and for the database and "
      "its role), then reload PostgreSQL");
}

}  // namespace hotline::storage
