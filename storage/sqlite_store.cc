#include "storage/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/log.h"
#include "storage/backup.h"
#include "storage/change_set.h"
#include "storage/migrations.h"
#include "storage/operational_counts.h"
#include "storage/queries.h"
#include "storage/request_outcomes.h"
#include "storage/restored_history.h"
#include "storage/settings.h"
#include "storage/stat_rollup.h"

namespace hotline::storage {
namespace {

// The tables of hotline's first migration: an unmarked file that has them
// all is a hotline database from before the application_id mark.
constexpr const char* kHotlineTables[] = {
    "tickets", "events", "create_requests", "departments", "tokens"};

std::string ErrnoText() { return std::strerror(errno); }

// The first line of a small text file, or "" when it cannot be read.
std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

// Takes the exclusive lock on `path`.lock and writes this process's id in
// it; returns the descriptor, which holds the lock until it is closed (by
// Close, or by the kernel when the process ends, even by SIGKILL: a lock
// never outlives its holder). Close removes the file before it lets go, so
// a lock taken on a file that is no longer at that path is let go and
// taken again on the new one.
absl::StatusOr<int> LockDatabase(const std::string& path) {
  const std::string lock_path = path + ".lock";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create the lock file ", lock_path, ": ", ErrnoText()));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      close(fd);
      if (error != EWOULDBLOCK) {
        return absl::FailedPreconditionError(absl::StrCat(
            "cannot lock ", lock_path, ": ", std::strerror(error)));
      }
      const std::string pid = FirstLine(lock_path);
      std::string holder = "another process";
      if (!pid.empty()) {
        const std::string name =
            FirstLine(absl::StrCat("/proc/", pid, "/comm"));
        holder = absl::StrCat(name.empty() ? "process" : name, " pid ", pid);
      }
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is in use by ", holder, " (it holds ", lock_path,
          "); stop that server first, or give this one another database"));
    }
    struct stat locked;
    struct stat named;
    if (fstat(fd, &locked) != 0 || stat(lock_path.c_str(), &named) != 0 ||
        locked.st_ino != named.st_ino || locked.st_dev != named.st_dev) {
      close(fd);  // its holder removed it meanwhile: lock the new one
      continue;
    }
    const std::string pid = absl::StrCat(getpid(), "\n");
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) !=
                                     static_cast<ssize_t>(pid.size())) {
      LogWarning(absl::StrCat("cannot write the pid in ", lock_path, ": ",
                              ErrnoText()));
    }
    return fd;
  }
  return absl::UnavailableError(
      absl::StrCat("cannot lock ", lock_path, ": it keeps changing"));
}

enum class FileKind {
  kNew,       // missing, empty, or an SQLite file with nothing in it
  kUnmarked,  // hotline's tables, from before the application_id mark
  kMarked,    // application_id is kApplicationId
};

absl::Status Refuse(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}

// Every row of a one-column query, as text.
absl::StatusOr<std::vector<std::string>> QueryTexts(Connection& db,
                                                    const std::string& sql) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> rows;
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(stmt->ColumnText(0));
  }
}

