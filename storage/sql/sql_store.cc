#include "storage/sql/sql_store.h"

#include <algorithm>
#include <future>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/change_set.h"
#include "storage/sql/operational_counts.h"
#include "storage/sql/queries.h"
#include "storage/sql/request_outcomes.h"
#include "storage/sql/restored_history.h"
#include "storage/sql/settings.h"
#include "storage/sql/stat_rollup.h"

namespace hotline::storage {

StoreHealth SqlStore::health() const {
  absl::MutexLock lock(&health_mutex_);
  return health_;
}

void SqlStore::SetHealthListener(std::function<void(StoreHealth)> listener) {
  absl::MutexLock lock(&health_mutex_);
  health_listener_ = std::move(listener);
  if (health_listener_) health_listener_(health_);
}

void SqlStore::Observe(const absl::Status& status) {
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
  if (next == StoreHealth::kDamaged) damage_ = std::string(status.message());
  switch (next) {
    case StoreHealth::kDamaged:
      LogError(absl::StrCat(
          description_, " is damaged (", status.message(),
          "); health is NOT_SERVING and calls that meet the damage get "
          "DATA_LOSS: stop the server and restore the file from a backup"));
      break;
    case StoreHealth::kDiskFull:
      LogError(absl::StrCat(
          "disk full: writes to ", description_,
          " are refused (RESOURCE_EXHAUSTED) and health is NOT_SERVING "
          "until one commits again; free space on its disk"));
      break;
    case StoreHealth::kHealthy:
      LogWarning(absl::StrCat("writes to ", description_,
                              " commit again; health is SERVING"));
      break;
  }
  if (health_listener_) health_listener_(next);
}

absl::Status SqlStore::RefuseWhenDamaged() const {
  absl::MutexLock lock(&health_mutex_);
  if (health_ != StoreHealth::kDamaged) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat(description_, " is damaged (", damage_,
                   "); writes are refused until it is restored from a backup"));
}

SqlStore::~SqlStore() { Close(); }

void SqlStore::Write(WriteUnit unit, WriteDone done) {
  // Damage found anywhere stops every write: a write may depend on what
  // the damage hides, and the restore from a backup would lose it.
  writer_->Submit(
      [this, unit = std::move(unit)](Connection& db) {
        RETURN_IF_ERROR(RefuseWhenDamaged());
        return unit(db);
      },
      std::move(done));
}

absl::Status SqlStore::WriteAndWait(WriteUnit unit) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> result = promise.get_future();
  Write(std::move(unit),
        [&promise](absl::Status status) { promise.set_value(status); });
  return result.get();
}

void SqlStore::SetCommitListener(
    std::function<void(const std::vector<v1::Event>&)> listener) {
  commit_listener_ = std::move(listener);
}

