// Numbered schema migrations. The database's PRAGMA user_version is the
// number of migrations applied; Migrate applies the missing ones in order,
// all in one transaction, so a crash leaves the old schema or the new one,
// never half of it.
//
// Migrations are append-only: a released migration is never edited; a change
// is a new migration at the end of the list.
#ifndef HOTLINE_STORAGE_MIGRATIONS_H_
#define HOTLINE_STORAGE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "storage/sqlite.h"

namespace hotline::storage {

// The schema version this build writes.
int LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(). FAILED_PRECONDITION when
// the file was written by a newer build (its version is higher).
absl::Status Migrate(Connection& connection);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_MIGRATIONS_H_