// Looks at the file without changing a byte of it (no journal mode, no
// lock, not even a -wal or -shm file when none is there) and says what it
// is, or why it is refused.
absl::StatusOr<FileKind> InspectFile(const StoreOptions& options,
                                     const absl::TimeZone& zone) {
  const std::string& path = options.path;
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return FileKind::kNew;
    return Refuse(absl::StrCat("cannot read ", path, ": ", ErrnoText()));
  }
  if (!S_ISREG(info.st_mode)) {
    return Refuse(absl::StrCat(path, " is not a regular file"));
  }
  struct stat wal;
  const bool has_wal =
      stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  if (info.st_size == 0 && !has_wal) return FileKind::kNew;
  if (info.st_size > 0) {
    char header[16] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(header, sizeof(header));
    if (!in || std::memcmp(header, "SQLite format 3", 16) != 0) {
      return Refuse(absl::StrCat(
          path,
          " is not a hotline database (not an SQLite file, or its first "
          "page is damaged); start with a new file name or a hotline "
          "database"));
    }
  }
  const std::string damaged =
      absl::StrCat(path, " is damaged and cannot be served");
  const std::string restore =
      "; the file was left as it is: restore it from a backup";
  absl::StatusOr<std::unique_ptr<Connection>> db =
      Connection::OpenForInspection(path);
  if (!db.ok())
    return Refuse(
        absl::StrCat(damaged, " (", db.status().message(), ")", restore));
  auto failed = [&](const absl::Status& status) {
    if (status.code() == absl::StatusCode::kDataLoss) {
      return Refuse(
          absl::StrCat(damaged, " (", status.message(), ")", restore));
    }
    return Refuse(absl::StrCat("cannot read ", path, ": ", status.message()));
  };
  absl::StatusOr<int64_t> application_id =
      (*db)->QueryInt64("PRAGMA application_id");
  if (!application_id.ok()) return failed(application_id.status());
  absl::StatusOr<int64_t> version = (*db)->QueryInt64("PRAGMA user_version");
  if (!version.ok()) return failed(version.status());
  absl::StatusOr<std::vector<std::string>> tables = QueryTexts(
      **db,
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
      "'sqlite_%' ORDER BY name");
  if (!tables.ok()) return failed(tables.status());
  auto has_table = [&](absl::string_view name) {
    return std::find(tables->begin(), tables->end(), name) != tables->end();
  };

  FileKind kind;
  if (*application_id == kApplicationId) {
    kind = FileKind::kMarked;
  } else if (*application_id == 0 && tables->empty() && *version == 0) {
    kind = FileKind::kNew;
  } else if (*application_id == 0 &&
             std::all_of(std::begin(kHotlineTables), std::end(kHotlineTables),
                         has_table)) {
    kind = FileKind::kUnmarked;
  } else {
    std::vector<std::string> some(
        tables->begin(), tables->begin() + std::min<size_t>(tables->size(), 3));
    return Refuse(absl::StrCat(
        path, " is not a hotline database (application_id 0x",
        absl::Hex(static_cast<uint32_t>(*application_id)), ", ", tables->size(),
        " table(s)", tables->empty() ? "" : ": ", absl::StrJoin(some, ", "),
        tables->size() > 3 ? ", ..." : "",
        "); start with a new file name or a hotline database"));
  }
  if (*version > LatestSchemaVersion()) {
    return Refuse(absl::StrCat(
        path, " has schema version ", *version, ", newer than this build's ",
        LatestSchemaVersion(), "; run a newer hotline-server"));
  }
  if (has_table("stat_meta")) {
    absl::StatusOr<std::vector<std::string>> recorded =
        QueryTexts(**db, "SELECT value FROM stat_meta WHERE key = 'time_zone'");
    if (!recorded.ok()) return failed(recorded.status());
    if (!recorded->empty() && recorded->front() != zone.name()) {
      return Refuse(absl::StrCat(
          "the statistics in ", path, " count days in ", recorded->front(),
          ", not ", zone.name(),
          "; start the server with --time_zone=", recorded->front()));
    }
  }
  if (options.check_integrity && kind != FileKind::kNew) {
    absl::StatusOr<std::vector<std::string>> problems =
        QueryTexts(**db, "PRAGMA quick_check(20)");
    if (!problems.ok()) return failed(problems.status());
    if (problems->empty() || problems->front() != "ok") {
      std::string first = problems->empty() ? "no answer" : problems->front();
      first = absl::StrReplaceAll(first, {{"\n", " "}, {"\r", " "}});
      if (first.size() > 160) first = absl::StrCat(first.substr(0, 160), "...");
      return Refuse(absl::StrCat(damaged, " (PRAGMA quick_check found ",
                                 problems->size() >= 20
                                     ? "20 or more"
                                     : absl::StrCat(problems->size()),
                                 " problem(s), first: ", first, ")", restore));
    }
  }
  return kind;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const StoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("no database path given");
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(options.time_zone, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", options.time_zone,
                     "\"; give an IANA name such as Asia/Shanghai"));
  }
  // Closes the lock (and whatever else was opened) when Open fails.
  std::unique_ptr<SqliteStore> store(new SqliteStore(zone));
  store->path_ = options.path;
  if (options.lock) {
    absl::StatusOr<int> fd = LockDatabase(options.path);
    if (!fd.ok()) return fd.status();
    store->lock_fd_ = *fd;
  }
  // Every check passes before anything is written, journal mode included.
  absl::StatusOr<FileKind> kind = InspectFile(options, zone);
  if (!kind.ok()) return kind.status();

  // A new database holds callers' names and phones: born 0600 (SQLite
  // gives its -wal and -shm files the database file's mode).
  if (const int fd = open(options.path.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      fd >= 0) {
    close(fd);
  }
  absl::StatusOr<std::unique_ptr<Connection>> writer =
      Connection::Open(options.path, /*read_only=*/false);
  if (!writer.ok()) return writer.status();
  // Debian's SQLite defaults differ from upstream's; say every pragma the
  // durability and speed of the service rest on.
  if (absl::Status s = (*writer)->Execute(
          absl::StrCat("PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = ",
                       options.synchronous_full ? "FULL" : "NORMAL",
                       ";"
                       "PRAGMA wal_autocheckpoint = 1000;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -65536;"));
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<std::string>> mode =
      QueryTexts(**writer, "PRAGMA journal_mode");
  if (!mode.ok()) return mode.status();
  if (mode->empty() || mode->front() != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        options.path, " cannot use write-ahead logging (journal_mode is ",
        mode->empty() ? "unknown" : mode->front(),
        "); put the database on a local file system"));
  }
  if (*kind != FileKind::kMarked) {
    // Right before the first migration (an unmarked file: in a transaction
    // of its own). A crash in between leaves a marked empty file, which is
    // migrated on the next start.
    if (absl::Status s = (*writer)->Execute(absl::StrCat(
            "BEGIN IMMEDIATE; PRAGMA application_id = ", kApplicationId,
            "; COMMIT;"));
        !s.ok()) {
      (*writer)->Execute("ROLLBACK").IgnoreError();
      return s;
    }
  }
  if (absl::Status s = Migrate(**writer); !s.ok()) return s;
  if (absl::Status s = PrepareStatistics(**writer, zone); !s.ok()) return s;
  absl::StatusOr<std::optional<SeqVoid>> restored = ApplyRestoreMark(**writer);
  if (!restored.ok()) return restored.status();
  if (restored->has_value()) {
    LogWarning(absl::StrCat(options.path, " is a restored backup taken at seq ",
                            (*restored)->first - 1,
                            ": new events start at seq ", (*restored)->last + 1,
                            "; a feed consumer that resumes after a seq "
                            "of the lost history (",
                            (*restored)->first, "..", (*restored)->last,
                            ") is refused and must resync; ticket and card "
                            "numbers skip ",
                            kRestoreNumberGap, " past the largest ones"));
  }

  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> reader =
        Connection::Open(options.path, /*read_only=*/true);
    if (!reader.ok()) return reader.status();
    absl::MutexLock lock(&store->pool_mutex_);
    store->idle_readers_.push_back(*std::move(reader));
  }
  // The counters start above every stored number and seq (and the floors
  // a restore set).
  if (absl::Status s = store->ResyncNumbers(**writer); !s.ok()) return s;
  absl::StatusOr<int64_t> next_seq = NextEventSeq(**writer);
  if (!next_seq.ok()) return next_seq.status();
  store->next_seq_ = *next_seq;
  store->group_start_seq_ = *next_seq;

  store->writer_ =
      std::make_unique<Writer>(*std::move(writer), options.max_write_batch);
  SqliteStore* self = store.get();
  store->writer_->SetGroupHooks(self);
  store->writer_->SetOutcomeObserver(
      [self](const absl::Status& status) { self->Observe(status); });
  return store;
}

