#include "storage/sql/settings.h"

namespace hotline::storage {

absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& db,
                                                       const std::string& key) {
  absl::StatusOr<Statement> stmt =
      db.Prepare("SELECT value FROM settings WHERE key = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, key);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnText(0));
}

absl::Status StoreSetting(Connection& db, const std::string& key,
                          const std::string& value) {
  absl::StatusOr<Statement> stmt = db.Prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, key);
  stmt->BindText(2, value);
  return stmt->Run();
}

}  // namespace hotline::storage