void SqlStore::Commit(ChangeSet changes,
                      std::function<void(absl::Status)> done) {
  auto shared = std::make_shared<ChangeSet>(std::move(changes));
  // Through Write, which refuses every write once the file is damaged.
  Write([this, shared](Connection& db) { return Apply(db, *shared); },
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

absl::Status SqlStore::Apply(Connection& db, ChangeSet& changes) {
  for (const ExpectedVersion& expected : changes.expected_versions) {
    if (FirstUpdateChecks(changes, expected)) continue;
    ASSIGN_OR_RETURN(Statement stmt,
                     db.Prepare("SELECT version FROM tickets WHERE id = ?"));
    stmt.BindInt64(1, expected.ticket_id);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || absl::StrCat(stmt.ColumnInt64(0)) != expected.etag) {
      return ConflictError(absl::StrCat("tickets/", expected.ticket_id,
                                        " changed meanwhile; retry"));
    }
  }
  for (const v1::Ticket& ticket : changes.new_tickets) {
    if (absl::Status s = InsertTicketRow(db, ticket); !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) number_taken_ = true;
      return AsConflict(s, absl::StrCat(ticket.name(), " or its source_id"));
    }
  }
  for (const v1::Ticket& ticket : changes.tickets) {
    RETURN_IF_ERROR(UpdateTicketRow(db, ticket));
  }
  for (const CreateRequestRow& row : changes.create_requests) {
    if (absl::Status s =
            InsertCreateRequest(db, row.principal, row.request_id,
                                row.ticket_id, row.created_at_micros);
        !s.ok()) {
      return AsConflict(s, "the create's request_id");
    }
  }
  for (const AttachmentRow& row : changes.attachments) {
    if (absl::Status s = InsertAttachmentRow(db, row); !s.ok()) {
      return AsConflict(s, absl::StrCat("tickets/", row.ticket_id,
                                        "/attachments/", row.number));
    }
  }
  for (const v1::Card& card : changes.new_cards) {
    if (absl::Status s = InsertCardRow(db, card); !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) number_taken_ = true;
      return AsConflict(s, card.name());
    }
  }
  for (const v1::Card& card : changes.cards) {
    RETURN_IF_ERROR(UpdateCardRow(db, card));
  }
  for (const v1::DailyReport& report : changes.daily_reports) {
    RETURN_IF_ERROR(UpsertDailyReport(db, report));
  }
  std::vector<const TimedFacts*> settled;
  for (const DailyObligationRow& row : changes.obligations) {
    ASSIGN_OR_RETURN(bool inserted,
                     InsertDailyObligationRow(db, row.ticket_id, row.date,
                                              row.department, row.reported));
    if (inserted) settled.push_back(&row.stat_change);
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
      if (s.code() == absl::StatusCode::kAlreadyExists) number_taken_ = true;
      return AsConflict(
          s, absl::StrCat(row.token.name(), " or its certificate binding"));
    }
  }
  for (const TokenRevocation& row : changes.token_revocations) {
    RETURN_IF_ERROR(MarkTokenRevoked(db, row.id, row.revoked_at_micros));
  }
  for (const v1::Policy& policy : changes.policies) {
    RETURN_IF_ERROR(InsertPolicy(db, policy));
  }
  for (const auto& [key, value] : changes.settings) {
    RETURN_IF_ERROR(StoreSetting(db, key, value));
  }
  // Nothing can fail from here: what the unit adds to the group's batch
  // stays only if the unit did. Its events get their seqs, and their rows,
  // in BeforeCommit.
  for (const TimedFacts& change : changes.stat_changes) stats_.Add(change);
  for (const TimedFacts* change : settled) stats_.Add(*change);
  for (const v1::Ticket& ticket : changes.new_tickets) {
    receipt_hours_.Add(ToUnixMicros(ticket.received_at()), TicketId(ticket));
  }
  for (v1::Event& event : changes.events) {
    group_events_.push_back(std::move(event));
  }
  return absl::OkStatus();
}

absl::Status SqlStore::BeginGroup(Connection& /*db*/) {
  stats_.Clear();
  receipt_hours_.Clear();
  group_events_.clear();
  group_start_seq_ = next_seq_;
  return absl::OkStatus();
}

absl::Status SqlStore::BeforeCommit(Connection& db) {
  // The events last, so that an engine that serialises seqs across
  // processes (FirstSeqOfGroup) holds that for as short a time as it can:
  // these rows, the sums and the COMMIT.
  ASSIGN_OR_RETURN(int64_t first, FirstSeqOfGroup(db, next_seq_));
  group_start_seq_ = first;
  int64_t seq = first;
  for (v1::Event& event : group_events_) {
    event.set_seq(seq++);
    RETURN_IF_ERROR(InsertEventRow(db, event));
  }
  RETURN_IF_ERROR(stats_.Write(db));
  RETURN_IF_ERROR(receipt_hours_.Write(db));
  RETURN_IF_ERROR(SeqsOfGroupTaken(db, first, seq));
  next_seq_ = seq;
  return absl::OkStatus();
}

void SqlStore::EndGroup(Connection& db, bool committed) {
  if (!committed) next_seq_ = group_start_seq_;
  if (number_taken_) {
    number_taken_ = false;
    NumberTaken(db);
  }
  if (committed && !group_events_.empty()) Committed(group_events_);
  stats_.Clear();
  receipt_hours_.Clear();
  group_events_.clear();
}

// ---- Reads.

namespace {

template <typename T, typename F>
absl::StatusOr<T> ReadWith(SqlStore& store, F f) {
  return store.Read<T>(std::function<absl::StatusOr<T>(Connection&)>(f));
}

}  // namespace

absl::StatusOr<std::optional<v1::Ticket>> SqlStore::LoadTicket(int64_t id) {
  return ReadWith<std::optional<v1::Ticket>>(
      *this, [&](Connection& db) { return storage::LoadTicket(db, id); });
}

absl::StatusOr<std::optional<v1::Ticket>> SqlStore::LoadTicketBySourceId(
    const std::string& source_id) {
  return ReadWith<std::optional<v1::Ticket>>(*this, [&](Connection& db) {
    return storage::LoadTicketBySourceId(db, source_id);
  });
}

absl::StatusOr<std::optional<int64_t>> SqlStore::FindCreateRequest(
    const std::string& principal, const std::string& request_id) {
  return ReadWith<std::optional<int64_t>>(*this, [&](Connection& db) {
    return storage::FindCreateRequest(db, principal, request_id);
  });
}

absl::StatusOr<std::vector<v1::Ticket>> SqlStore::QueryTickets(
    const TicketQuery& query) {
  return ReadWith<std::vector<v1::Ticket>>(
      *this, [&](Connection& db) { return storage::QueryTickets(db, query); });
}

