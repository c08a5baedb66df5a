// The SQLite store: one file in WAL mode, written only by a single writer
// thread (writer.h) that commits change sets in groups (one fsync a group,
// each change set in its own SAVEPOINT, the group's statistics changes
// merged and written once), and read on a pool of read-only connections
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
// passes PRAGMA quick_check. Anything else is refused with one line naming
// the file and what to do. With synchronous=FULL (the default) a commit
// whose `done` reported OK survives a crash or power loss.
//
// Numbers are reserved from counters kept in memory, read from the file at
// open (above every stored number and the floors a restore set,
// restored_history.h). Only one server writes a file (StoreOptions::lock);
// a bootstrap command writing beside it may take a number first: the
// commit then fails as a conflict, the counter moves past the stored
// numbers and the caller's retry takes a fresh one.
//
// Beyond the Store interface, Read and Write give storage's own code and its
// tests the connection itself.
//
// Thread-safe: every method may be called from any thread.
#ifndef HOTLINE_STORAGE_SQLITE_STORE_H_
#define HOTLINE_STORAGE_SQLITE_STORE_H_

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
#include "storage/sqlite.h"
#include "storage/stat_rollup.h"
#include "storage/store.h"
#include "storage/writer.h"

namespace hotline::storage {

class SqliteStore final : public Store, private GroupHooks {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const StoreOptions& options);
  // Close()s.
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // ---- Store.
  void Commit(ChangeSet changes,
              std::function<void(absl::Status)> done) override;
  absl::StatusOr<int64_t> ReserveNumbers(NumberKind kind, int count) override;
  void SetCommitListener(
      std::function<void(const std::vector<v1::Event>&)> listener) override;
  void SetCommitGroupObserver(
      std::function<void(const CommitGroupStats&)> observer) override {
    writer_->SetGroupObserver(std::move(observer));
  }
  int WriteQueueDepth() const override { return writer_->QueueDepth(); }
  StoreHealth health() const override;
  void SetHealthListener(std::function<void(StoreHealth)> listener) override;

  absl::StatusOr<std::optional<v1::Ticket>> LoadTicket(int64_t id) override;
  absl::StatusOr<std::optional<v1::Ticket>> LoadTicketBySourceId(
      const std::string& source_id) override;
  absl::StatusOr<std::optional<int64_t>> FindCreateRequest(
      const std::string& principal, const std::string& request_id) override;
  absl::StatusOr<std::vector<v1::Ticket>> QueryTickets(
      const TicketQuery& query) override;
  absl::StatusOr<std::vector<v1::Event>> QueryTicketEvents(int64_t ticket_id,
                                                           int64_t after_seq,
                                                           int limit) override;
  absl::StatusOr<std::vector<v1::Event>> QueryEventFeed(
      const EventFeedQuery& query) override;
  absl::StatusOr<int64_t> LatestSeq() override;
  absl::StatusOr<int64_t> LatestEventTimeMicros() override;
  absl::StatusOr<std::optional<SeqVoid>> SeqVoidContaining(
      int64_t seq) override;
  absl::StatusOr<std::vector<int64_t>> QueryDueTicketIds(int64_t now_micros,
                                                         int limit) override;
  absl::StatusOr<std::optional<int64_t>> EarliestDueMicros() override;
  absl::StatusOr<std::optional<v1::Card>> LoadCard(int64_t id) override;
  absl::StatusOr<std::vector<v1::Card>> QueryCards(
      const CardQuery& query) override;
  absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
  QueryDailyReports(const DailyReportQuery& query) override;
  absl::StatusOr<ComplianceCounts> QueryCompliance(
      const std::string& department, const std::string& from_date,
      const std::string& to_date, int max_misses) override;
  absl::StatusOr<std::vector<StatSums>> SumStats(
      const std::vector<StatSumQuery>& queries) override;
  absl::StatusOr<OperationalCounts> QueryOperationalCounts() override;
  absl::StatusOr<std::optional<v1::Department>> LoadDepartment(
      const std::string& id) override;
  absl::StatusOr<std::vector<v1::Department>> QueryDepartments(
      const std::string& after_id, int limit) override;
  absl::StatusOr<std::optional<TokenRecord>> LoadTokenBySecretHash(
      const std::string& secret_hash) override;
  absl::StatusOr<std::optional<TokenRecord>> LoadTokenByCertificateIdentity(
      const std::string& identity) override;
  absl::StatusOr<std::optional<TokenRecord>> LoadTokenRecord(
      int64_t id) override;
  absl::StatusOr<std::optional<v1::Token>> LoadToken(int64_t id) override;
  absl::StatusOr<std::vector<v1::Token>> QueryTokens(int64_t after_id,
                                                     int limit) override;
  absl::StatusOr<std::vector<v1::Policy>> LoadPolicies() override;
  absl::StatusOr<std::optional<std::string>> LoadSetting(
      const std::string& key) override;
  absl::StatusOr<std::optional<RequestOutcome>> FindRequestOutcome(
      const std::string& key) override;
  absl::StatusOr<BackupFile> WriteBackup(const std::string& directory,
                                         absl::Time now) override;
  // Closes every idle read connection, finishes queued writes and closes
  // the write connection, which checkpoints and removes the write-ahead log
  // when no read is in flight. Later reads and writes fail with UNAVAILABLE.
  // Idempotent.
  void Close() override;

