#include "storage/sql/settings.h"

#include "common/status_macros.h"

namespace hotline::storage {

absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& db,
                                                       const std::string& key) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT value FROM settings WHERE key = ?"));
  stmt.BindText(1, key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

absl::Status StoreSetting(Connection& db, const std::string& key,
                          const std::string& value) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT "
                 "(key) DO UPDATE SET value = excluded.value"));
  stmt.BindText(1, key);
  stmt.BindText(2, value);
  return stmt.Run();
}

}  // namespace hotline::storage
