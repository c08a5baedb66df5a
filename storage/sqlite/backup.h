// Online backups of the database: a consistent copy taken while the server
// keeps serving, written so that a crash never leaves half a backup under a
// backup's name.
//
//   ASSIGN_OR_RETURN(BackupFile file,
//                    WriteBackup(store, "/var/backups/hotline", absl::Now()));
//   // file.path: /var/backups/hotline/hotline-20260315T020000.000000Z.db
// (Backup names and pruning: storage/backup_files.h.)
//
// How: SQLite's VACUUM INTO on one of the store's read connections. In WAL
// mode that reads one snapshot (a read transaction) and never blocks the
// writer; the copy is a complete, compact database with everything
// committed before the snapshot and nothing after. It goes to a hidden
// temporary file (".hotline-<time>.db.partial", created empty with mode 0600
// first, so that the secret-bearing copy is never readable by others), is
// checked (PRAGMA quick_check), fsynced, renamed to "hotline-<time>.db" (UTC,
// microseconds) and the directory fsynced.
//
// The attachments' files the copy names go into <directory>/attachments/
// before the copy takes its name, shared by every backup in the directory
// (stored once; a file already there is not copied again, and pruning old
// backups leaves them).
//
// Restoring is copying a backup over the database path while the server is
// stopped, removing the -wal and -shm files beside it, and copying
// <directory>/attachments/ into <database>.attachments/ (docs/operations.md,
// "Backup and restore").
//
// Thread-safety: WriteBackup and PruneBackups may run concurrently with any
// use of the store, but not with each other on the same directory (the
// server runs its backups one at a time).
#ifndef HOTLINE_STORAGE_SQLITE_BACKUP_H_
#define HOTLINE_STORAGE_SQLITE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/backup_files.h"
#include "storage/records.h"

namespace hotline::storage {

class SqliteStore;

// Writes a consistent copy of `store`'s database into `directory` (which
// must exist), named after `now` (a microsecond later when that name is
// taken). Removes partial files of earlier backups that crashed. Errors:
// FAILED_PRECONDITION when the directory cannot be written (naming it and
// why), RESOURCE_EXHAUSTED when its disk is full; nothing is left behind.
absl::StatusOr<BackupFile> WriteBackup(SqliteStore& store,
                                       const std::string& directory,
                                       absl::Time now);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_BACKUP_H_
