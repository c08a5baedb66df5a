#include "storage/sqlite/backup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/sql/queries.h"
#include "storage/sql/restored_history.h"
#include "storage/sqlite/blob_directory.h"
#include "storage/sqlite/integrity_check.h"
#include "storage/sqlite/sqlite.h"
#include "storage/sqlite/sqlite_store.h"

namespace hotline::storage {
namespace {

// A backup being written: "." + its final name + this.
constexpr absl::string_view kPartialSuffix = ".partial";

bool Exists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

// Removes the partial files of backups that never finished (the process
// died while writing them). Backups run one at a time, so none is in use.
void RemovePartials(const std::string& directory) {
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> partials;
  while (const dirent* entry = readdir(dir)) {
    absl::string_view name = entry->d_name;
    if (!absl::ConsumePrefix(&name, ".")) continue;
    absl::ConsumeSuffix(&name, "-journal");  // SQLite's, beside one
    if (absl::ConsumeSuffix(&name, kPartialSuffix) && IsBackupFileName(name)) {
      partials.push_back(absl::StrCat(directory, "/", entry->d_name));
    }
  }
  closedir(dir);
  for (const std::string& path : partials) unlink(path.c_str());
}

// Whether the copy passes PRAGMA quick_check (DATA_LOSS naming the first
// problem when not), and its last seq.
absl::Status CheckCopy(const std::string& path, int64_t* last_seq) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> copy,
                   SqliteConnection::OpenForInspection(path));
  if (absl::Status sound = QuickCheck(*copy, ""); !sound.ok()) {
    return absl::DataLossError(
        absl::StrCat("backup: the copy failed its check: ", sound.message()));
  }
  ASSIGN_OR_RETURN(int64_t latest, LatestSeq(*copy));
  *last_seq = latest;
  return absl::OkStatus();
}

// Marks the copy at `path` (closed, not served) as a backup taken at
// `last_seq` (restored_history.h).
absl::Status MarkCopy(const std::string& path, int64_t last_seq) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> copy,
                   SqliteConnection::Open(path, /*read_only=*/false));
  return MarkBackupCopy(*copy, last_seq);
}

// Copies `from` to `to` (mode 0600): written beside it, fsynced, renamed.
absl::Status CopyFile(const std::string& from, const std::string& to) {
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return BackupFileError("open", from, errno);
  const std::string partial = absl::StrCat(to, kPartialSuffix);
  const int out =
      open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    const int error = errno;
    close(in);
    return BackupFileError("create", partial, error);
  }
  char buffer[1 << 16];
  absl::Status status;
  while (status.ok()) {
    const ssize_t got = read(in, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) status = BackupFileError("read", from, errno);
    if (got <= 0) break;
    for (ssize_t done = 0; done < got && status.ok();) {
      const ssize_t put = write(out, buffer + done, got - done);
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) status = BackupFileError("write", partial, errno);
      done += std::max<ssize_t>(put, 0);
    }
  }
  if (status.ok() && fsync(out) != 0) {
    status = BackupFileError("sync", partial, errno);
  }
  close(in);
  close(out);
  if (status.ok() && rename(partial.c_str(), to.c_str()) != 0) {
    status = BackupFileError("rename to", to, errno);
  }
  if (!status.ok()) unlink(partial.c_str());
  return status;
}

