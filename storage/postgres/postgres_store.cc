#include "storage/postgres/postgres_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "storage/postgres/durability_settings.h"
#include "storage/postgres/postgres_schema.h"
#include "storage/sql/queries.h"
#include "storage/sql/stat_rollup.h"

namespace hotline::storage {
namespace {

// How often the follower looks for the other processes' events.
constexpr absl::Duration kFollowInterval = absl::Milliseconds(50);
// Events the follower hands on at a time.
constexpr int kFollowBatch = 1000;

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(
    const StoreOptions& options) {
  ASSIGN_OR_RETURN(absl::TimeZone zone, LoadStoreTimeZone(options.time_zone));
  std::unique_ptr<PostgresStore> store(new PostgresStore(zone, options.path));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> writer,
                   PgConnection::Open(options.path));
  // One process at a time migrates and prepares the statistics (their
  // first preparation counts what is stored, once).
  RETURN_IF_ERROR(
      writer
          ->QueryInt64(absl::StrCat("SELECT 1 FROM pg_advisory_lock(",
                                    kSetupLockKey, ")"))
          .status());
  // Under the setup lock, so that a copy that holds it sees this store
  // once it is open kServerLockKey.
  absl::Status prepared =
      writer
          ->QueryInt64(absl::StrCat("SELECT 1 FROM pg_advisory_lock_shared(",
                                    kServerLockKey, ")"))
          .status();
  if (prepared.ok()) prepared = MigratePostgres(*writer);
  if (prepared.ok()) prepared = PrepareStatistics(*writer, zone);
  writer
      ->Execute(absl::StrCat("SELECT pg_advisory_unlock(", kSetupLockKey, ")"))
      .IgnoreError();
  if (!prepared.ok()) return prepared;

  // The promise an acknowledged write survives rests on these.
  if (absl::StatusOr<std::string> warning = DurabilityWarning(*writer);
      warning.ok() && !warning->empty()) {
    LogWarning(absl::StrCat(store->description(), ": ", *warning));
  }
  ASSIGN_OR_RETURN(int64_t head,
                   writer->QueryInt64("SELECT seq FROM feed_head"));
  store->opened_at_seq_ = head;

  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> reader,
                     PgConnection::Open(options.path));
    readers.push_back(std::move(reader));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> follower,
                   PgConnection::Open(options.path));
  store->follower_db_ = std::move(follower);
  store->Start(std::move(readers), std::move(writer), options.max_write_batch,
               head + 1);
  return store;
}

PostgresStore::~PostgresStore() { Close(); }

void PostgresStore::Close() {
  {
    absl::MutexLock lock(&follow_mutex_);
    follow_stop_ = true;
  }
  if (follower_.joinable()) follower_.join();
  SqlStore::Close();
  absl::MutexLock lock(&leader_mutex_);
  leader_db_.reset();  // ends the session, and its lead
  leading_ = false;
}

absl::StatusOr<int64_t> PostgresStore::ReserveNumbers(NumberKind kind,
                                                      int count) {
  if (count < 1) return absl::InvalidArgumentError("reserve at least one");
  // The reservation's commit does not wait for the disk: a number is used
  // only by a later, synchronous commit, whose WAL flush takes this earlier
  // record with it (to the disk and to a synchronous standby alike). A
  // reservation lost in a crash was used by nothing durable.
  return Read<int64_t>([&](Connection& db) -> absl::StatusOr<int64_t> {
    if (absl::Status s =
            db.Execute("BEGIN; SET LOCAL synchronous_commit = off");
        !s.ok()) {
      db.Execute("ROLLBACK").IgnoreError();
      return s;
    }
    auto fail = [&](absl::Status status) {
      db.Execute("ROLLBACK").IgnoreError();
      return status;
    };
    absl::StatusOr<Statement> stmt = db.Prepare(
        "UPDATE number_counters SET next = next + ? WHERE kind = ? "
        "RETURNING next");
    if (!stmt.ok()) return fail(stmt.status());
    stmt->BindInt64(1, count);
    stmt->BindInt64(2, static_cast<int>(kind));
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return fail(row.status());
    if (!*row) {
      return fail(absl::InternalError("number_counters has no such kind"));
    }
    const int64_t next = stmt->ColumnInt64(0);
    if (absl::Status s = db.Execute("COMMIT"); !s.ok()) return fail(s);
    return next - count;
  });
}

