#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/change_set.h"
#include "storage/sql/operational_counts.h"
#include "storage/sql/queries.h"
#include "storage/sql/request_outcomes.h"
#include "storage/sql/restored_history.h"
#include "storage/sql/settings.h"
#include "storage/sql/stat_rollup.h"
#include "storage/sqlite/backup.h"
#include "storage/sqlite/integrity_check.h"
#include "storage/sqlite/migrations.h"

namespace hotline::storage {
namespace {

// The tables of hotline's first migration: an unmarked file that has them
// all is a hotline database from before the application_id mark.
constexpr const char* kHotlineTables[] = {
    "tickets", "events", "create_requests", "departments", "tokens"};

std::string ErrnoText() { return std::strerror(errno); }

// The first line of a small text file, or "" when it cannot be read.
std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

// Takes the exclusive lock on `path`.lock and writes this process's id in
// it; returns the descriptor, which holds the lock until it is closed (by
// Close, or by the kernel when the process ends, even by SIGKILL: a lock
// never outlives its holder). Close removes the file before it lets go, so
// a lock taken on a file that is no longer at that path is let go and
// taken again on the new one.
absl::StatusOr<int> LockDatabase(const std::string& path) {
  const std::string lock_path = path + ".lock";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create the lock file ", lock_path, ": ", ErrnoText()));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      close(fd);
      if (error != EWOULDBLOCK) {
        return absl::FailedPreconditionError(absl::StrCat(
            "cannot lock ", lock_path, ": ", std::strerror(error)));
      }
      const std::string pid = FirstLine(lock_path);
      std::string holder = "another process";
      if (!pid.empty()) {
        const std::string name =
            FirstLine(absl::StrCat("/proc/", pid, "/comm"));
        holder = absl::StrCat(name.empty() ? "process" : name, " pid ", pid);
      }
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is in use by ", holder, " (it holds ", lock_path,
          "); stop that server first, or give this one another database"));
    }
    struct stat locked;
    struct stat named;
    if (fstat(fd, &locked) != 0 || stat(lock_path.c_str(), &named) != 0 ||
        locked.st_ino != named.st_ino || locked.st_dev != named.st_dev) {
      close(fd);  // its holder removed it meanwhile: lock the new one
      continue;
    }
    const std::string pid = absl::StrCat(getpid(), "\n");
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) !=
                                     static_cast<ssize_t>(pid.size())) {
      LogWarning(absl::StrCat("cannot write the pid in ", lock_path, ": ",
                              ErrnoText()));
    }
    return fd;
  }
  return absl::UnavailableError(
      absl::StrCat("cannot lock ", lock_path, ": it keeps changing"));
}

// The process holding a flock on the file `locked` describes, from
// /proc/locks ("1: FLOCK ADVISORY WRITE <pid> <major>:<minor>:<inode> ..."),
// as "hotline-server pid 123"; "another process" when it cannot be told.
std::string FlockHolder(const struct stat& locked) {
  std::ifstream locks("/proc/locks");
  const std::string file = absl::StrCat(
      absl::Hex(major(locked.st_dev), absl::kZeroPad2), ":",
      absl::Hex(minor(locked.st_dev), absl::kZeroPad2), ":", locked.st_ino);
  std::string line;
  while (std::getline(locks, line)) {
    const std::vector<std::string> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    // After "N:" come the kind, ADVISORY/MANDATORY, READ/WRITE, pid, file.
    if (fields.size() < 6 || fields[1] != "FLOCK" || fields[5] != file) {
      continue;
    }
    const std::string& pid = fields[4];
    const std::string name = FirstLine(absl::StrCat("/proc/", pid, "/comm"));
    return absl::StrCat(name.empty() ? "process" : name, " pid ", pid);
  }
  return "another process";
}

// Takes an exclusive flock on the database file itself, so that one server
// serves a file whatever path names it: `<path>.lock` is named after the
// path, and a hard link or a symbolic link names the same file by another
// path. Returns the descriptor (held until Close), or -1 when there is no
// file yet (it is locked once created). SQLite locks with fcntl, which
// does not meet flock on Linux, so this lock does not disturb SQLite's.
absl::StatusOr<int> LockDatabaseFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return -1;
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", ErrnoText()));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  const int error = errno;
  struct stat locked;
  const bool known = fstat(fd, &locked) == 0;
  close(fd);
  if (error != EWOULDBLOCK) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot lock ", path, ": ", std::strerror(error)));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      path, " is in use by ", known ? FlockHolder(locked) : "another process",
      ", which serves the same file under another name (a hard link or a "
      "symbolic link); stop that server first, or give this one another "
      "database"));
}

