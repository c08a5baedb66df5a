// The store: one SQLite file in WAL mode, written only by a single writer
// thread (writer.h) and read on a pool of read-only connections that never
// wait for the writer.
//
//   StoreOptions options;
//   options.path = "/var/lib/hotline/hotline.db";
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(options));
//   store->Write(unit, done);                        // asynchronous
//   absl::Status s = store->WriteAndWait(unit);      // blocking
//   absl::StatusOr<std::optional<v1::Ticket>> t =
//       store->Read<std::optional<v1::Ticket>>(
//           [&](Connection& db) { return LoadTicket(db, 42); });
//
// Open creates the file if needed and applies the migrations, but first
// checks the file without changing a byte of it: it must be new (missing or
// empty), or a hotline database (PRAGMA application_id kApplicationId, or an
// unmarked file with hotline's tables from before the mark) of a schema
// version this build knows, counting days in the same time zone, that
// passes PRAGMA quick_check. Anything else is refused with one line naming
// the file and what to do. With synchronous=FULL (the default) a write whose
// `done` reported OK survives a crash or power loss.
//
// While the store runs, health() says whether the database can serve: a
// damaged file (DATA_LOSS from any read or write) stays kDamaged until a
// restart; a full disk is kDiskFull until the next write commits.
//
// Thread-safe: every method may be called from any thread.
#ifndef HOTLINE_STORAGE_STORE_H_
#define HOTLINE_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite.h"
#include "storage/writer.h"

namespace hotline::storage {

// PRAGMA application_id of a hotline database: "HOTL".
inline constexpr int32_t kApplicationId = 0x484F544C;

struct StoreOptions {
  // The database file; created when missing.
  std::string path;
  // synchronous=FULL: every commit is fsynced. NORMAL trades the last
  // commits before a power loss (not a process crash) for speed.
  bool synchronous_full = true;
  // Read connections; readers beyond this many wait for one.
  int read_connections = 4;
  // At most this many write units share one transaction.
  int max_write_batch = 128;
  // The bureau's IANA time zone: statistics count calendar days in it. A
  // database keeps the zone it was first opened with.
  std::string time_zone = "Asia/Shanghai";
  // Hold an exclusive lock on "<path>.lock" (which holds this process's id)
  // while open, so that a second store with `lock` on the same file is
  // refused, naming the holder. The kernel releases it when the process
  // ends, however it ends. The server sets it; the bootstrap command does not
  // (it may run beside a running server).
  bool lock = false;
  // Run PRAGMA quick_check before opening (reads the whole file once).
  bool check_integrity = true;
};

enum class StoreHealth {
  kHealthy,
  // The last write could not be saved because the disk is full.
  kDiskFull,
  // SQLite found the file damaged (SQLITE_CORRUPT, SQLITE_NOTADB).
  kDamaged,
};

class Store final {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const StoreOptions& options);
  // Close()s.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Queues a unit of work for the writer; see Writer::Submit.
  void Write(WriteUnit unit, WriteDone done);
  // See Writer::SetCommitListener. Set once, before the first write.
  void SetCommitListener(std::function<void()> listener) {
    writer_->SetCommitListener(std::move(listener));
  }

  // See Writer::SetGroupObserver and Writer::QueueDepth.
  void SetCommitGroupObserver(
      std::function<void(const CommitGroupStats&)> observer) {
    writer_->SetGroupObserver(std::move(observer));
  }
  int WriteQueueDepth() const { return writer_->QueueDepth(); }

  // Whether the database can serve (see the file comment).
  StoreHealth health() const;
  // Called at once with health(), then with every change of it, under the
  // store's health lock (so calls arrive in order); must be short and must
  // not call the store. Set once, after Open.
  void SetHealthListener(std::function<void(StoreHealth)> listener);

  // Write, and wait for `done`.
  absl::Status WriteAndWait(WriteUnit unit);

  // Runs `read` on a read connection, waiting while all are in use.
  template <typename T>
  absl::StatusOr<T> Read(
      const std::function<absl::StatusOr<T>(Connection&)>& read) {
    Lease lease(this);
    if (lease.connection == nullptr) {
      return absl::UnavailableError("the store is closed");
    }
    absl::StatusOr<T> result = read(*lease.connection);
    if (result.status().code() == absl::StatusCode::kDataLoss) {
      Observe(result.status());
    }
    return result;
  }

  // Closes every idle read connection, finishes queued writes and closes
  // the write connection, which checkpoints and removes the write-ahead log
  // when no read is in flight. Later reads and writes fail with UNAVAILABLE.
  // Idempotent.
  void Close();

 private:
  // A read connection borrowed from the pool for one scope; `connection` is
  // null once the store is closed.
  struct Lease {
    explicit Lease(Store* store);
    ~Lease();
    Store* store;
    std::unique_ptr<Connection> connection;
  };

  Store() = default;

  // Moves health() as a read or a write group found (see
  // Writer::SetOutcomeObserver); logs each change.
  void Observe(const absl::Status& status);

  std::string path_;
  // The lock file's descriptor while `lock` holds it, else -1.
  int lock_fd_ = -1;
  mutable absl::Mutex health_mutex_;
  StoreHealth health_ ABSL_GUARDED_BY(health_mutex_) = StoreHealth::kHealthy;
  std::function<void(StoreHealth)> health_listener_
      ABSL_GUARDED_BY(health_mutex_);

  std::unique_ptr<Writer> writer_;
  absl::Mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_
      ABSL_GUARDED_BY(pool_mutex_);
  bool closed_ ABSL_GUARDED_BY(pool_mutex_) = false;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_STORE_H_
