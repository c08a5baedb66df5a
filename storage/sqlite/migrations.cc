#include "storage/sqlite/migrations.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/sql/schema.h"

namespace hotline::storage {

int LatestSchemaVersion() { return SharedMigrationCount(); }

absl::Status Migrate(Connection& connection) {
  RETURN_IF_ERROR(connection.Execute("BEGIN IMMEDIATE"));
  auto fail = [&](absl::Status status) {
    connection.Execute("ROLLBACK").IgnoreError();
    return status;
  };
  absl::StatusOr<int64_t> version =
      connection.QueryInt64("PRAGMA user_version");
  if (!version.ok()) return fail(version.status());
  if (*version > LatestSchemaVersion()) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat("the database has schema version ", *version,
                     ", newer than this build's ", LatestSchemaVersion(),
                     "; run a newer hotline-server")));
  }
  for (int next = static_cast<int>(*version) + 1; next <= LatestSchemaVersion();
       ++next) {
    if (absl::Status s =
            connection.Execute(SharedMigration(next, SqlDialect::kSqlite));
        !s.ok()) {
      return fail(absl::InternalError(
          absl::StrCat("migration ", next, " failed: ", s.message())));
    }
  }
  if (absl::Status s = connection.Execute(
          absl::StrCat("PRAGMA user_version = ", LatestSchemaVersion()));
      !s.ok()) {
    return fail(s);
  }
  return connection.Execute("COMMIT");
}

}  // namespace hotline::storage
