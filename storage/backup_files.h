// Backup files in a backup directory, whichever engine wrote them: their
// names ("hotline-YYYYMMDDTHHMMSS.ffffffZ.db", UTC, so that names sort by
// time), the pruning of the oldest, and the file-system helpers an engine's
// WriteBackup (storage/sqlite/backup.h) uses to write one durably.
//
//   ASSIGN_OR_RETURN(std::vector<std::string> removed,
//                    PruneBackups("/var/backups/hotline", 7));
//
// Thread-safety: the functions keep no state; PruneBackups must not run
// concurrently with a backup being written into the same directory (the
// server runs its backups one at a time).
#ifndef HOTLINE_STORAGE_BACKUP_FILES_H_
#define HOTLINE_STORAGE_BACKUP_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hotline::storage {

// The file name of a backup made at `time`:
// "hotline-YYYYMMDDTHHMMSS.ffffffZ.db" (UTC), so that names sort by time.
std::string BackupFileName(absl::Time time);
// True for a name BackupFileName makes (and so PruneBackups may remove).
bool IsBackupFileName(absl::string_view name);

// Removes the oldest backups in `directory` (files named as BackupFileName
// makes, nothing else) so that at most `keep` (at least 1) remain. Returns
// the paths removed.
absl::StatusOr<std::vector<std::string>> PruneBackups(
    const std::string& directory, int keep);

// A file-system failure (errno `error`) while a backup did `what` on
// `path`: RESOURCE_EXHAUSTED for a full disk, FAILED_PRECONDITION otherwise
// (the operator must fix the directory).
absl::Status BackupFileError(absl::string_view what, const std::string& path,
                             int error);
// Opens `path` with `flags` (O_RDONLY, or O_RDONLY | O_DIRECTORY) and
// fsyncs it; BackupFileError when either fails.
absl::Status FsyncPath(const std::string& path, int flags);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_BACKUP_FILES_H_