StoreHealth SqliteStore::health() const {
  absl::MutexLock lock(&health_mutex_);
  return health_;
}

void SqliteStore::SetHealthListener(std::function<void(StoreHealth)> listener) {
  absl::MutexLock lock(&health_mutex_);
  health_listener_ = std::move(listener);
  if (health_listener_) health_listener_(health_);
}

void SqliteStore::Observe(const absl::Status& status) {
  StoreHealth next;
  if (status.code() == absl::StatusCode::kDataLoss) {
    next = StoreHealth::kDamaged;
  } else if (IsDiskFull(status)) {
    next = StoreHealth::kDiskFull;
  } else if (status.ok()) {
    next = StoreHealth::kHealthy;
  } else {
    return;
  }
  absl::MutexLock lock(&health_mutex_);
  // Damage is for good: only a restart (which checks the file) clears it.
  if (health_ == next || health_ == StoreHealth::kDamaged) return;
  health_ = next;
  switch (next) {
    case StoreHealth::kDamaged:
      LogError(absl::StrCat(
          path_, " is damaged (", status.message(),
          "); health is NOT_SERVING and calls that meet the damage get "
          "DATA_LOSS: stop the server and restore the file from a backup"));
      break;
    case StoreHealth::kDiskFull:
      LogError(absl::StrCat(
          "disk full: writes to ", path_,
          " are refused (RESOURCE_EXHAUSTED) and health is NOT_SERVING "
          "until one commits again; free space on its disk"));
      break;
    case StoreHealth::kHealthy:
      LogWarning(absl::StrCat("writes to ", path_,
                              " commit again; health is SERVING"));
      break;
  }
  if (health_listener_) health_listener_(next);
}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Write(WriteUnit unit, WriteDone done) {
  writer_->Submit(std::move(unit), std::move(done));
}

