// The PostgreSQL store: any number of hotline-server processes share one
// PostgreSQL database (15 or later), each with its own writer thread and
// read connections (sql_store.h).
//
//   StoreOptions options;
//   options.path = "postgresql://hotline@db1/hotline";
//   ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
//                    PostgresStore::Open(options));
//
// How several processes keep the Store contract (store.h):
// - A change set's preconditions are checked in its transaction: an UPDATE
//   of a ticket names the version it replaces and waits for a concurrent
//   writer of that row, so two steps on one ticket stay serialised by its
//   version (the loser is a conflict, ABORTED, and is planned again).
// - Event seqs: every write transaction, once its change sets are written,
//   locks the one row of feed_head (SELECT ... FOR UPDATE), takes its seqs
//   from there, writes its events and sums and the last seq back, and
//   commits. The lock is held until the commit is visible, so transactions
//   that give seqs commit in seq order and the committed seqs are always
//   1..N with no hole: a reader that saw N never later finds a new event
//   below N, on any server. (Only that tail of each commit group is
//   serialised across processes; each process still puts up to
//   max_write_batch change sets in one transaction.)
// - Commit listener: one follower thread per process reads the events
//   table after the last seq it handed on (woken by this process's commits,
//   and every 50 ms for the other processes') and calls the listener with
//   every committed event, whichever process committed it, in seq order.
// - Numbers come from number_counters, one short transaction a
//   reservation (not waiting for the disk: see ReserveNumbers): unique and
//   increasing across processes.
// - Statistics sums are upserts that add (x = x + excluded.x) inside the
//   write transaction: exact under any number of writers.
// - Leadership (HoldLeadership) is a session advisory lock (kLeaderLockKey)
//   on a connection of its own: PostgreSQL lets go of it when that session
//   ends, so a leader killed -9 is replaced at the next look of another
//   process.
// - Start (migration, statistics preparation) runs under another advisory
//   lock, so servers starting together migrate once.
//
// WriteBackup is refused: a PostgreSQL database is backed up with
// PostgreSQL's tools (pg_dump, pg_basebackup; see docs/operations.md).
//
// Thread-safe: every method may be called from any thread.
#ifndef HOTLINE_STORAGE_POSTGRES_POSTGRES_STORE_H_
#define HOTLINE_STORAGE_POSTGRES_POSTGRES_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/postgres/postgres.h"
#include "storage/sql/sql_store.h"
#include "storage/store.h"

namespace hotline::storage {

class PostgresStore final : public SqlStore {
 public:
  // options.path is the connection URI (PostgreSQL's synchronous_commit and
  // its own checks govern durability and integrity).
  static absl::StatusOr<std::unique_ptr<PostgresStore>> Open(
      const StoreOptions& options);
  // Close()s.
  ~PostgresStore() override;

  absl::StatusOr<int64_t> ReserveNumbers(NumberKind kind, int count) override;
  // Starts the follower thread.
  void SetCommitListener(
      std::function<void(const std::vector<v1::Event>&)> listener) override;
  absl::StatusOr<bool> HoldLeadership() override;
  bool Shared() const override { return true; }
  // FAILED_PRECONDITION: back up with pg_dump or pg_basebackup.
  absl::StatusOr<BackupFile> WriteBackup(const std::string& directory,
                                         absl::Time now) override;
  // Stops the follower, then SqlStore::Close; lets go of the leadership.
  void Close() override;
  // Blobs are rows of attachment_blobs, each written whole by Finish in a
  // transaction of its own (a writer holds its bytes in memory meanwhile:
  // the server's per-file limit bounds them). A writer must not outlive
  // the store.
  absl::StatusOr<std::unique_ptr<BlobWriter>> NewBlob() override;
  absl::StatusOr<std::string> ReadBlob(const std::string& sha256) override;
  absl::StatusOr<int> CollectBlobs(absl::Duration min_age) override;

 private:
  PostgresStore(absl::TimeZone zone, const std::string& uri)
      : SqlStore(zone, RedactUri(uri)), uri_(uri) {}

  // SqlStore.
  absl::StatusOr<int64_t> FirstSeqOfGroup(Connection& db,
                                          int64_t next_in_memory) override;
  absl::Status SeqsOfGroupTaken(Connection& db, int64_t first,
                                int64_t next) override;
  void Committed(const std::vector<v1::Event>& events) override;
  void NumberTaken(Connection& db) override;

  // The follower thread: hands every committed event to the listener.
  void Follow();

  const std::string uri_;
  // The last seq committed when the store opened: the follower hands on
  // what comes after it.
  int64_t opened_at_seq_ = 0;

  absl::Mutex follow_mutex_;
  bool follow_wake_ ABSL_GUARDED_BY(follow_mutex_) = false;
  bool follow_stop_ ABSL_GUARDED_BY(follow_mutex_) = false;
  std::unique_ptr<PgConnection> follower_db_;
  std::thread follower_;

  absl::Mutex leader_mutex_;
  std::unique_ptr<PgConnection> leader_db_ ABSL_GUARDED_BY(leader_mutex_);
  // The session of leader_db_ holds kLeaderLockKey; valid while its
  // connection is the one that took it (leader_generation_).
  bool leading_ ABSL_GUARDED_BY(leader_mutex_) = false;
  int64_t leader_generation_ ABSL_GUARDED_BY(leader_mutex_) = 0;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_POSTGRES_POSTGRES_STORE_H_
