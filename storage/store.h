// The store: where tickets, their history, cards, daily reports, the
// statistics' sums, departments, tokens and settings are kept. An abstract
// face, in the spirit of LevelDB's DB: reads are domain queries, and every
// write is one ChangeSet (change_set.h) committed all or nothing. Nothing
// outside storage/ sees SQL, a connection or a statement.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
//                    OpenStore(options));  // storage/open_store.h
//   absl::StatusOr<std::optional<StoredTicket>> t = store->LoadTicket(42);
//   ChangeSet changes = ...;  // built by the rules from what was read
//   store->Commit(std::move(changes), [](absl::Status s) { ... });
//
// Contract every implementation keeps
// (tests/storage/store_conformance_test.cc):
// - A commit whose `done` reported OK is durable; a failed commit wrote
//   nothing. A commit fails with ABORTED (IsConflict) when a precondition
//   of its change set no longer holds.
// - Reads see only committed data; a read started after a commit's `done`
//   ran sees that commit.
// - Numbers (tickets, cards, tokens) come from ReserveNumbers: unique and
//   increasing, never reused, possibly with gaps. Event seqs are assigned
//   at commit in commit order, so a feed reader that saw seq N never later
//   finds a new event below N. Both hold for a store shared by several
//   processes (a sequence per kind, and seq allocation serialised with the
//   commit).
// - Statistics sums are exact: a sum read after a commit counts every
//   change the commits before it carried, once.
//
// Thread-safe: every method may be called from any thread. Reads may wait
// for a free connection; callers that must not wait (gRPC callback threads)
// read under NonBlockingReads and go elsewhere (app/executor.h) when a
// read would wait.
#ifndef HOTLINE_STORAGE_STORE_H_
#define HOTLINE_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/blob_writer.h"
#include "storage/change_set.h"
#include "storage/records.h"

namespace hotline::storage {

// What every engine is told when a store opens (OpenStore,
// storage/open_store.h); each engine's own options are its own
// (storage/sqlite/sqlite_options.h).
struct StoreOptions {
  // The database file, created when missing; or a PostgreSQL connection
  // URI (postgresql://[user@]host[:port]/dbname?...), whose database must
  // exist (the store creates its tables).
  std::string path;
  // Read connections; readers beyond this many wait for one.
  int read_connections = 4;
  // At most this many change sets share one transaction.
  int max_write_batch = 128;
  // The bureau's IANA time zone: statistics count calendar days in it. A
  // database keeps the zone it was first opened with.
  std::string time_zone = "Asia/Shanghai";
};

enum class StoreHealth {
  kHealthy,
  // The last write could not be saved because the disk is full.
  kDiskFull,
  // The store found its data damaged.
  kDamaged,
};

// What one commit group took, for an operator's metrics.
struct CommitGroupStats {
  // Change sets that shared the transaction (whether they committed or not).
  int units = 0;
  // From the start of the transaction to the end of its commit (the fsync
  // included).
  absl::Duration duration;
};

// Kinds of numbers ReserveNumbers hands out.
enum class NumberKind { kTicket, kCard, kToken };

// The name of a retryable create: which ticket it made.
struct StoredCreateRequest {
  int64_t ticket_id = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- Writing.

  // Commits `changes` (change_set.h). `done` runs once, after the commit is
  // durable (OK) or failed: the conflict (ABORTED, IsConflict), a full disk
  // (RESOURCE_EXHAUSTED), damaged data (DATA_LOSS), or UNAVAILABLE. It runs
  // on the store's thread and must be short: hand results over.
  virtual void Commit(ChangeSet changes,
                      std::function<void(absl::Status)> done) = 0;
  // Commit, and wait for `done`.
  absl::Status CommitAndWait(ChangeSet changes);

  // Reserves `count` consecutive numbers of `kind`; returns the first.
  virtual absl::StatusOr<int64_t> ReserveNumbers(NumberKind kind,
                                                 int count) = 0;