absl::Status SqliteStore::WriteAndWait(WriteUnit unit) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> result = promise.get_future();
  Write(std::move(unit),
        [&promise](absl::Status status) { promise.set_value(status); });
  return result.get();
}

void SqliteStore::Close() {
  {
    absl::MutexLock lock(&pool_mutex_);
    closed_ = true;
    idle_readers_.clear();
  }
  // The writer closes last: the last connection to close checkpoints the
  // write-ahead log into the database file and removes it, which read-only
  // connections cannot do.
  if (writer_ != nullptr) writer_->Stop();
  // Then another server may have the file. The lock file goes first (a
  // refused start leaves nothing behind; see LockDatabase).
  if (lock_fd_ >= 0) {
    unlink((path_ + ".lock").c_str());
    close(lock_fd_);
    lock_fd_ = -1;
  }
}

SqliteStore::Lease::Lease(SqliteStore* s) : store(s) {
  absl::MutexLock lock(&store->pool_mutex_);
  if (NonBlockingReads::Active() && store->idle_readers_.empty() &&
      !store->closed_) {
    would_block = true;
    return;
  }
  store->pool_mutex_.Await(absl::Condition(
      +[](SqliteStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->pool_mutex_) {
        return !s->idle_readers_.empty() || s->closed_;
      },
      store));
  if (store->closed_) return;
  connection = std::move(store->idle_readers_.back());
  store->idle_readers_.pop_back();
}

SqliteStore::Lease::~Lease() {
  if (connection == nullptr) return;
  absl::MutexLock lock(&store->pool_mutex_);
  // A connection returned after Close is dropped here, closing it.
  if (!store->closed_) store->idle_readers_.push_back(std::move(connection));
}

