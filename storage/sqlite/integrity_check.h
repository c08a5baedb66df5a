// Checking a hotline SQLite file's b-trees with PRAGMA quick_check: the
// whole file at once, or table by table (a table's b-tree and its indexes').
//
// A start must not read the whole file (issue 27: a start takes the same
// time at any size), so SqliteStore::Open checks the whole file only when
// it is small (SqliteOptions::start_check_limit_bytes); a larger one has
// the tables every start reads checked before it is served
// (kTablesReadAtStart), and the rest by a BackgroundIntegrityCheck right
// after the start. Damage found there turns the store's health kDamaged:
// health NOT_SERVING, every write refused with DATA_LOSS.
#ifndef HOTLINE_STORAGE_SQLITE_INTEGRITY_CHECK_H_
#define HOTLINE_STORAGE_SQLITE_INTEGRITY_CHECK_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

class SqliteConnection;

// The small tables every start reads (settings, the statistics' time zone,
// departments, policies, tokens): checked before a large file is served.
extern const char* const kTablesReadAtStart[5];

// PRAGMA quick_check of `table` and its indexes, or of the whole file when
// `table` is empty: OK when sound; DATA_LOSS saying how many problems
// ("20 or more") and the first one, when not; the error of the read when it
// could not be done (CANCELLED when interrupted). `table` must be one of
// the file's tables (a plain identifier).
absl::Status QuickCheck(Connection& db, const std::string& table);

// The file's tables, by name (sqlite_schema).
absl::StatusOr<std::vector<std::string>> TablesOf(Connection& db);

// A thread that checks every table of a file, one after the other, on a
// read-only connection of its own (in WAL mode it never blocks a write; a
// write-ahead log cannot be reset while one table's check reads, so it may
// grow meanwhile). Logs when it begins and how it ended.
//
// Thread-safe.
class BackgroundIntegrityCheck {
 public:
  // Starts checking `path`. `on_damage` is called once, on the check's
  // thread, with the DATA_LOSS of the first damaged table (then the check
  // ends); it must be short.
  BackgroundIntegrityCheck(std::string path,
                           std::function<void(const absl::Status&)> on_damage);
  // Stop()s.
  ~BackgroundIntegrityCheck();
  BackgroundIntegrityCheck(const BackgroundIntegrityCheck&) = delete;
  BackgroundIntegrityCheck& operator=(const BackgroundIntegrityCheck&) = delete;

  // Interrupts the table being checked and waits for the thread.
  // Idempotent.
  void Stop();
  // Blocks until the check has ended; returns how: OK (every table sound),
  // the DATA_LOSS it found, CANCELLED (stopped first), or the error that
  // kept it from reading.
  absl::Status Wait();

 private:
  void Run();

  const std::string path_;
  const std::function<void(const absl::Status&)> on_damage_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // The connection the check reads on while open (to interrupt it).
  SqliteConnection* reading_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::optional<absl::Status> outcome_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_INTEGRITY_CHECK_H_