  // ---- Storage's own access to the database.

  const std::string& path() const { return path_; }

  // Queues a unit of work for the writer; see Writer::Submit.
  void Write(WriteUnit unit, WriteDone done);
  // Write, and wait for `done`.
  absl::Status WriteAndWait(WriteUnit unit);

  // Runs `read` on a read connection, waiting while all are in use.
  template <typename T>
  absl::StatusOr<T> Read(
      const std::function<absl::StatusOr<T>(Connection&)>& read) {
    Lease lease(this);
    if (lease.would_block) return WouldBlockError();
    if (lease.connection == nullptr) {
      return absl::UnavailableError("the store is closed");
    }
    absl::StatusOr<T> result = read(*lease.connection);
    if (result.status().code() == absl::StatusCode::kDataLoss) {
      Observe(result.status());
    }
    return result;
  }

 private:
  // A read connection borrowed from the pool for one scope; `connection` is
  // null once the store is closed, or when none was free under
  // NonBlockingReads (`would_block`).
  struct Lease {
    explicit Lease(SqliteStore* store);
    ~Lease();
    SqliteStore* store;
    std::unique_ptr<Connection> connection;
    bool would_block = false;
  };

  explicit SqliteStore(absl::TimeZone zone) : stats_(zone) {}

  // Moves health() as a read or a write group found (see
  // Writer::SetOutcomeObserver); logs each change.
  void Observe(const absl::Status& status);

  // Writes one change set inside the writer's transaction (a unit).
  absl::Status Apply(Connection& db, ChangeSet& changes);
  // Moves the counter of `kind` past every stored number (after a
  // conflict: another process took one).
  absl::Status ResyncNumbers(Connection& db);

  // GroupHooks, on the writer thread.
  void BeginGroup() override;
  absl::Status BeforeCommit(Connection& db) override;
  void EndGroup(Connection& db, bool committed) override;

  std::string path_;
  // The lock file's descriptor while `lock` holds it, else -1.
  int lock_fd_ = -1;
  mutable absl::Mutex health_mutex_;
  StoreHealth health_ ABSL_GUARDED_BY(health_mutex_) = StoreHealth::kHealthy;
  std::function<void(StoreHealth)> health_listener_
      ABSL_GUARDED_BY(health_mutex_);

  absl::Mutex numbers_mutex_;
  // The next number of each NumberKind to hand out.
  int64_t next_number_[3] ABSL_GUARDED_BY(numbers_mutex_) = {1, 1, 1};

  // The writer thread's own state for the group being written.
  int64_t next_seq_ = 1;
  int64_t group_start_seq_ = 1;
  StatBatch stats_;
  std::vector<v1::Event> group_events_;
  bool resync_numbers_ = false;
  std::function<void(const std::vector<v1::Event>&)> commit_listener_;

  std::unique_ptr<Writer> writer_;
  absl::Mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_
      ABSL_GUARDED_BY(pool_mutex_);
  bool closed_ ABSL_GUARDED_BY(pool_mutex_) = false;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_STORE_H_