enum class FileKind {
  kNew,       // missing, empty, or an SQLite file with nothing in it
  kUnmarked,  // hotline's tables, from before the application_id mark
  kMarked,    // application_id is kApplicationId
};

// What InspectFile found.
struct Inspected {
  FileKind kind = FileKind::kNew;
  // Too large to check whole before the start: the tables it did not
  // check are left to a BackgroundIntegrityCheck.
  bool check_after_start = false;
};

absl::Status Refuse(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}

// Looks at the file without changing a byte of it (no journal mode, no
// lock, not even a -wal or -shm file when none is there) and says what it
// is, or why it is refused.
absl::StatusOr<Inspected> InspectFile(const StoreOptions& options,
                                      const SqliteOptions& sqlite,
                                      const absl::TimeZone& zone) {
  const std::string& path = options.path;
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Inspected{FileKind::kNew};
    return Refuse(absl::StrCat("cannot read ", path, ": ", ErrnoText()));
  }
  if (!S_ISREG(info.st_mode)) {
    return Refuse(absl::StrCat(path, " is not a regular file"));
  }
  struct stat wal;
  const bool has_wal =
      stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  if (info.st_size == 0 && !has_wal) return Inspected{FileKind::kNew};
  if (info.st_size > 0) {
    char header[16] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(header, sizeof(header));
    if (!in || std::memcmp(header, "SQLite format 3", 16) != 0) {
      return Refuse(absl::StrCat(
          path,
          " is not a hotline database (not an SQLite file, or its first "
          "page is damaged); start with a new file name or a hotline "
          "database"));
    }
  }
  const std::string damaged =
      absl::StrCat(path, " is damaged and cannot be served");
  const std::string restore =
      "; the file was left as it is: restore it from a backup";
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::OpenForInspection(path);
  if (!db.ok())
    return Refuse(
        absl::StrCat(damaged, " (", db.status().message(), ")", restore));
  auto failed = [&](const absl::Status& status) {
    if (status.code() == absl::StatusCode::kDataLoss) {
      return Refuse(
          absl::StrCat(damaged, " (", status.message(), ")", restore));
    }
    return Refuse(absl::StrCat("cannot read ", path, ": ", status.message()));
  };
  absl::StatusOr<int64_t> application_id =
      (*db)->QueryInt64("PRAGMA application_id");
  if (!application_id.ok()) return failed(application_id.status());
  absl::StatusOr<int64_t> version = (*db)->QueryInt64("PRAGMA user_version");
  if (!version.ok()) return failed(version.status());
  absl::StatusOr<std::vector<std::string>> tables = (*db)->QueryTexts(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
      "'sqlite_%' ORDER BY name");
  if (!tables.ok()) return failed(tables.status());
  auto has_table = [&](absl::string_view name) {
    return std::find(tables->begin(), tables->end(), name) != tables->end();
  };

  FileKind kind;
  if (*application_id == kApplicationId) {
    kind = FileKind::kMarked;
  } else if (*application_id == 0 && tables->empty() && *version == 0) {
    kind = FileKind::kNew;
  } else if (*application_id == 0 &&
             std::all_of(std::begin(kHotlineTables), std::end(kHotlineTables),
                         has_table)) {
    kind = FileKind::kUnmarked;
  } else {
    std::vector<std::string> some(
        tables->begin(), tables->begin() + std::min<size_t>(tables->size(), 3));
    return Refuse(absl::StrCat(
        path, " is not a hotline database (application_id 0x",
        absl::Hex(static_cast<uint32_t>(*application_id)), ", ", tables->size(),
        " table(s)", tables->empty() ? "" : ": ", absl::StrJoin(some, ", "),
        tables->size() > 3 ? ", ..." : "",
        "); start with a new file name or a hotline database"));
  }
  if (*version > LatestSchemaVersion()) {
    return Refuse(absl::StrCat(
        path, " has schema version ", *version, ", newer than this build's ",
        LatestSchemaVersion(), "; run a newer hotline-server"));
  }
  if (has_table("stat_meta")) {
    absl::StatusOr<std::vector<std::string>> recorded = (*db)->QueryTexts(
        "SELECT value FROM stat_meta WHERE key = 'time_zone'");
    if (!recorded.ok()) return failed(recorded.status());
    if (!recorded->empty() && recorded->front() != zone.name()) {
      return Refuse(absl::StrCat(
          "the statistics in ", path, " count days in ", recorded->front(),
          ", not ", zone.name(),
          "; start the server with --time_zone=", recorded->front()));
    }
  }
  Inspected inspected{kind};
  if (sqlite.check_integrity && kind != FileKind::kNew) {
    // The whole file while that is quick; else what a start reads (the
    // rest is checked in the background once serving).
    std::vector<std::string> parts = {""};
    if (info.st_size > sqlite.start_check_limit_bytes) {
      inspected.check_after_start = true;
      parts.clear();
      for (const char* table : kTablesReadAtStart) {
        if (has_table(table)) parts.push_back(table);
      }
    }
    for (const std::string& part : parts) {
      if (absl::Status sound = QuickCheck(**db, part); !sound.ok()) {
        return failed(sound);
      }
    }
  }
  return inspected;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const StoreOptions& options, const SqliteOptions& sqlite) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("no database path given");
  }
  ASSIGN_OR_RETURN(absl::TimeZone zone, LoadStoreTimeZone(options.time_zone));
  // Closes the lock (and whatever else was opened) when Open fails.
  std::unique_ptr<SqliteStore> store(new SqliteStore(zone, options.path));
  if (sqlite.lock) {
    ASSIGN_OR_RETURN(int fd, LockDatabase(options.path));
    store->lock_fd_ = fd;
    ASSIGN_OR_RETURN(int file_fd, LockDatabaseFile(options.path));
    store->file_lock_fd_ = file_fd;
  }
  // Every check passes before anything is written, journal mode included.
  ASSIGN_OR_RETURN(const Inspected inspected,
                   InspectFile(options, sqlite, zone));
  const FileKind kind = inspected.kind;

  // A new database holds callers' names and phones: born 0600 (SQLite
  // gives its -wal and -shm files the database file's mode).
  if (const int fd = open(options.path.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      fd >= 0) {
    close(fd);
  }
  if (sqlite.lock && store->file_lock_fd_ < 0) {
    ASSIGN_OR_RETURN(int file_fd, LockDatabaseFile(options.path));
    store->file_lock_fd_ = file_fd;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                   SqliteConnection::Open(options.path, /*read_only=*/false));
  // Debian's SQLite defaults differ from upstream's; say every pragma the
  // durability and speed of the service rest on.
  RETURN_IF_ERROR(
      writer->Execute(absl::StrCat("PRAGMA journal_mode = WAL;"
                                   "PRAGMA synchronous = ",
                                   sqlite.synchronous_full ? "FULL" : "NORMAL",
                                   ";"
                                   "PRAGMA wal_autocheckpoint = 1000;"
                                   "PRAGMA temp_store = MEMORY;"
                                   "PRAGMA cache_size = -65536;")));
  ASSIGN_OR_RETURN(std::vector<std::string> mode,
                   writer->QueryTexts("PRAGMA journal_mode"));
  if (mode.empty() || mode.front() != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        options.path, " cannot use write-ahead logging (journal_mode is ",
        mode.empty() ? "unknown" : mode.front(),
        "); put the database on a local file system"));
  }
  if (kind != FileKind::kMarked) {
    // Right before the first migration (an unmarked file: in a transaction
    // of its own). A crash in between leaves a marked empty file, which is
    // migrated on the next start.
    if (absl::Status s = writer->Execute(absl::StrCat(
            "BEGIN IMMEDIATE; PRAGMA application_id = ", kApplicationId,
            "; COMMIT;"));
        !s.ok()) {
      writer->Execute("ROLLBACK").IgnoreError();
      return s;
    }
  }
  RETURN_IF_ERROR(Migrate(*writer));
  RETURN_IF_ERROR(PrepareStatistics(*writer, zone));
  ASSIGN_OR_RETURN(std::optional<SeqVoid> restored, ApplyRestoreMark(*writer));
  if (restored.has_value()) {
    LogWarning(absl::StrCat(options.path, " is a restored backup taken at seq ",
                            restored->first - 1, ": new events start at seq ",
                            restored->last + 1,
                            "; a feed consumer that resumes after a seq "
                            "of the lost history (",
                            restored->first, "..", restored->last,
                            ") is refused and must resync; ticket and card "
                            "numbers skip ",
                            kRestoreNumberGap, " past the largest ones"));
  }

  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader,
                     SqliteConnection::Open(options.path, /*read_only=*/true));
    readers.push_back(std::move(reader));
  }
  // The counters start above every stored number and seq (and the floors
  // a restore set).
  RETURN_IF_ERROR(store->ResyncNumbers(*writer));
  ASSIGN_OR_RETURN(int64_t next_seq, NextEventSeq(*writer));
  store->Start(std::move(readers), std::move(writer), options.max_write_batch,
               next_seq);
  if (inspected.check_after_start) {
    // Found damage stops writes and turns health NOT_SERVING (Observe).
    SqliteStore* raw = store.get();
    store->integrity_check_ = std::make_unique<BackgroundIntegrityCheck>(
        options.path,
        [raw](const absl::Status& damage) { raw->Observe(damage); });
  }
  return store;
}