absl::StatusOr<std::vector<v1::Event>> SqlStore::QueryTicketEvents(
    int64_t ticket_id, int64_t after_seq, int limit) {
  return ReadWith<std::vector<v1::Event>>(*this, [&](Connection& db) {
    return storage::QueryTicketEvents(db, ticket_id, after_seq, limit);
  });
}

absl::StatusOr<std::vector<v1::Event>> SqlStore::QueryEventFeed(
    const EventFeedQuery& query) {
  return ReadWith<std::vector<v1::Event>>(*this, [&](Connection& db) {
    return storage::QueryEventFeed(db, query);
  });
}

absl::StatusOr<int64_t> SqlStore::LatestSeq() {
  return ReadWith<int64_t>(
      *this, [](Connection& db) { return storage::LatestSeq(db); });
}

absl::StatusOr<int64_t> SqlStore::LatestEventTimeMicros() {
  return ReadWith<int64_t>(
      *this, [](Connection& db) { return storage::LatestEventTimeMicros(db); });
}

absl::StatusOr<std::optional<SeqVoid>> SqlStore::SeqVoidContaining(
    int64_t seq) {
  return ReadWith<std::optional<SeqVoid>>(*this, [&](Connection& db) {
    return storage::SeqVoidContaining(db, seq);
  });
}

absl::StatusOr<std::vector<int64_t>> SqlStore::QueryDueTicketIds(
    int64_t now_micros, int limit) {
  return ReadWith<std::vector<int64_t>>(*this, [&](Connection& db) {
    return storage::QueryDueTicketIds(db, now_micros, limit);
  });
}

absl::StatusOr<std::optional<int64_t>> SqlStore::EarliestDueMicros() {
  return ReadWith<std::optional<int64_t>>(
      *this, [](Connection& db) { return storage::EarliestDueMicros(db); });
}

absl::StatusOr<std::optional<v1::Card>> SqlStore::LoadCard(int64_t id) {
  return ReadWith<std::optional<v1::Card>>(
      *this, [&](Connection& db) { return storage::LoadCard(db, id); });
}

absl::StatusOr<std::vector<v1::Card>> SqlStore::QueryCards(
    const CardQuery& query) {
  return ReadWith<std::vector<v1::Card>>(
      *this, [&](Connection& db) { return storage::QueryCards(db, query); });
}