absl::StatusOr<int64_t> PostgresStore::FirstSeqOfGroup(
    Connection& db, int64_t /*next_in_memory*/) {
  // Held until this transaction's commit is visible: see the header.
  ASSIGN_OR_RETURN(
      int64_t head,
      db.QueryInt64("SELECT seq FROM feed_head WHERE id = 1 FOR UPDATE"));
  return head + 1;
}

absl::Status PostgresStore::SeqsOfGroupTaken(Connection& db, int64_t first,
                                             int64_t next) {
  if (next == first) return absl::OkStatus();
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("UPDATE feed_head SET seq = ? WHERE id = 1"));
  stmt.BindInt64(1, next - 1);
  return stmt.Run();
}

void PostgresStore::Committed(const std::vector<v1::Event>& /*events*/) {
  absl::MutexLock lock(&follow_mutex_);
  follow_wake_ = true;
}

void PostgresStore::NumberTaken(Connection& /*db*/) {
  // The counters are in the database, shared by every process: a number
  // found taken was written by hand or by a copy that did not move them.
  LogWarning(
      "a new ticket, card or token number was taken already: is "
      "number_counters behind the stored numbers?");
}

void PostgresStore::SetCommitListener(
    std::function<void(const std::vector<v1::Event>&)> listener) {
  SqlStore::SetCommitListener(std::move(listener));
  follower_ = std::thread([this] { Follow(); });
}

void PostgresStore::Follow() {
  int64_t through = opened_at_seq_;
  absl::Time complained;
  while (true) {
    {
      absl::MutexLock lock(&follow_mutex_);
      follow_mutex_.AwaitWithTimeout(
          absl::Condition(
              +[](PostgresStore* s)
                   ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->follow_mutex_) {
                     return s->follow_wake_ || s->follow_stop_;
                   },
              this),
          kFollowInterval);
      if (follow_stop_) return;
      follow_wake_ = false;
    }
    while (true) {
      EventFeedQuery query;
      query.after_seq = through;
      query.limit = kFollowBatch;
      absl::StatusOr<std::vector<v1::Event>> events =
          storage::QueryEventFeed(*follower_db_, query);
      if (!events.ok()) {
        if (absl::Now() - complained > absl::Minutes(1)) {
          complained = absl::Now();
          LogWarning(absl::StrCat("cannot read new events from ", description(),
                                  ": ", events.status().message()));
        }
        break;
      }
      if (events->empty()) break;
      through = events->back().seq();
      if (commit_listener()) commit_listener()(*events);
      if (static_cast<int>(events->size()) < kFollowBatch) break;
    }
  }
}

absl::StatusOr<bool> PostgresStore::HoldLeadership() {
  absl::MutexLock lock(&leader_mutex_);
  if (leader_db_ == nullptr) {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db,
                     PgConnection::Open(uri_));
    leader_db_ = std::move(db);
  }
  if (leading_) {
    // Still the session that took the lock?
    if (leader_db_->Alive() && leader_db_->generation() == leader_generation_) {
      return true;
    }
    leading_ = false;
    LogWarning(absl::StrCat("lost the lead of ", description(),
                            " with its connection; another server may lead"));
  }
  ASSIGN_OR_RETURN(int64_t taken, leader_db_->QueryInt64(absl::StrCat(
                                      "SELECT CASE WHEN pg_try_advisory_lock(",
                                      kLeaderLockKey, ") THEN 1 ELSE 0 END")));
  leading_ = taken == 1;
  leader_generation_ = leader_db_->generation();
  return leading_;
}