// ---- Writing change sets.

absl::StatusOr<int64_t> SqliteStore::ReserveNumbers(NumberKind kind,
                                                    int count) {
  if (count < 1) return absl::InvalidArgumentError("reserve at least one");
  absl::MutexLock lock(&numbers_mutex_);
  int64_t& next = next_number_[static_cast<int>(kind)];
  const int64_t first = next;
  next += count;
  return first;
}

void SqliteStore::SetCommitListener(
    std::function<void(const std::vector<v1::Event>&)> listener) {
  commit_listener_ = std::move(listener);
}

void SqliteStore::Commit(ChangeSet changes,
                         std::function<void(absl::Status)> done) {
  auto shared = std::make_shared<ChangeSet>(std::move(changes));
  writer_->Submit([this, shared](Connection& db) { return Apply(db, *shared); },
                  std::move(done));
}

namespace {

// A UNIQUE or PRIMARY KEY violation (Statement reports ALREADY_EXISTS): a
// concurrent commit took the key first.
absl::Status AsConflict(absl::Status status, absl::string_view what) {
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return ConflictError(absl::StrCat(what, " was taken meanwhile; retry"));
  }
  return status;
}

}  // namespace

namespace {

// Whether the change set's first version of the ticket replaces exactly the
// expected one: its UPDATE ... WHERE version = expected then checks the
// expectation, and no separate read is needed.
bool FirstUpdateChecks(const ChangeSet& changes,
                       const ExpectedVersion& expected) {
  for (const v1::Ticket& ticket : changes.tickets) {
    if (TicketId(ticket) != expected.ticket_id) continue;
    int64_t version = 0;
    int64_t after = 0;
    return absl::SimpleAtoi(expected.etag, &version) &&
           absl::SimpleAtoi(ticket.etag(), &after) && after == version + 1;
  }
  return false;
}

}  // namespace