  // Called with every committed event (seq set), in seq order, each once:
  // after the commit group that committed it, or, on a store shared by
  // several processes, shortly after any process committed it (see
  // storage/postgres/postgres_store.h). Must be short. Set once, before the
  // first commit.
  virtual void SetCommitListener(
      std::function<void(const std::vector<v1::Event>&)> listener) = 0;
  // Called after every commit group with what it took. Must be short.
  virtual void SetCommitGroupObserver(
      std::function<void(const CommitGroupStats&)> observer) = 0;
  // Change sets queued and not yet taken into a group.
  virtual int WriteQueueDepth() const = 0;

  // Whether this process leads the work that must run in one process at a
  // time however many share the store (the deadline sweeps): true while it
  // holds the store's leadership, which it takes when no other holder is
  // alive. A holder that ends, however it ends, lets go. UNAVAILABLE when
  // the store cannot say now.
  virtual absl::StatusOr<bool> HoldLeadership() = 0;
  // Whether other processes may share this store (then leadership can pass
  // between them, and is worth telling an operator about). Constant.
  virtual bool Shared() const = 0;

  // ---- Health.

  // Whether the store can serve: damaged data stays kDamaged until a
  // restart; a full disk is kDiskFull until the next write commits.
  virtual StoreHealth health() const = 0;
  // Called at once with health(), then with every change of it, in order;
  // must be short and must not call the store. Set once.
  virtual void SetHealthListener(std::function<void(StoreHealth)> listener) = 0;

  // ---- Tickets and events.