absl::StatusOr<BackupFile> PostgresStore::WriteBackup(
    const std::string& /*directory*/, absl::Time /*now*/) {
  return absl::FailedPreconditionError(
      "this server keeps its data in PostgreSQL, which is backed up with "
      "PostgreSQL's own tools (pg_dump, or pg_basebackup and WAL archiving; "
      "see docs/operations.md, \"PostgreSQL\"), not with CreateBackup");
}

}  // namespace hotline::storage

namespace hotline::storage {
namespace {

// A blob gathered in memory, then written whole by `persist`.
class RowBlobWriter final : public BlobWriter {
 public:
  using Persister =
      std::function<absl::Status(const BlobRef&, const std::string&)>;
  explicit RowBlobWriter(Persister persist) : persist_(std::move(persist)) {}

 protected:
  absl::Status Write(absl::string_view bytes) override {
    bytes_.append(bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  absl::Status Persist(const BlobRef& ref) override {
    return persist_(ref, bytes_);
  }

 private:
  const Persister persist_;
  std::string bytes_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BlobWriter>> PostgresStore::NewBlob() {
  return std::unique_ptr<BlobWriter>(std::make_unique<RowBlobWriter>(
      [this](const BlobRef& ref, const std::string& bytes) {
        return Read<bool>([&](Connection& db) -> absl::StatusOr<bool> {
                 // Stored again, the row is young again (CollectBlobs) and
                 // a damaged copy is replaced.
                 ASSIGN_OR_RETURN(
                     Statement stmt,
                     db.Prepare(
                         "INSERT INTO attachment_blobs (sha256, size_bytes, "
                         "content, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT "
                         "(sha256) DO UPDATE SET content = excluded.content, "
                         "size_bytes = excluded.size_bytes, stored_at = "
                         "excluded.stored_at"));
                 stmt.BindText(1, ref.sha256);
                 stmt.BindInt64(2, ref.size);
                 stmt.BindBlob(3, bytes);
                 stmt.BindInt64(4, absl::ToUnixMicros(absl::Now()));
                 RETURN_IF_ERROR(stmt.Run());
                 return true;
               })
            .status();
      }));
}

absl::StatusOr<std::string> PostgresStore::ReadBlob(const std::string& sha256) {
  // DATA_LOSS is said outside Read: damaged attachment bytes are not a
  // damaged database (Read would mark the store damaged).
  ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      Read<std::optional<std::string>>(
          [&](Connection& db) -> absl::StatusOr<std::optional<std::string>> {
            ASSIGN_OR_RETURN(
                Statement stmt,
                db.Prepare("SELECT content FROM attachment_blobs WHERE "
                           "sha256 = ?"));
            stmt.BindText(1, sha256);
            ASSIGN_OR_RETURN(bool row, stmt.Step());
            if (!row) return std::nullopt;
            return std::string(stmt.ColumnBlob(0));
          }));
  if (!bytes) {
    return absl::DataLossError(absl::StrCat(
        "attachment bytes missing: attachment_blobs has no row ", sha256));
  }
  if (Sha256Hex(*bytes) != sha256) {
    return absl::DataLossError(
        absl::StrCat("attachment bytes damaged: attachment_blobs row ", sha256,
                     " does not match its SHA-256"));
  }
  return *std::move(bytes);
}

absl::StatusOr<int> PostgresStore::CollectBlobs(absl::Duration min_age) {
  return Read<int>([&](Connection& db) -> absl::StatusOr<int> {
    ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("DELETE FROM attachment_blobs WHERE stored_at < ? AND NOT "
                   "EXISTS (SELECT 1 FROM ticket_attachments WHERE "
                   "ticket_attachments.sha256 = attachment_blobs.sha256)"));
    stmt.BindInt64(1, absl::ToUnixMicros(absl::Now() - min_age));
    RETURN_IF_ERROR(stmt.Run());
    return db.Changes();
  });
}

}  // namespace hotline::storage
