// What the SQL stores share (the SQLite store, storage/sqlite/sqlite_store.h,
// and the PostgreSQL store, storage/postgres/postgres_store.h): change sets
// written by a single writer thread per process (writer.h) in groups (one
// transaction a group, each change set in its own SAVEPOINT, the group's
// statistics changes merged and written once); reads on a pool of connections;
// health.
//
// Event seqs are given on the writer thread from what FirstSeqOfGroup says,
// in the group's transaction, after its change sets: the group's events
// are written last, then its sums, then COMMIT. An engine shared by several
// processes serialises that last part with the commit (PostgresStore).
// Everything else an engine does differently is a virtual method below.
//
// Beyond the Store interface, Read and Write give storage's own code and its
// tests the connection itself.
//
// Thread-safe: every method may be called from any thread.
#ifndef HOTLINE_STORAGE_SQL_SQL_STORE_H_
#define HOTLINE_STORAGE_SQL_SQL_STORE_H_

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
#include "storage/sql/connection.h"
#include "storage/sql/receipt_hours.h"
#include "storage/sql/stat_log_conversion.h"
#include "storage/sql/stat_rollup.h"
#include "storage/sql/writer.h"
#include "storage/store.h"

namespace hotline::storage {

class SqlStore : public Store, private GroupHooks {
 public:
  // Close()s.
  ~SqlStore() override;
  SqlStore(const SqlStore&) = delete;
  SqlStore& operator=(const SqlStore&) = delete;

  // ---- Store.
  void Commit(ChangeSet changes,
              std::function<void(absl::Status)> done) override;
  // Set once, before the first commit.
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
  absl::StatusOr<std::vector<v1::Notice>> QueryNotices(
      const NoticeQuery& query) override;
  absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
  QueryDailyReports(const DailyReportQuery& query) override;
  absl::StatusOr<ComplianceCounts> QueryCompliance(
      const std::string& department, const std::string& from_date,
      const std::string& to_date, int max_misses) override;
  absl::StatusOr<std::vector<StatSums>> SumStats(
      const std::vector<StatSumQuery>& queries) override;
  absl::StatusOr<int64_t> SumAttachmentBytes(const std::string& added_by,
                                             int64_t from_micros,
                                             int64_t to_micros) override;
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
  // Closes every idle read connection, then finishes queued writes and
  // closes the write connection. Later reads and writes fail with
  // UNAVAILABLE. Idempotent.
  void Close() override;

  // ---- Storage's own access to the database.

  // Queues a unit of work for the writer; see Writer::Submit.
  void Write(WriteUnit unit, WriteDone done);
  // Write, and wait for `done`.
  absl::Status WriteAndWait(WriteUnit unit);

  // Blocks until the statistics log of an older schema has moved to its
  // compact form behind the start (stat_log_conversion.h): OK when it is
  // (or nothing was to move), CANCELLED when the store closed first, or
  // the error that stopped it. For tests and tools.
  absl::Status AwaitStatLogConversion();

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

 protected:
  // `description` names the database in log lines ("/var/lib/hotline.db").
  SqlStore(absl::TimeZone zone, std::string description)
      : description_(std::move(description)), stats_(zone) {}

  // Completes an Open: takes the read connections and the write connection
  // (migrated, its statistics prepared) and starts the writer; events get
  // seqs from `next_seq` on. Starts moving the text statistics log, when
  // the database has one, behind the start (stat_log_conversion.h).
  void Start(std::vector<std::unique_ptr<Connection>> readers,
             std::unique_ptr<Connection> writer, int max_write_batch,
             int64_t next_seq);

  // ---- What an engine does differently, on the writer thread.

  // The first seq of the group's events, inside its transaction, once its
  // change sets are written; `next_in_memory` is the one after the last
  // committed seq as this process knows it.
  virtual absl::StatusOr<int64_t> FirstSeqOfGroup(Connection& db,
                                                  int64_t next_in_memory) = 0;
  // Before the group's COMMIT, when it gave seqs first..next-1.
  virtual absl::Status SeqsOfGroupTaken(Connection& db, int64_t first,
                                        int64_t next) = 0;
  // After a committed group, with its events (seq set, in seq order).
  virtual void Committed(const std::vector<v1::Event>& events) = 0;
  // After a group in which a change set's new number (ticket, card, token)
  // was taken already: another process took it.
  virtual void NumberTaken(Connection& db) = 0;

  // The listener SetCommitListener gave, or empty.
  const std::function<void(const std::vector<v1::Event>&)>& commit_listener()
      const {
    return commit_listener_;
  }
  const std::string& description() const { return description_; }

  // Moves health() as a read or a write group found (see
  // Writer::SetOutcomeObserver), or an engine's own check; logs each
  // change. DATA_LOSS makes it kDamaged for good: every later write is
  // refused with DATA_LOSS.
  void Observe(const absl::Status& status);

 private:
  // DATA_LOSS naming the damage once health() is kDamaged, else OK.
  absl::Status RefuseWhenDamaged() const;

  // A read connection borrowed from the pool for one scope; `connection` is
  // null once the store is closed, or when none was free under
  // NonBlockingReads (`would_block`).
  struct Lease {
    explicit Lease(SqlStore* store);
    ~Lease();
    SqlStore* store;
    std::unique_ptr<Connection> connection;
    bool would_block = false;
  };

  // Writes one change set inside the writer's transaction (a unit).
  absl::Status Apply(Connection& db, ChangeSet& changes);

  // GroupHooks, on the writer thread.
  absl::Status BeginGroup(Connection& db) override;
  absl::Status BeforeCommit(Connection& db) override;
  void EndGroup(Connection& db, bool committed) override;

  const std::string description_;
  mutable absl::Mutex health_mutex_;
  StoreHealth health_ ABSL_GUARDED_BY(health_mutex_) = StoreHealth::kHealthy;
  // What made it kDamaged.
  std::string damage_ ABSL_GUARDED_BY(health_mutex_);
  std::function<void(StoreHealth)> health_listener_
      ABSL_GUARDED_BY(health_mutex_);

  // The writer thread's own state for the group being written.
  int64_t next_seq_ = 1;
  int64_t group_start_seq_ = 1;
  StatBatch stats_;
  ReceiptHourBatch receipt_hours_;
  std::vector<v1::Event> group_events_;
  bool number_taken_ = false;

  std::unique_ptr<Writer> writer_;
  // Set by Start, stopped by Close (before the writer).
  std::unique_ptr<StatLogConversion> stat_log_conversion_;
  absl::Mutex pool_mutex_;
  std::function<void(const std::vector<v1::Event>&)> commit_listener_;
  std::vector<std::unique_ptr<Connection>> idle_readers_
      ABSL_GUARDED_BY(pool_mutex_);
  bool closed_ ABSL_GUARDED_BY(pool_mutex_) = false;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_SQL_STORE_H_