absl::Status SqliteStore::AwaitIntegrityCheck() {
  if (integrity_check_ == nullptr) return absl::OkStatus();
  return integrity_check_->Wait();
}

// ---- Writing change sets.

absl::StatusOr<int64_t> SqliteStore::ReserveNumbers(NumberKind kind,
                                                    int count) {
  if (count < 1) return absl::InvalidArgumentError("reserve at least one");
  absl::MutexLock lock(&numbers_mutex_);
  int64_t& next = next_number_[static_cast<int>(kind)];
  const int64_t first = next;
  next += count;
  return first;
}

void SqliteStore::Close() {
  // The writer closes last (SqlStore::Close): the last connection to close
  // checkpoints the write-ahead log into the database file and removes it,
  // which read-only connections cannot do.
  if (integrity_check_ != nullptr) integrity_check_->Stop();
  SqlStore::Close();
  // Then another server may have the file. The lock file goes first (a
  // refused start leaves nothing behind; see LockDatabase).
  if (file_lock_fd_ >= 0) {
    close(file_lock_fd_);
    file_lock_fd_ = -1;
  }
  if (lock_fd_ >= 0) {
    unlink((path_ + ".lock").c_str());
    close(lock_fd_);
    lock_fd_ = -1;
  }
}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Committed(const std::vector<v1::Event>& events) {
  if (commit_listener()) commit_listener()(events);
}

