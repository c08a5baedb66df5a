// The SQLite schema's migrations: the shared migrations of
// storage/sql/schema.h, in SQLite's words. The database's PRAGMA
// user_version is the number of migrations applied; Migrate applies the
// missing ones in order, all in one transaction, so a crash leaves the old
// schema or the new one, never half of it.
//
// Not thread-safe beyond the Connection's own rule.
#ifndef HOTLINE_STORAGE_SQLITE_MIGRATIONS_H_
#define HOTLINE_STORAGE_SQLITE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// The schema version this build writes.
int LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(). FAILED_PRECONDITION when
// the file was written by a newer build (its version is higher).
absl::Status Migrate(Connection& connection);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_MIGRATIONS_H_