absl::Status SqliteStore::Apply(Connection& db, ChangeSet& changes) {
  for (const ExpectedVersion& expected : changes.expected_versions) {
    if (FirstUpdateChecks(changes, expected)) continue;
    absl::StatusOr<Statement> stmt =
        db.Prepare("SELECT version FROM tickets WHERE id = ?");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt64(1, expected.ticket_id);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row || absl::StrCat(stmt->ColumnInt64(0)) != expected.etag) {
      return ConflictError(absl::StrCat("tickets/", expected.ticket_id,
                                        " changed meanwhile; retry"));
    }
  }
  for (const v1::Ticket& ticket : changes.new_tickets) {
    if (absl::Status s = InsertTicketRow(db, ticket); !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) resync_numbers_ = true;
      return AsConflict(s, absl::StrCat(ticket.name(), " or its source_id"));
    }
  }
  for (const v1::Ticket& ticket : changes.tickets) {
    if (absl::Status s = UpdateTicketRow(db, ticket); !s.ok()) return s;
  }
  // Seqs in commit order: the writer is the only one assigning them.
  int64_t seq = next_seq_;
  for (v1::Event& event : changes.events) {
    event.set_seq(seq++);
    if (absl::Status s = InsertEventRow(db, event); !s.ok()) return s;
  }
  for (const CreateRequestRow& row : changes.create_requests) {
    if (absl::Status s =
            InsertCreateRequest(db, row.principal, row.request_id,
                                row.ticket_id, row.created_at_micros);
        !s.ok()) {
      return AsConflict(s, "the create's request_id");
    }
  }
  for (const v1::Card& card : changes.new_cards) {
    if (absl::Status s = InsertCardRow(db, card); !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) resync_numbers_ = true;
      return AsConflict(s, card.name());
    }
  }
  for (const v1::Card& card : changes.cards) {
    if (absl::Status s = UpdateCardRow(db, card); !s.ok()) return s;
  }
  for (const v1::DailyReport& report : changes.daily_reports) {
    if (absl::Status s = UpsertDailyReport(db, report); !s.ok()) return s;
  }
  std::vector<const TimedFacts*> settled;
  for (const DailyObligationRow& row : changes.obligations) {
    absl::StatusOr<bool> inserted = InsertDailyObligationRow(
        db, row.ticket_id, row.date, row.department, row.reported);
    if (!inserted.ok()) return inserted.status();
    if (*inserted) settled.push_back(&row.stat_change);
  }
  if (changes.request_outcome) {
    if (absl::Status s = InsertRequestOutcome(
            db, changes.request_outcome->key, changes.request_outcome->outcome,
            changes.request_outcome->created_at_micros);
        !s.ok()) {
      return AsConflict(s, "the request_id");
    }
  }
  for (const DepartmentRow& row : changes.departments) {
    if (absl::Status s = InsertDepartment(db, row.id, row.department);
        !s.ok()) {
      return AsConflict(s, absl::StrCat("departments/", row.id));
    }
  }
  for (const TokenRow& row : changes.new_tokens) {
    if (absl::Status s = InsertTokenRow(db, row.secret_hash, row.token);
        !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) resync_numbers_ = true;
      return AsConflict(
          s, absl::StrCat(row.token.name(), " or its certificate binding"));
    }
  }
  for (const TokenRevocation& row : changes.token_revocations) {
    if (absl::Status s = MarkTokenRevoked(db, row.id, row.revoked_at_micros);
        !s.ok()) {
      return s;
    }
  }
  for (const v1::Policy& policy : changes.policies) {
    if (absl::Status s = InsertPolicy(db, policy); !s.ok()) return s;
  }
  for (const auto& [key, value] : changes.settings) {
    if (absl::Status s = StoreSetting(db, key, value); !s.ok()) return s;
  }
  // Nothing can fail from here: what the unit adds to the group's batch
  // stays only if the unit did.
  next_seq_ = seq;
  for (const TimedFacts& change : changes.stat_changes) stats_.Add(change);
  for (const TimedFacts* change : settled) stats_.Add(*change);
  for (v1::Event& event : changes.events) {
    group_events_.push_back(std::move(event));
  }
  return absl::OkStatus();
}

void SqliteStore::BeginGroup() {
  stats_.Clear();
  group_events_.clear();
  group_start_seq_ = next_seq_;
}

absl::Status SqliteStore::BeforeCommit(Connection& db) {
  return stats_.Write(db);
}

void SqliteStore::EndGroup(Connection& db, bool committed) {
  if (!committed) next_seq_ = group_start_seq_;
  if (resync_numbers_) {
    resync_numbers_ = false;
    // Another process (the bootstrap command) took a number: move past it.
    ResyncNumbers(db).IgnoreError();
  }
  if (committed && !group_events_.empty() && commit_listener_) {
    commit_listener_(group_events_);
  }
  stats_.Clear();
  group_events_.clear();
}

absl::Status SqliteStore::ResyncNumbers(Connection& db) {
  absl::StatusOr<int64_t> ticket = NextTicketNumber(db);
  if (!ticket.ok()) return ticket.status();
  absl::StatusOr<int64_t> card = NextCardNumber(db);
  if (!card.ok()) return card.status();
  absl::StatusOr<int64_t> token =
      db.QueryInt64("SELECT COALESCE(MAX(id), 0) + 1 FROM tokens");
  if (!token.ok()) return token.status();
  absl::MutexLock lock(&numbers_mutex_);
  auto raise = [&](NumberKind kind, int64_t floor) {
    int64_t& next = next_number_[static_cast<int>(kind)];
    next = std::max(next, floor);
  };
  raise(NumberKind::kTicket, *ticket);
  raise(NumberKind::kCard, *card);
  raise(NumberKind::kToken, *token);
  return absl::OkStatus();
}

// ---- Reads.