  virtual absl::StatusOr<std::optional<v1::Ticket>> LoadTicket(int64_t id) = 0;
  virtual absl::StatusOr<std::optional<v1::Ticket>> LoadTicketBySourceId(
      const std::string& source_id) = 0;
  // The ticket an earlier create with this (principal, request_id) made.
  virtual absl::StatusOr<std::optional<int64_t>> FindCreateRequest(
      const std::string& principal, const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<v1::Ticket>> QueryTickets(
      const TicketQuery& query) = 0;
  // Events of one ticket with seq > after_seq, oldest first.
  virtual absl::StatusOr<std::vector<v1::Event>> QueryTicketEvents(
      int64_t ticket_id, int64_t after_seq, int limit) = 0;
  virtual absl::StatusOr<std::vector<v1::Event>> QueryEventFeed(
      const EventFeedQuery& query) = 0;
  // The latest seq, 0 when there are no events.
  virtual absl::StatusOr<int64_t> LatestSeq() = 0;
  // The time of the latest event (by seq), UTC microseconds; 0 when none.
  virtual absl::StatusOr<int64_t> LatestEventTimeMicros() = 0;
  // The seqs of history lost to a restore from backup that contain `seq`.
  virtual absl::StatusOr<std::optional<SeqVoid>> SeqVoidContaining(
      int64_t seq) = 0;
  // Open tickets whose next_due_at is at or before `now_micros`, most
  // overdue first, ties by id (both engines alike).
  virtual absl::StatusOr<std::vector<int64_t>> QueryDueTicketIds(
      int64_t now_micros, int limit) = 0;
  virtual absl::StatusOr<std::optional<int64_t>> EarliestDueMicros() = 0;

  // ---- Cards and daily reports.

  virtual absl::StatusOr<std::optional<v1::Card>> LoadCard(int64_t id) = 0;
  virtual absl::StatusOr<std::vector<v1::Card>> QueryCards(
      const CardQuery& query) = 0;
  virtual absl::StatusOr<std::vector<v1::Notice>> QueryNotices(
      const NoticeQuery& query) = 0;
  virtual absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
  QueryDailyReports(const DailyReportQuery& query) = 0;
  virtual absl::StatusOr<ComplianceCounts> QueryCompliance(
      const std::string& department, const std::string& from_date,
      const std::string& to_date, int max_misses) = 0;

  // ---- Statistics.

  // Each query's sums, all seeing the same commits.
  virtual absl::StatusOr<std::vector<StatSums>> SumStats(
      const std::vector<StatSumQuery>& queries) = 0;
  virtual absl::StatusOr<OperationalCounts> QueryOperationalCounts() = 0;

  // ---- Departments, tokens, policies, settings, request outcomes.

  virtual absl::StatusOr<std::optional<v1::Department>> LoadDepartment(
      const std::string& id) = 0;
  virtual absl::StatusOr<std::vector<v1::Department>> QueryDepartments(
      const std::string& after_id, int limit) = 0;
  virtual absl::StatusOr<std::optional<TokenRecord>> LoadTokenBySecretHash(
      const std::string& secret_hash) = 0;
  virtual absl::StatusOr<std::optional<TokenRecord>>
  LoadTokenByCertificateIdentity(const std::string& identity) = 0;
  virtual absl::StatusOr<std::optional<TokenRecord>> LoadTokenRecord(
      int64_t id) = 0;
  virtual absl::StatusOr<std::optional<v1::Token>> LoadToken(int64_t id) = 0;
  virtual absl::StatusOr<std::vector<v1::Token>> QueryTokens(int64_t after_id,
                                                             int limit) = 0;
  // Every policy version recorded, oldest first.
  virtual absl::StatusOr<std::vector<v1::Policy>> LoadPolicies() = 0;
  virtual absl::StatusOr<std::optional<std::string>> LoadSetting(
      const std::string& key) = 0;
  virtual absl::StatusOr<std::optional<RequestOutcome>> FindRequestOutcome(
      const std::string& key) = 0;

  // ---- Attachments' bytes (blobs, blob_writer.h), each stored once under
  // its SHA-256: in files beside a SQLite database, in a PostgreSQL
  // database itself (so every server sharing it has them).

  virtual absl::StatusOr<std::unique_ptr<BlobWriter>> NewBlob() = 0;
  // The bytes stored under `sha256`, whole, checked against it first:
  // DATA_LOSS when they are missing or do not match (never served).
  virtual absl::StatusOr<std::string> ReadBlob(const std::string& sha256) = 0;
  // Removes the blobs no attachment refers to that were stored (or stored
  // again) more than `min_age` ago by the machine's clock, and what
  // uploads cut off left half written: an upload still between its Finish
  // and its record's commit must be younger. Returns how many blobs it
  // removed.
  virtual absl::StatusOr<int> CollectBlobs(absl::Duration min_age) = 0;
  // The bytes of the attachments `added_by` (a principal) added at
  // [from_micros, to_micros): a day's quota.
  virtual absl::StatusOr<int64_t> SumAttachmentBytes(
      const std::string& added_by, int64_t from_micros, int64_t to_micros) = 0;

  // ---- Operations.

  // Writes a consistent copy of the whole store into `directory`.
  virtual absl::StatusOr<BackupFile> WriteBackup(const std::string& directory,
                                                 absl::Time now) = 0;

  // Finishes queued commits and closes; later calls fail with UNAVAILABLE.
  // Idempotent.
  virtual void Close() = 0;
};

// Within the scope of a NonBlockingReads object, a read on this thread that
// would wait for one of a store's connections fails at once (WouldBlock)
// instead: the caller runs it again where waiting is allowed. For gRPC's
// callback threads, which serve a call at once when a connection is free.
class NonBlockingReads {
 public:
  NonBlockingReads();
  ~NonBlockingReads();
  NonBlockingReads(const NonBlockingReads&) = delete;
  NonBlockingReads& operator=(const NonBlockingReads&) = delete;
  // Whether one is in scope on this thread.
  static bool Active();

 private:
  bool previous_;
};
// The refusal of a read that would have waited under NonBlockingReads.
absl::Status WouldBlockError();
bool WouldBlock(const absl::Status& status);

// The IANA time zone `name` (StoreOptions::time_zone); INVALID_ARGUMENT
// naming it when this machine does not know it.
absl::StatusOr<absl::TimeZone> LoadStoreTimeZone(const std::string& name);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_STORE_H_
