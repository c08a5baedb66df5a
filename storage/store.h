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
// Open creates the file if needed and applies the migrations. With
// synchronous=FULL (the default) a write whose `done` reported OK survives a
// crash or power loss.
//
// Thread-safe: every method may be called from any thread.
#ifndef HOTLINE_STORAGE_STORE_H_
#define HOTLINE_STORAGE_STORE_H_

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
    return read(*lease.connection);
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

  std::unique_ptr<Writer> writer_;
  absl::Mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_
      ABSL_GUARDED_BY(pool_mutex_);
  bool closed_ ABSL_GUARDED_BY(pool_mutex_) = false;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_STORE_H_
