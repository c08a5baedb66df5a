// The SQLite store: one file in WAL mode, written only by a single writer
// thread (storage/sql/sql_store.h, writer.h) that commits change sets in
// groups (one fsync a group), and read on a pool of read-only connections
// that never wait for the writer.
//
//   StoreOptions options;
//   options.path = "/var/lib/hotline/hotline.db";
//   ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
//                    SqliteStore::Open(options));
//
// Open creates the file if needed and applies the migrations, but first
// checks the file without changing a byte of it: it must be new (missing or
// empty), or a hotline database (PRAGMA application_id kApplicationId, or an
// unmarked file with hotline's tables from before the mark) of a schema
// version this build knows, counting days in the same time zone, that
// passes PRAGMA quick_check (SqliteOptions::check_integrity: the whole file
// when small, else the tables a start reads, and the rest in the background
// once open). Anything else is refused with one line naming the file and
// what to do. With synchronous=FULL
// (SqliteOptions, the default) a commit whose `done` reported OK survives a
// crash or power loss.
//
// Numbers are reserved from counters kept in memory, read from the file at
// open (above every stored number and the floors a restore set,
// restored_history.h). Only one server writes a file (SqliteOptions::lock);
// a bootstrap command writing beside it may take a number first: the
// commit then fails as a conflict, the counter moves past the stored
// numbers and the caller's retry takes a fresh one.
//
// Thread-safe: every method may be called from any thread.
#ifndef HOTLINE_STORAGE_SQLITE_SQLITE_STORE_H_
#define HOTLINE_STORAGE_SQLITE_SQLITE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/sql/sql_store.h"
#include "storage/sqlite/blob_directory.h"
#include "storage/sqlite/integrity_check.h"
#include "storage/sqlite/sqlite.h"
#include "storage/sqlite/sqlite_options.h"
#include "storage/store.h"

namespace hotline::storage {

class SqliteStore final : public SqlStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const StoreOptions& options,
      const SqliteOptions& sqlite = SqliteOptions());
  // Close()s.
  ~SqliteStore() override;

  absl::StatusOr<int64_t> ReserveNumbers(NumberKind kind, int count) override;
  // Always true: one process has the file (SqliteOptions::lock).
  // One server per file (SqliteOptions::lock): it always leads.
  absl::StatusOr<bool> HoldLeadership() override { return true; }
  bool Shared() const override { return false; }
  absl::StatusOr<BackupFile> WriteBackup(const std::string& directory,
                                         absl::Time now) override;
  // Blobs are files in BlobDirectoryOf(path) (blob_directory.h).
  absl::StatusOr<std::unique_ptr<BlobWriter>> NewBlob() override;
  absl::StatusOr<std::string> ReadBlob(const std::string& sha256) override;
  absl::StatusOr<int> CollectBlobs(absl::Duration min_age) override;
  // As SqlStore::Close; the write connection, closing last, checkpoints and
  // removes the write-ahead log when no read is in flight; then the lock
  // file goes.
  void Close() override;

  const std::string& path() const { return path_; }
  // Blocks until the background integrity check (when the file was too
  // large to check whole at start) has ended; returns how: OK when every
  // table was sound or none was needed, the DATA_LOSS it found (health is
  // then kDamaged), or CANCELLED when the store closed first. For tests
  // and tools.
  absl::Status AwaitIntegrityCheck();

 private:
  SqliteStore(absl::TimeZone zone, const std::string& path)
      : SqlStore(zone, path), path_(path), blobs_(BlobDirectoryOf(path)) {}

  // Moves the counter of `kind` past every stored number (after a
  // conflict: another process took one).
  absl::Status ResyncNumbers(Connection& db);

  // SqlStore: seqs come from memory (one process writes the file).
  absl::StatusOr<int64_t> FirstSeqOfGroup(Connection& /*db*/,
                                          int64_t next_in_memory) override {
    return next_in_memory;
  }
  absl::Status SeqsOfGroupTaken(Connection& /*db*/, int64_t /*first*/,
                                int64_t /*next*/) override {
    return absl::OkStatus();
  }
  void Committed(const std::vector<v1::Event>& events) override;
  void NumberTaken(Connection& db) override;

  const std::string path_;
  const BlobDirectory blobs_;
  // The lock file's descriptor while `lock` holds it, else -1.
  int lock_fd_ = -1;
  // The flock on the database file itself (LockDatabaseFile), or -1.
  int file_lock_fd_ = -1;

  // Checks the tables the start did not, while open (or null).
  std::unique_ptr<BackgroundIntegrityCheck> integrity_check_;

  absl::Mutex numbers_mutex_;
  // The next number of each NumberKind to hand out.
  int64_t next_number_[3] ABSL_GUARDED_BY(numbers_mutex_) = {1, 1, 1};
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_SQLITE_STORE_H_