absl::StatusOr<std::vector<v1::Notice>> SqlStore::QueryNotices(
    const NoticeQuery& query) {
  return ReadWith<std::vector<v1::Notice>>(
      *this, [&](Connection& db) { return storage::QueryNotices(db, query); });
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
SqlStore::QueryDailyReports(const DailyReportQuery& query) {
  return ReadWith<std::vector<std::pair<int64_t, v1::DailyReport>>>(
      *this,
      [&](Connection& db) { return storage::QueryDailyReports(db, query); });
}

absl::StatusOr<ComplianceCounts> SqlStore::QueryCompliance(
    const std::string& department, const std::string& from_date,
    const std::string& to_date, int max_misses) {
  return ReadWith<ComplianceCounts>(*this, [&](Connection& db) {
    return storage::QueryCompliance(db, department, from_date, to_date,
                                    max_misses);
  });
}

absl::StatusOr<int64_t> SqlStore::SumAttachmentBytes(
    const std::string& added_by, int64_t from_micros, int64_t to_micros) {
  return ReadWith<int64_t>(*this, [&](Connection& db) {
    return storage::SumAttachmentBytes(db, added_by, from_micros, to_micros);
  });
}

absl::StatusOr<std::vector<StatSums>> SqlStore::SumStats(
    const std::vector<StatSumQuery>& queries) {
  return ReadWith<std::vector<StatSums>>(*this, [&](Connection& db) {
    return storage::SumStatsTogether(db, queries);
  });
}

absl::StatusOr<OperationalCounts> SqlStore::QueryOperationalCounts() {
  return ReadWith<OperationalCounts>(*this, [](Connection& db) {
    return storage::QueryOperationalCounts(db);
  });
}

absl::StatusOr<std::optional<v1::Department>> SqlStore::LoadDepartment(
    const std::string& id) {
  return ReadWith<std::optional<v1::Department>>(
      *this, [&](Connection& db) { return storage::LoadDepartment(db, id); });
}

absl::StatusOr<std::vector<v1::Department>> SqlStore::QueryDepartments(
    const std::string& after_id, int limit) {
  return ReadWith<std::vector<v1::Department>>(*this, [&](Connection& db) {
    return storage::QueryDepartments(db, after_id, limit);
  });
}

absl::StatusOr<std::optional<TokenRecord>> SqlStore::LoadTokenBySecretHash(
    const std::string& secret_hash) {
  return ReadWith<std::optional<TokenRecord>>(*this, [&](Connection& db) {
    return storage::LoadTokenBySecretHash(db, secret_hash);
  });
}

absl::StatusOr<std::optional<TokenRecord>>
SqlStore::LoadTokenByCertificateIdentity(const std::string& identity) {
  return ReadWith<std::optional<TokenRecord>>(*this, [&](Connection& db) {
    return storage::LoadTokenByCertificateIdentity(db, identity);
  });
}

absl::StatusOr<std::optional<TokenRecord>> SqlStore::LoadTokenRecord(
    int64_t id) {
  return ReadWith<std::optional<TokenRecord>>(
      *this, [&](Connection& db) { return storage::LoadTokenRecord(db, id); });
}

absl::StatusOr<std::optional<v1::Token>> SqlStore::LoadToken(int64_t id) {
  return ReadWith<std::optional<v1::Token>>(
      *this, [&](Connection& db) { return storage::LoadToken(db, id); });
}

absl::StatusOr<std::vector<v1::Token>> SqlStore::QueryTokens(int64_t after_id,
                                                             int limit) {
  return ReadWith<std::vector<v1::Token>>(*this, [&](Connection& db) {
    return storage::QueryTokens(db, after_id, limit);
  });
}

absl::StatusOr<std::vector<v1::Policy>> SqlStore::LoadPolicies() {
  return ReadWith<std::vector<v1::Policy>>(
      *this, [](Connection& db) { return storage::LoadPolicies(db); });
}

absl::StatusOr<std::optional<std::string>> SqlStore::LoadSetting(
    const std::string& key) {
  return ReadWith<std::optional<std::string>>(
      *this, [&](Connection& db) { return storage::LoadSetting(db, key); });
}

absl::StatusOr<std::optional<RequestOutcome>> SqlStore::FindRequestOutcome(
    const std::string& key) {
  return ReadWith<std::optional<RequestOutcome>>(*this, [&](Connection& db) {
    return storage::FindRequestOutcome(db, key);
  });
}

SqlStore::Lease::Lease(SqlStore* s) : store(s) {
  absl::MutexLock lock(&store->pool_mutex_);
  if (NonBlockingReads::Active() && store->idle_readers_.empty() &&
      !store->closed_) {
    would_block = true;
    return;
  }
  store->pool_mutex_.Await(absl::Condition(
      +[](SqlStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->pool_mutex_) {
        return !s->idle_readers_.empty() || s->closed_;
      },
      store));
  if (store->closed_) return;
  connection = std::move(store->idle_readers_.back());
  store->idle_readers_.pop_back();
}

SqlStore::Lease::~Lease() {
  if (connection == nullptr) return;
  absl::MutexLock lock(&store->pool_mutex_);
  // A connection returned after Close is dropped here, closing it.
  if (!store->closed_) store->idle_readers_.push_back(std::move(connection));
}

void SqlStore::Close() {
  if (stat_log_conversion_ != nullptr) stat_log_conversion_->Stop();
  {
    absl::MutexLock lock(&pool_mutex_);
    closed_ = true;
    idle_readers_.clear();
  }
  if (writer_ != nullptr) writer_->Stop();
}

absl::Status SqlStore::AwaitStatLogConversion() {
  if (stat_log_conversion_ == nullptr) return absl::OkStatus();
  return stat_log_conversion_->Wait();
}

void SqlStore::Start(std::vector<std::unique_ptr<Connection>> readers,
                     std::unique_ptr<Connection> writer, int max_write_batch,
                     int64_t next_seq) {
  {
    absl::MutexLock lock(&pool_mutex_);
    for (auto& reader : readers) idle_readers_.push_back(std::move(reader));
  }
  next_seq_ = next_seq;
  group_start_seq_ = next_seq;
  writer_ = std::make_unique<Writer>(std::move(writer), max_write_batch);
  writer_->SetGroupHooks(this);
  writer_->SetOutcomeObserver(
      [this](const absl::Status& status) { Observe(status); });
  absl::StatusOr<std::unique_ptr<StatLogConversion>> conversion =
      Read<std::unique_ptr<StatLogConversion>>([this](Connection& db) {
        return StatLogConversion::StartIfNeeded(
            db,
            [this](WriteUnit unit) { return WriteAndWait(std::move(unit)); },
            description_);
      });
  if (conversion.ok()) {
    stat_log_conversion_ = *std::move(conversion);
  } else {
    LogWarning(absl::StrCat(description_,
                            ": the statistics log stays in its text form "
                            "until the next start: ",
                            conversion.status().message()));
  }
}

}  // namespace hotline::storage
