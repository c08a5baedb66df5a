// Moves what the text statistics log (stat_log, written by schema versions
// 4 to 18) holds into the compact one (stat_changes, migration 19;
// stat_change_codec.h) while the server serves: a batch of the oldest rows
// a write unit, each batch deleted from the one table and inserted into the
// other in the same transaction, so an as-of figure, which reads both,
// counts every change once at every moment. A kill or a stop between
// batches loses nothing: what is left in stat_log is what is left to move,
// and the next start goes on from there. Logs when it starts, every ten
// seconds while it runs (how far it is), and when it is done.
//
// Every batch is one write unit of the store's writer, queued like any
// other, so it waits its turn behind the service's own commits and holds
// the writer for one batch only (a few milliseconds). Two processes on one
// PostgreSQL database may both move: a batch that finds rows already moved
// is rolled back and read again. A batch whose commit fails for a while
// (UNAVAILABLE, RESOURCE_EXHAUSTED: a lost connection, a full disk) is
// tried again every second; a row that cannot be read stops the move
// (FAILED_PRECONDITION naming it, logged once; the row stays, and the
// store stays healthy).
//
//   ASSIGN_OR_RETURN(
//       std::unique_ptr<StatLogConversion> conversion,   // null: nothing to
//       move StatLogConversion::StartIfNeeded(
//           db, [&](WriteUnit unit) { return store.WriteAndWait(unit); },
//           "/var/lib/hotline/hotline.db"));
//   ...
//   conversion->Stop();   // between batches
//
// Thread-safe.
#ifndef HOTLINE_STORAGE_SQL_STAT_LOG_CONVERSION_H_
#define HOTLINE_STORAGE_SQL_STAT_LOG_CONVERSION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/sql/connection.h"
#include "storage/sql/writer.h"

namespace hotline::storage {

class StatLogConversion {
 public:
  // Rows a batch moves.
  static constexpr int kBatchRows = 2000;

  // Submits a unit to the store's writer and waits for it.
  using WriteAndWait = std::function<absl::Status(WriteUnit)>;

  // Starts moving when `db` (a connection the caller lends for this call
  // only) finds any row in stat_log; else null. `description` names the
  // database in log lines.
  static absl::StatusOr<std::unique_ptr<StatLogConversion>> StartIfNeeded(
      Connection& db, WriteAndWait write, std::string description);

  // Stop()s.
  ~StatLogConversion();
  StatLogConversion(const StatLogConversion&) = delete;
  StatLogConversion& operator=(const StatLogConversion&) = delete;

  // Stops after the batch in flight and waits for the thread. Idempotent.
  void Stop();
  // Blocks until every row is moved (OK), the conversion stopped first
  // (CANCELLED) or a batch failed (its error; the rows stay where they
  // are, to move at the next start). For tests and tools.
  absl::Status Wait();

 private:
  StatLogConversion(WriteAndWait write, std::string description,
                    int64_t first_id, int64_t last_id);
  void Run();

  const WriteAndWait write_;
  const std::string description_;
  const int64_t first_id_;
  const int64_t last_id_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<absl::Status> outcome_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_STAT_LOG_CONVERSION_H_