// The attachments' files the copy at `copy` names, from `blobs` into
// <directory>/attachments/ (laid out as the blob directory), shared by
// every backup there: a file already there is not copied again. A file
// missing from `blobs` is logged and left out (the backup is still
// worth having); a restore reports it when it is fetched.
absl::Status CopyAttachmentFiles(const std::string& copy,
                                 const std::string& blobs,
                                 const std::string& directory) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                   SqliteConnection::OpenForInspection(copy));
  ASSIGN_OR_RETURN(std::vector<std::string> names,
                   db->QueryTexts("SELECT DISTINCT sha256 FROM "
                                  "ticket_attachments ORDER BY sha256"));
  if (names.empty()) return absl::OkStatus();
  const std::string root = absl::StrCat(directory, "/attachments");
  if (mkdir(root.c_str(), 0700) != 0 && errno != EEXIST) {
    return BackupFileError("make the directory", root, errno);
  }
  for (const std::string& sha256 : names) {
    const std::string shard = absl::StrCat("/", sha256.substr(0, 2));
    const std::string to = absl::StrCat(root, shard, "/", sha256);
    if (Exists(to)) continue;
    const std::string from = absl::StrCat(blobs, shard, "/", sha256);
    if (!Exists(from)) {
      LogWarning(absl::StrCat("backup: attachment file ", from,
                              " is missing; the backup goes on without it"));
      continue;
    }
    const std::string dir = absl::StrCat(root, shard);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return BackupFileError("make the directory", dir, errno);
    }
    RETURN_IF_ERROR(CopyFile(from, to));
    RETURN_IF_ERROR(FsyncPath(dir, O_RDONLY | O_DIRECTORY));
  }
  return FsyncPath(root, O_RDONLY | O_DIRECTORY);
}

}  // namespace

absl::StatusOr<BackupFile> WriteBackup(SqliteStore& store,
                                       const std::string& directory,
                                       absl::Time now) {
  struct stat info;
  if (stat(directory.c_str(), &info) != 0) {
    return BackupFileError("use the directory", directory, errno);
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup: ", directory, " is not a directory"));
  }
  RemovePartials(directory);

  BackupFile file;
  file.create_time = absl::FromUnixMicros(absl::ToUnixMicros(now));
  std::string name = BackupFileName(file.create_time);
  while (Exists(absl::StrCat(directory, "/", name))) {
    file.create_time += absl::Microseconds(1);
    name = BackupFileName(file.create_time);
  }
  file.path = absl::StrCat(directory, "/", name);
  const std::string partial =
      absl::StrCat(directory, "/.", name, kPartialSuffix);

  // VACUUM INTO accepts an empty target: create it first, so that it is
  // born 0600 whatever the umask.
  const int fd =
      open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return BackupFileError("create", partial, errno);
  const int chmod_rc = fchmod(fd, 0600);
  const int chmod_error = errno;
  close(fd);
  auto discard = [&partial](absl::Status status) {
    unlink(partial.c_str());
    unlink(absl::StrCat(partial, "-journal").c_str());
    unlink(absl::StrCat(partial, "-wal").c_str());
    unlink(absl::StrCat(partial, "-shm").c_str());
    return status;
  };
  if (chmod_rc != 0) {
    return discard(BackupFileError("set mode 0600 on", partial, chmod_error));
  }

  absl::StatusOr<bool> copied =
      store.Read<bool>([&partial](Connection& db) -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(Statement vacuum, db.Prepare("VACUUM INTO ?"));
        vacuum.BindText(1, partial);
        RETURN_IF_ERROR(vacuum.Run());
        return true;
      });
  if (IsDiskFull(copied.status())) {
    return discard(absl::ResourceExhaustedError(absl::StrCat(
        "backup: no room for the copy in ", directory,
        ": free space there (or keep fewer backups) and try again")));
  }
  if (!copied.ok()) return discard(copied.status());
  if (absl::Status s = CheckCopy(partial, &file.last_seq); !s.ok()) {
    return discard(s);
  }
  // Served again only after a restore, which must know where it stood.
  if (absl::Status s = MarkCopy(partial, file.last_seq); !s.ok()) {
    return discard(s);
  }
  if (absl::Status s = FsyncPath(partial, O_RDONLY); !s.ok()) return discard(s);
  // The files first: a backup under its name has every file it names.
  if (absl::Status s = CopyAttachmentFiles(
          partial, BlobDirectoryOf(store.path()), directory);
      !s.ok()) {
    return discard(s);
  }
  if (stat(partial.c_str(), &info) != 0) {
    return discard(BackupFileError("stat", partial, errno));
  }
  file.size_bytes = info.st_size;
  if (rename(partial.c_str(), file.path.c_str()) != 0) {
    return discard(BackupFileError("rename to", file.path, errno));
  }
  // The rename is durable once the directory is.
  RETURN_IF_ERROR(FsyncPath(directory, O_RDONLY | O_DIRECTORY));
  return file;
}

}  // namespace hotline::storage
