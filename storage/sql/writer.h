// The single writer: one thread owns the database's only write connection
// and runs units of work in submission order. It commits in groups: all
// units waiting when a transaction starts share it (one fsync), each inside
// its own SAVEPOINT so a failing unit is rolled back alone.
//
//   writer.Submit(
//       [](Connection& db) { return InsertDepartment(db, "housing", d); },
//       [](absl::Status status) { /* runs once the group has committed */ });
//
// A unit's `done` runs after the commit (or failure) of its group, on the
// writer's completion thread (so that answering callers never delays the
// next group), in submission order; it should be short. A unit
// must touch the database only through the connection it is given.
//
// Thread-safe: Submit may be called from any thread.
#ifndef HOTLINE_STORAGE_SQL_WRITER_H_
#define HOTLINE_STORAGE_SQL_WRITER_H_

#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/sql/connection.h"
#include "storage/store.h"

namespace hotline::storage {

using WriteUnit = std::function<absl::Status(Connection&)>;
using WriteDone = std::function<void(absl::Status)>;

// What the owner of a writer does around each group, on the writer thread.
class GroupHooks {
 public:
  virtual ~GroupHooks() = default;
  // Before the group's first unit, in its transaction. An error fails the
  // whole group.
  virtual absl::Status BeginGroup(Connection& db) = 0;
  // After its units, before COMMIT, in the same transaction (e.g. to write
  // what the units accumulated). An error fails the whole group.
  virtual absl::Status BeforeCommit(Connection& db) = 0;
  // After the group committed (`committed`: at least one unit's writes are
  // durable) or failed as a whole, before the units' `done`s.
  virtual void EndGroup(Connection& db, bool committed) = 0;
};

class Writer final {
 public:
  // Takes the write connection; starts the thread. `max_batch` caps how many
  // units share one transaction.
  Writer(std::unique_ptr<Connection> connection, int max_batch);
  // Stop()s.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues the unit. `done` receives OK once the unit's writes are durable,
  // the unit's own error (its writes undone), RESOURCE_EXHAUSTED when the
  // disk is full (IsDiskFull), DATA_LOSS when the file is damaged, or
  // UNAVAILABLE when the writer has stopped or the commit failed otherwise.
  void Submit(WriteUnit unit, WriteDone done);

  // Runs every unit already queued, then stops the thread and closes the
  // connection. Later Submits fail with UNAVAILABLE. Idempotent.
  void Stop();

  // Called on the writer thread after every group that committed at least
  // one unit, before the units' `done`s. Must be short (e.g. wake a thread).
  // Set once, before the first Submit.
  void SetCommitListener(std::function<void()> listener);

  // Called on the writer thread after every group with what it says about
  // the database: DATA_LOSS when a unit or the transaction found the file
  // damaged, a disk-full status (IsDiskFull) when it could not grow, else OK
  // when at least one unit committed (a group whose units all failed for
  // their own reasons says nothing). Must be short. Set once, before the
  // first Submit.
  void SetOutcomeObserver(std::function<void(const absl::Status&)> observer);

  // Called on the writer thread after every group, with what it took,
  // before the units' `done`s. Must be short. May be set at any time (it
  // applies from the next group).
  void SetGroupObserver(std::function<void(const CommitGroupStats&)> observer);

  // Set once, before the first Submit; must outlive the writer's thread.
  void SetGroupHooks(GroupHooks* hooks) { hooks_ = hooks; }

  // Units queued and not yet taken into a group.
  int QueueDepth() const;

 private:
  struct Pending {
    WriteUnit unit;
    WriteDone done;
  };

  void Run();
  // Runs the `done`s handed over by RunGroup, in order.
  void RunCompletions();
  // Hands a group's outcomes to the completion thread.
  void Complete(std::vector<std::pair<WriteDone, absl::Status>> outcomes);
  void RunGroup(std::deque<Pending>& group,
                const std::function<void(const CommitGroupStats&)>& observer);

  const int max_batch_;

  mutable absl::Mutex mutex_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mutex_);
  std::function<void(const CommitGroupStats&)> group_observer_
      ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;

  // Used only by the writer thread (and by Stop after joining it).
  std::unique_ptr<Connection> connection_;
  std::function<void()> commit_listener_;
  GroupHooks* hooks_ = nullptr;
  std::function<void(const absl::Status&)> outcome_observer_;
  // Before the threads, which use them from their first moment.
  absl::Mutex completion_mutex_;
  std::deque<std::pair<WriteDone, absl::Status>> completions_
      ABSL_GUARDED_BY(completion_mutex_);
  bool completions_stopping_ ABSL_GUARDED_BY(completion_mutex_) = false;

  std::thread thread_;
  std::thread completion_thread_;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_WRITER_H_