namespace {

template <typename T, typename F>
absl::StatusOr<T> ReadWith(SqliteStore& store, F f) {
  return store.Read<T>(std::function<absl::StatusOr<T>(Connection&)>(f));
}

}  // namespace

absl::StatusOr<std::optional<v1::Ticket>> SqliteStore::LoadTicket(int64_t id) {
  return ReadWith<std::optional<v1::Ticket>>(
      *this, [&](Connection& db) { return storage::LoadTicket(db, id); });
}

absl::StatusOr<std::optional<v1::Ticket>> SqliteStore::LoadTicketBySourceId(
    const std::string& source_id) {
  return ReadWith<std::optional<v1::Ticket>>(*this, [&](Connection& db) {
    return storage::LoadTicketBySourceId(db, source_id);
  });
}

absl::StatusOr<std::optional<int64_t>> SqliteStore::FindCreateRequest(
    const std::string& principal, const std::string& request_id) {
  return ReadWith<std::optional<int64_t>>(*this, [&](Connection& db) {
    return storage::FindCreateRequest(db, principal, request_id);
  });
}

absl::StatusOr<std::vector<v1::Ticket>> SqliteStore::QueryTickets(
    const TicketQuery& query) {
  return ReadWith<std::vector<v1::Ticket>>(
      *this, [&](Connection& db) { return storage::QueryTickets(db, query); });
}

absl::StatusOr<std::vector<v1::Event>> SqliteStore::QueryTicketEvents(
    int64_t ticket_id, int64_t after_seq, int limit) {
  return ReadWith<std::vector<v1::Event>>(*this, [&](Connection& db) {
    return storage::QueryTicketEvents(db, ticket_id, after_seq, limit);
  });
}

absl::StatusOr<std::vector<v1::Event>> SqliteStore::QueryEventFeed(
    const EventFeedQuery& query) {
  return ReadWith<std::vector<v1::Event>>(*this, [&](Connection& db) {
    return storage::QueryEventFeed(db, query);
  });
}

absl::StatusOr<int64_t> SqliteStore::LatestSeq() {
  return ReadWith<int64_t>(
      *this, [](Connection& db) { return storage::LatestSeq(db); });
}

absl::StatusOr<int64_t> SqliteStore::LatestEventTimeMicros() {
  return ReadWith<int64_t>(
      *this, [](Connection& db) { return storage::LatestEventTimeMicros(db); });
}

absl::StatusOr<std::optional<SeqVoid>> SqliteStore::SeqVoidContaining(
    int64_t seq) {
  return ReadWith<std::optional<SeqVoid>>(*this, [&](Connection& db) {
    return storage::SeqVoidContaining(db, seq);
  });
}

absl::StatusOr<std::vector<int64_t>> SqliteStore::QueryDueTicketIds(
    int64_t now_micros, int limit) {
  return ReadWith<std::vector<int64_t>>(*this, [&](Connection& db) {
    return storage::QueryDueTicketIds(db, now_micros, limit);
  });
}

absl::StatusOr<std::optional<int64_t>> SqliteStore::EarliestDueMicros() {
  return ReadWith<std::optional<int64_t>>(
      *this, [](Connection& db) { return storage::EarliestDueMicros(db); });
}

absl::StatusOr<std::optional<v1::Card>> SqliteStore::LoadCard(int64_t id) {
  return ReadWith<std::optional<v1::Card>>(
      *this, [&](Connection& db) { return storage::LoadCard(db, id); });
}