void SqliteStore::NumberTaken(Connection& db) {
  // Another process (the bootstrap command) took a number: move past it.
  ResyncNumbers(db).IgnoreError();
}

absl::Status SqliteStore::ResyncNumbers(Connection& db) {
  ASSIGN_OR_RETURN(int64_t ticket, NextTicketNumber(db));
  ASSIGN_OR_RETURN(int64_t card, NextCardNumber(db));
  ASSIGN_OR_RETURN(int64_t token, NextTokenNumber(db));
  absl::MutexLock lock(&numbers_mutex_);
  auto raise = [&](NumberKind kind, int64_t floor) {
    int64_t& next = next_number_[static_cast<int>(kind)];
    next = std::max(next, floor);
  };
  raise(NumberKind::kTicket, ticket);
  raise(NumberKind::kCard, card);
  raise(NumberKind::kToken, token);
  return absl::OkStatus();
}

absl::StatusOr<BackupFile> SqliteStore::WriteBackup(
    const std::string& directory, absl::Time now) {
  return storage::WriteBackup(*this, directory, now);
}

}  // namespace hotline::storage

namespace hotline::storage {

absl::StatusOr<std::unique_ptr<BlobWriter>> SqliteStore::NewBlob() {
  return blobs_.NewBlob();
}

absl::StatusOr<std::string> SqliteStore::ReadBlob(const std::string& sha256) {
  return blobs_.Read(sha256);
}

absl::StatusOr<int> SqliteStore::CollectBlobs(absl::Duration min_age) {
  return blobs_.Collect(min_age, [this](const std::string& sha256) {
    return Read<bool>(
        [&](Connection& db) { return BlobReferenced(db, sha256); });
  });
}

}  // namespace hotline::storage