absl::StatusOr<std::vector<v1::Card>> SqliteStore::QueryCards(
    const CardQuery& query) {
  return ReadWith<std::vector<v1::Card>>(
      *this, [&](Connection& db) { return storage::QueryCards(db, query); });
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
SqliteStore::QueryDailyReports(const DailyReportQuery& query) {
  return ReadWith<std::vector<std::pair<int64_t, v1::DailyReport>>>(
      *this,
      [&](Connection& db) { return storage::QueryDailyReports(db, query); });
}

absl::StatusOr<ComplianceCounts> SqliteStore::QueryCompliance(
    const std::string& department, const std::string& from_date,
    const std::string& to_date, int max_misses) {
  return ReadWith<ComplianceCounts>(*this, [&](Connection& db) {
    return storage::QueryCompliance(db, department, from_date, to_date,
                                    max_misses);
  });
}

absl::StatusOr<std::vector<StatSums>> SqliteStore::SumStats(
    const std::vector<StatSumQuery>& queries) {
  return ReadWith<std::vector<StatSums>>(*this, [&](Connection& db) {
    return storage::SumStatsTogether(db, queries);
  });
}

absl::StatusOr<OperationalCounts> SqliteStore::QueryOperationalCounts() {
  return ReadWith<OperationalCounts>(*this, [](Connection& db) {
    return storage::QueryOperationalCounts(db);
  });
}

absl::StatusOr<std::optional<v1::Department>> SqliteStore::LoadDepartment(
    const std::string& id) {
  return ReadWith<std::optional<v1::Department>>(
      *this, [&](Connection& db) { return storage::LoadDepartment(db, id); });
}

absl::StatusOr<std::vector<v1::Department>> SqliteStore::QueryDepartments(
    const std::string& after_id, int limit) {
  return ReadWith<std::vector<v1::Department>>(*this, [&](Connection& db) {
    return storage::QueryDepartments(db, after_id, limit);
  });
}

absl::StatusOr<std::optional<TokenRecord>> SqliteStore::LoadTokenBySecretHash(
    const std::string& secret_hash) {
  return ReadWith<std::optional<TokenRecord>>(*this, [&](Connection& db) {
    return storage::LoadTokenBySecretHash(db, secret_hash);
  });
}

absl::StatusOr<std::optional<TokenRecord>>
SqliteStore::LoadTokenByCertificateIdentity(const std::string& identity) {
  return ReadWith<std::optional<TokenRecord>>(*this, [&](Connection& db) {
    return storage::LoadTokenByCertificateIdentity(db, identity);
  });
}

absl::StatusOr<std::optional<TokenRecord>> SqliteStore::LoadTokenRecord(
    int64_t id) {
  return ReadWith<std::optional<TokenRecord>>(
      *this, [&](Connection& db) { return storage::LoadTokenRecord(db, id); });
}

absl::StatusOr<std::optional<v1::Token>> SqliteStore::LoadToken(int64_t id) {
  return ReadWith<std::optional<v1::Token>>(
      *this, [&](Connection& db) { return storage::LoadToken(db, id); });
}

absl::StatusOr<std::vector<v1::Token>> SqliteStore::QueryTokens(
    int64_t after_id, int limit) {
  return ReadWith<std::vector<v1::Token>>(*this, [&](Connection& db) {
    return storage::QueryTokens(db, after_id, limit);
  });
}

absl::StatusOr<std::vector<v1::Policy>> SqliteStore::LoadPolicies() {
  return ReadWith<std::vector<v1::Policy>>(
      *this, [](Connection& db) { return storage::LoadPolicies(db); });
}

absl::StatusOr<std::optional<std::string>> SqliteStore::LoadSetting(
    const std::string& key) {
  return ReadWith<std::optional<std::string>>(
      *this, [&](Connection& db) { return storage::LoadSetting(db, key); });
}

absl::StatusOr<std::optional<RequestOutcome>> SqliteStore::FindRequestOutcome(
    const std::string& key) {
  return ReadWith<std::optional<RequestOutcome>>(*this, [&](Connection& db) {
    return storage::FindRequestOutcome(db, key);
  });
}

absl::StatusOr<BackupFile> SqliteStore::WriteBackup(
    const std::string& directory, absl::Time now) {
  return storage::WriteBackup(*this, directory, now);
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(*std::move(store));
}

}  // namespace hotline::storage
