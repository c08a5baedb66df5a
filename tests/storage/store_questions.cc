#include "tests/storage/store_questions.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/storage/store_answers.h"
#include "workflow/stat_facts.h"

namespace hotline::conformance {
namespace {

using storage::CardQuery;
using storage::ChangeSet;
using storage::DailyReportQuery;
using storage::EventFeedQuery;
using storage::NoticeQuery;
using storage::Store;
using storage::TicketQuery;
using v1::Event;
using v1::Ticket;

// A Store that hands every call to a real one and notes the name of each
// read made through it (__func__: the name the compiler gives, not a label
// a case could get wrong).
class RecordingStore final : public Store {
 public:
  explicit RecordingStore(Store& store) : store_(store) {}
  const std::set<std::string>& reads() const { return reads_; }

  void Commit(ChangeSet changes,
              std::function<void(absl::Status)> done) override {
    store_.Commit(std::move(changes), std::move(done));
  }
  absl::StatusOr<int64_t> ReserveNumbers(storage::NumberKind kind,
                                         int count) override {
    return store_.ReserveNumbers(kind, count);
  }
  void SetCommitListener(
      std::function<void(const std::vector<Event>&)> listener) override {
    store_.SetCommitListener(std::move(listener));
  }
  void SetCommitGroupObserver(
      std::function<void(const storage::CommitGroupStats&)> observer) override {
    store_.SetCommitGroupObserver(std::move(observer));
  }
  int WriteQueueDepth() const override { return store_.WriteQueueDepth(); }
  absl::StatusOr<bool> HoldLeadership() override {
    return store_.HoldLeadership();
  }
  bool Shared() const override { return store_.Shared(); }
  storage::StoreHealth health() const override { return store_.health(); }
  void SetHealthListener(
      std::function<void(storage::StoreHealth)> listener) override {
    store_.SetHealthListener(std::move(listener));
  }
  absl::StatusOr<std::optional<Ticket>> LoadTicket(int64_t id) override {
    Note(__func__);
    return store_.LoadTicket(id);
  }
  absl::StatusOr<std::optional<Ticket>> LoadTicketBySourceId(
      const std::string& source_id) override {
    Note(__func__);
    return store_.LoadTicketBySourceId(source_id);
  }
  absl::StatusOr<std::optional<int64_t>> FindCreateRequest(
      const std::string& principal, const std::string& request_id) override {
    Note(__func__);
    return store_.FindCreateRequest(principal, request_id);
  }
  absl::StatusOr<std::vector<Ticket>> QueryTickets(
      const TicketQuery& query) override {
    Note(__func__);
    return store_.QueryTickets(query);
  }
  absl::StatusOr<std::vector<Event>> QueryTicketEvents(int64_t ticket_id,
                                                       int64_t after_seq,
                                                       int limit) override {
    Note(__func__);
    return store_.QueryTicketEvents(ticket_id, after_seq, limit);
  }
  absl::StatusOr<std::vector<Event>> QueryEventFeed(
      const EventFeedQuery& query) override {
    Note(__func__);
    return store_.QueryEventFeed(query);
  }
  absl::StatusOr<int64_t> LatestSeq() override {
    Note(__func__);
    return store_.LatestSeq();
  }
  absl::StatusOr<int64_t> LatestEventTimeMicros() override {
    Note(__func__);
    return store_.LatestEventTimeMicros();
  }
  absl::StatusOr<std::optional<storage::SeqVoid>> SeqVoidContaining(
      int64_t seq) override {
    Note(__func__);
    return store_.SeqVoidContaining(seq);
  }
  absl::StatusOr<std::vector<int64_t>> QueryDueTicketIds(int64_t now_micros,
                                                         int limit) override {
    Note(__func__);
    return store_.QueryDueTicketIds(now_micros, limit);
  }
  absl::StatusOr<std::optional<int64_t>> EarliestDueMicros() override {
    Note(__func__);
    return store_.EarliestDueMicros();
  }
  absl::StatusOr<std::optional<v1::Card>> LoadCard(int64_t id) override {
    Note(__func__);
    return store_.LoadCard(id);
  }
  absl::StatusOr<std::vector<v1::Card>> QueryCards(
      const CardQuery& query) override {
    Note(__func__);
    return store_.QueryCards(query);
  }
  absl::StatusOr<std::vector<v1::Notice>> QueryNotices(
      const NoticeQuery& query) override {
    Note(__func__);
    return store_.QueryNotices(query);
  }
  absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
  QueryDailyReports(const DailyReportQuery& query) override {
    Note(__func__);
    return store_.QueryDailyReports(query);
  }
  absl::StatusOr<storage::ComplianceCounts> QueryCompliance(
      const std::string& department, const std::string& from_date,
      const std::string& to_date, int max_misses) override {
    Note(__func__);
    return store_.QueryCompliance(department, from_date, to_date, max_misses);
  }
  absl::StatusOr<std::vector<storage::StatSums>> SumStats(
      const std::vector<storage::StatSumQuery>& queries) override {
    Note(__func__);
    return store_.SumStats(queries);
  }
  absl::StatusOr<std::unique_ptr<storage::BlobWriter>> NewBlob() override {
    return store_.NewBlob();
  }
  absl::StatusOr<std::string> ReadBlob(const std::string& sha256) override {
    Note(__func__);
    return store_.ReadBlob(sha256);
  }
  absl::StatusOr<int> CollectBlobs(absl::Duration min_age) override {
    return store_.CollectBlobs(min_age);
  }
  absl::StatusOr<int64_t> SumAttachmentBytes(const std::string& added_by,
                                             int64_t from_micros,
                                             int64_t to_micros) override {
    Note(__func__);
    return store_.SumAttachmentBytes(added_by, from_micros, to_micros);
  }
  absl::StatusOr<storage::OperationalCounts> QueryOperationalCounts() override {
    Note(__func__);
    return store_.QueryOperationalCounts();
  }
  absl::StatusOr<std::optional<v1::Department>> LoadDepartment(
      const std::string& id) override {
    Note(__func__);
    return store_.LoadDepartment(id);
  }
  absl::StatusOr<std::vector<v1::Department>> QueryDepartments(
      const std::string& after_id, int limit) override {
    Note(__func__);
    return store_.QueryDepartments(after_id, limit);
  }
  absl::StatusOr<std::optional<storage::TokenRecord>> LoadTokenBySecretHash(
      const std::string& secret_hash) override {
    Note(__func__);
    return store_.LoadTokenBySecretHash(secret_hash);
  }
  absl::StatusOr<std::optional<storage::TokenRecord>>
  LoadTokenByCertificateIdentity(const std::string& identity) override {
    Note(__func__);
    return store_.LoadTokenByCertificateIdentity(identity);
  }
  absl::StatusOr<std::optional<storage::TokenRecord>> LoadTokenRecord(
      int64_t id) override {
    Note(__func__);
    return store_.LoadTokenRecord(id);
  }
  absl::StatusOr<std::optional<v1::Token>> LoadToken(int64_t id) override {
    Note(__func__);
    return store_.LoadToken(id);
  }
  absl::StatusOr<std::vector<v1::Token>> QueryTokens(int64_t after_id,
                                                     int limit) override {
    Note(__func__);
    return store_.QueryTokens(after_id, limit);
  }
  absl::StatusOr<std::vector<v1::Policy>> LoadPolicies() override {
    Note(__func__);
    return store_.LoadPolicies();
  }
  absl::StatusOr<std::optional<std::string>> LoadSetting(
      const std::string& key) override {
    Note(__func__);
    return store_.LoadSetting(key);
  }
  absl::StatusOr<std::optional<storage::RequestOutcome>> FindRequestOutcome(
      const std::string& key) override {
    Note(__func__);
    return store_.FindRequestOutcome(key);
  }
  absl::StatusOr<storage::BackupFile> WriteBackup(const std::string& directory,
                                                  absl::Time now) override {
    return store_.WriteBackup(directory, now);
  }
  void Close() override { store_.Close(); }

 private:
  void Note(const char* method) { reads_.insert(method); }

  Store& store_;
  std::set<std::string> reads_;
};

// Asks every read of the Store interface of `store`, checking each answer
// the history determines; `answers` gets every answer, for the comparison
// of the engines.
class Questions {
 public:
  Questions(Store& store, const History& history, std::string engine)
      : store_(store), h_(history), engine_(std::move(engine)) {}

  Answers AskEveryRead() {
    AskTicketReads();
    AskTicketLists();
    AskEventReads();
    AskDueTickets();
    AskCards();
    AskNotices();
    AskDailyReports();
    AskStatistics();
    AskDepartmentsAndTokens();
    AskPoliciesSettingsAndRequests();
    AskAttachments();
    EXPECT_EQ(wrong_answers_, 0)
        << engine_ << ": answers otherwise than the history says, of "
        << answers_.size();
    return std::move(answers_);
  }

 private:
  // Each adder's attachment bytes over the whole history, over one day and
  // over nothing; a blob stored, read back, and one never stored.
  void AskAttachments() {
    std::map<std::string, int64_t> total;
    int64_t first_at = std::numeric_limits<int64_t>::max();
    for (const storage::AttachmentRow& row : h_.attachments) {
      total[row.added_by] += row.size;
      first_at = std::min(first_at, row.added_at_micros);
    }
    total["department/nobody"] = 0;
    for (const auto& [adder, bytes] : total) {
      Answer(absl::StrCat("SumAttachmentBytes ", adder),
             Text(store_.SumAttachmentBytes(
                 adder, 0, std::numeric_limits<int64_t>::max())),
             absl::StrCat(bytes));
      int64_t day = 0;
      const int64_t day_end =
          first_at + absl::ToInt64Microseconds(absl::Hours(24));
      for (const storage::AttachmentRow& row : h_.attachments) {
        if (row.added_by == adder && row.added_at_micros >= first_at &&
            row.added_at_micros < day_end) {
          day += row.size;
        }
      }
      Answer(absl::StrCat("SumAttachmentBytes ", adder, " first day"),
             Text(store_.SumAttachmentBytes(adder, first_at, day_end)),
             absl::StrCat(day));
    }
    absl::StatusOr<std::unique_ptr<storage::BlobWriter>> blob =
        store_.NewBlob();
    ASSERT_TRUE(blob.ok()) << blob.status();
    ASSERT_TRUE((*blob)->Append("照片的字节 ").ok());
    ASSERT_TRUE((*blob)->Append("and more").ok());
    absl::StatusOr<storage::BlobRef> ref = (*blob)->Finish();
    ASSERT_TRUE(ref.ok()) << ref.status();
    Answer("ReadBlob stored", Text(store_.ReadBlob(ref->sha256)),
           Text(absl::StatusOr<std::string>("照片的字节 and more")));
    Answer("ReadBlob never stored", Text(store_.ReadBlob(std::string(64, 'f'))),
           "error DATA_LOSS");
  }

  // Records the answer; when `expected` is given, the answer must be it
  // (the first 20 wrong answers are shown, then only counted).
  void Answer(const std::string& question, const std::string& answer,
              const std::optional<std::string>& expected = std::nullopt) {
    if (expected && answer != *expected && ++wrong_answers_ <= 20) {
      ADD_FAILURE() << engine_ << " answers " << question
                    << " otherwise than the history says:\n  answer:   "
                    << answer.substr(0, 400)
                    << "\n  expected: " << expected->substr(0, 400);
    }
    answers_.emplace_back(question, answer);
  }

  int64_t LastTicketId() const { return h_.tickets.rbegin()->first; }

  void AskTicketReads() {
    for (const auto& [id, ticket] : h_.tickets) {
      Answer(absl::StrCat("LoadTicket ", id), Text(store_.LoadTicket(id)),
             Text(ticket));
      if (!ticket.source_id().empty()) {
        Answer(absl::StrCat("LoadTicketBySourceId ", ticket.source_id()),
               Text(store_.LoadTicketBySourceId(ticket.source_id())),
               Text(ticket));
      }
    }
    Answer("LoadTicket 0", Text(store_.LoadTicket(0)), "none");
    Answer("LoadTicket past the last",
           Text(store_.LoadTicket(LastTicketId() + 1)), "none");
    for (const std::string& missing : {std::string(""), std::string("SRC-0")}) {
      Answer(absl::StrCat("LoadTicketBySourceId '", missing, "'"),
             Text(store_.LoadTicketBySourceId(missing)), "none");
    }
    for (const storage::CreateRequestRow& row : h_.create_requests) {
      Answer(absl::StrCat("FindCreateRequest ", row.principal, " ",
                          row.request_id),
             Text(store_.FindCreateRequest(row.principal, row.request_id)),
             Text(row.ticket_id));
      Answer(absl::StrCat("FindCreateRequest bureau ", row.request_id),
             Text(store_.FindCreateRequest("bureau", row.request_id)), "none");
    }
  }

  // ---- Ticket lists: every filter field alone and every pair of fields,
  // each paged to its end.

  enum Field {
    kState,
    kDepartment,
    kType,
    kTopic,
    kUrgency,
    kSourceId,
    kCreatedBy,
    kCategory,
    kReceivedFrom,
    kReceivedUntil,
    kFieldCount
  };

  // Sets `field` of `query` to what `ticket` has.
  static void SetFrom(TicketQuery& query, Field field, const Ticket& ticket) {
    switch (field) {
      case kState:
        query.state = ticket.state();
        break;
      case kDepartment:
        query.department = ticket.department();
        break;
      case kType:
        query.type = ticket.type();
        break;
      case kTopic:
        query.topic = ticket.topic();
        break;
      case kUrgency:
        query.urgency = ticket.urgency();
        break;
      case kSourceId:
        query.source_id = ticket.source_id();
        break;
      case kCreatedBy:
        query.created_by = ticket.created_by();
        break;
      case kCategory:
        // Its 大类, which takes the codes under it (the codes themselves
        // are asked below).
        query.category = ticket.category().substr(0, 2);
        break;
      case kReceivedFrom:
        query.received_from_micros = ToUnixMicros(ticket.received_at());
        break;
      case kReceivedUntil:
        query.received_until_micros = ToUnixMicros(ticket.received_at());
        break;
      case kFieldCount:
        break;
    }
  }

  static bool Matches(const TicketQuery& q, const Ticket& t) {
    const int64_t received = ToUnixMicros(t.received_at());
    // An unset department or source_id is stored as NULL: no value
    // matches it, not even "".
    return (!q.state || *q.state == t.state()) &&
           (!q.department ||
            (!t.department().empty() && *q.department == t.department())) &&
           (!q.type || *q.type == t.type()) &&
           (!q.topic || *q.topic == t.topic()) &&
           (!q.urgency || *q.urgency == t.urgency()) &&
           (!q.source_id ||
            (!t.source_id().empty() && *q.source_id == t.source_id())) &&
           (!q.created_by || *q.created_by == t.created_by()) &&
           // A ticket without a category is stored as NULL: no code takes
           // it.
           (!q.category || (!t.category().empty() &&
                            absl::StartsWith(t.category(), *q.category))) &&
           (!q.received_from_micros || received >= *q.received_from_micros) &&
           (!q.received_until_micros || received <= *q.received_until_micros);
  }

  static std::string Describe(const TicketQuery& q) {
    std::vector<std::string> parts;
    if (q.state) parts.push_back(absl::StrCat("state=", *q.state));
    if (q.department) parts.push_back("department=" + *q.department);
    if (q.type) parts.push_back(absl::StrCat("type=", *q.type));
    if (q.topic) parts.push_back("topic=" + *q.topic);
    if (q.urgency) parts.push_back(absl::StrCat("urgency=", *q.urgency));
    if (q.source_id) parts.push_back("source_id=" + *q.source_id);
    if (q.created_by) parts.push_back("created_by=" + *q.created_by);
    if (q.category) parts.push_back("category=" + *q.category);
    if (q.received_from_micros) {
      parts.push_back(absl::StrCat("received>=", *q.received_from_micros));
    }
    if (q.received_until_micros) {
      parts.push_back(absl::StrCat("received<=", *q.received_until_micros));
    }
    return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
  }

  void AskTicketList(const TicketQuery& query) {
    std::vector<Ticket> expected;
    for (const auto& [id, ticket] : h_.tickets) {
      if (Matches(query, ticket)) expected.push_back(ticket);
    }
    for (int limit : {4, 1000}) {
      Pages<Ticket> pages = ReadAllPages<Ticket>(
          int64_t{0}, limit,
          [&](int64_t after, int page_limit) {
            TicketQuery page = query;
            page.after_id = after;
            page.limit = page_limit;
            return store_.QueryTickets(page);
          },
          [](const Ticket& t) { return storage::TicketId(t); });
      Answer(absl::StrCat("QueryTickets ", Describe(query), " limit ", limit),
             PagesText(pages), ExpectedPagesText(expected, limit));
    }
  }

  void AskTicketLists() {
    // No filter, one at a time too.
    {
      std::vector<Ticket> all;
      for (const auto& [id, ticket] : h_.tickets) all.push_back(ticket);
      Pages<Ticket> pages = ReadAllPages<Ticket>(
          int64_t{0}, 1,
          [&](int64_t after, int limit) {
            TicketQuery page;
            page.after_id = after;
            page.limit = limit;
            return store_.QueryTickets(page);
          },
          [](const Ticket& t) { return storage::TicketId(t); });
      Answer("QueryTickets {} limit 1", PagesText(pages),
             ExpectedPagesText(all, 1));
      AskTicketList(TicketQuery());
    }
    // Each field alone, with every value some ticket has and one none has.
    for (int field = 0; field < kFieldCount; ++field) {
      std::set<std::string> seen;
      for (const auto& [id, ticket] : h_.tickets) {
        TicketQuery query;
        SetFrom(query, static_cast<Field>(field), ticket);
        if (!seen.insert(Describe(query)).second) continue;
        AskTicketList(query);
      }
    }
    TicketQuery nothing;
    nothing.state = Ticket::STATE_UNSPECIFIED;
    AskTicketList(nothing);
    nothing = TicketQuery();
    nothing.department = DepartmentName("nowhere");
    AskTicketList(nothing);
    nothing = TicketQuery();
    nothing.topic = "NOISE";
    AskTicketList(nothing);
    for (const char* code : {"99", "0101", "010101"}) {
      nothing = TicketQuery();
      nothing.category = code;
      AskTicketList(nothing);
    }
    nothing = TicketQuery();
    nothing.created_by = "intake/nobody";
    AskTicketList(nothing);
    // Received ranges: a week, a whole quarter, an empty one, bounds
    // reversed.
    const int64_t start = Micros(At(2026, 1, 20));
    for (const auto& [from, until] : std::vector<std::pair<int64_t, int64_t>>{
             {start, start + absl::ToInt64Microseconds(absl::Hours(24 * 7))},
             {Micros(At(2025, 12, 31)), Micros(At(2026, 4, 1))},
             {Micros(At(2026, 6, 1)), Micros(At(2026, 7, 1))},
             {start + 1, start}}) {
      TicketQuery query;
      query.received_from_micros = from;
      query.received_until_micros = until;
      AskTicketList(query);
    }
    // Every pair of fields, from the same ticket (a non-empty answer) and
    // from two different ones (often an empty one).
    const std::vector<std::pair<int, int>> samples = {
        {7, 7}, {22, 22}, {41, 41}, {64, 64}, {13, 58}};
    const int64_t first = h_.tickets.begin()->first;
    for (int a = 0; a < kFieldCount; ++a) {
      for (int b = a + 1; b < kFieldCount; ++b) {
        for (const auto& [i, j] : samples) {
          TicketQuery query;
          SetFrom(query, static_cast<Field>(a), h_.tickets.at(first + i));
          SetFrom(query, static_cast<Field>(b), h_.tickets.at(first + j));
          AskTicketList(query);
        }
      }
    }
  }

  // ---- Events.

  void AskEventFeed(const std::string& label, const EventFeedQuery& query,
                    const std::function<bool(const Event&)>& matches) {
    std::vector<Event> expected;
    for (const Event& e : h_.events) {
      if (matches(e)) expected.push_back(e);
    }
    for (int limit : {7, 1000}) {
      Pages<Event> pages = ReadAllPages<Event>(
          int64_t{0}, limit,
          [&](int64_t after, int page_limit) {
            EventFeedQuery page = query;
            page.after_seq = after;
            page.limit = page_limit;
            return store_.QueryEventFeed(page);
          },
          [](const Event& e) { return e.seq(); });
      Answer(absl::StrCat("QueryEventFeed ", label, " limit ", limit),
             PagesText(pages), ExpectedPagesText(expected, limit));
    }
  }

  void AskEventReads() {
    Answer("LatestSeq", Text(store_.LatestSeq()),
           Text(static_cast<int64_t>(h_.events.size())));
    Answer("LatestEventTimeMicros", Text(store_.LatestEventTimeMicros()),
           Text(ToUnixMicros(h_.events.back().time())));
    for (int64_t seq :
         {int64_t{1}, static_cast<int64_t>(h_.events.size()), int64_t{99'999},
          int64_t{100'000}, int64_t{150'000}, int64_t{200'000},
          int64_t{200'001}, int64_t{300'005}, int64_t{300'011}}) {
      std::optional<storage::SeqVoid> expected;
      if (seq >= 100'000 && seq <= 200'000) {
        expected = storage::SeqVoid{100'000, 200'000};
      } else if (seq >= 300'000 && seq <= 300'010) {
        expected = storage::SeqVoid{300'000, 300'010};
      }
      Answer(absl::StrCat("SeqVoidContaining ", seq),
             Text(store_.SeqVoidContaining(seq)), Text(expected));
    }
    AskEventFeed("{}", EventFeedQuery(), [](const Event&) { return true; });
    {
      EventFeedQuery query;
      Pages<Event> pages = ReadAllPages<Event>(
          int64_t{0}, 1,
          [&](int64_t after, int limit) {
            query.after_seq = after;
            query.limit = limit;
            return store_.QueryEventFeed(query);
          },
          [](const Event& e) { return e.seq(); });
      Answer("QueryEventFeed {} limit 1", PagesText(pages),
             ExpectedPagesText(h_.events, 1));
    }
    for (const char* id : kDepartmentIds) {
      const std::string department = DepartmentName(id);
      EventFeedQuery query;
      query.department = department;
      AskEventFeed("department=" + department, query, [&](const Event& e) {
        return e.department() == department ||
               e.previous_department() == department;
      });
    }
    {
      EventFeedQuery query;
      query.department = DepartmentName("nowhere");
      AskEventFeed("department=nowhere", query,
                   [](const Event&) { return false; });
    }
    for (const char* creator : kCreators) {
      EventFeedQuery query;
      query.created_by = creator;
      AskEventFeed(absl::StrCat("created_by=", creator), query,
                   [&](const Event& e) {
                     return h_.tickets.at(storage::TicketIdOfName(e.ticket()))
                                .created_by() == creator;
                   });
    }
    for (const auto& [id, ticket] : h_.tickets) {
      EventFeedQuery query;
      query.ticket_id = id;
      const std::string name = ticket.name();
      AskEventFeed(absl::StrCat("ticket=", id), query,
                   [&](const Event& e) { return e.ticket() == name; });
      std::vector<Event> expected;
      for (const Event& e : h_.events) {
        if (e.ticket() == name) expected.push_back(e);
      }
      Pages<Event> pages = ReadAllPages<Event>(
          int64_t{0}, 2,
          [&](int64_t after, int limit) {
            return store_.QueryTicketEvents(id, after, limit);
          },
          [](const Event& e) { return e.seq(); });
      Answer(absl::StrCat("QueryTicketEvents ", id, " limit 2"),
             PagesText(pages), ExpectedPagesText(expected, 2));
    }
    Answer("QueryTicketEvents of no ticket",
           Text(store_.QueryTicketEvents(LastTicketId() + 1, 0, 10)), "0:");
  }

  // ---- Deadlines: most overdue first, ties by id.

  void AskDueTickets() {
    std::vector<std::pair<int64_t, int64_t>> due;  // (next_due_at, id)
    for (const auto& [id, ticket] : h_.tickets) {
      if (ticket.has_next_due_at()) {
        due.emplace_back(ToUnixMicros(ticket.next_due_at()), id);
      }
    }
    std::sort(due.begin(), due.end());
    Answer("EarliestDueMicros", Text(store_.EarliestDueMicros()),
           Text(due.front().first));
    for (absl::Time now : {At(2026, 1, 1), At(2026, 1, 6, 9),
                           At(2026, 1, 7, 20), At(2027, 1, 1)}) {
      for (int limit : {1, 5, 1000}) {
        std::vector<int64_t> expected;
        for (const auto& [at, id] : due) {
          if (at <= Micros(now) && static_cast<int>(expected.size()) < limit) {
            expected.push_back(id);
          }
        }
        Answer(absl::StrCat("QueryDueTicketIds ", absl::FormatTime(now),
                            " limit ", limit),
               Text(store_.QueryDueTicketIds(Micros(now), limit)),
               Text(expected));
      }
    }
  }

  // ---- Cards: each filter alone and every pair.

  static bool Matches(const CardQuery& q, const v1::Card& c) {
    const int64_t issued = ToUnixMicros(c.issue_time());
    return (!q.department || *q.department == c.department()) &&
           (!q.ticket_id ||
            *q.ticket_id == storage::TicketIdOfName(c.ticket())) &&
           (!q.color || *q.color == c.color()) &&
           (!q.issued_from_micros || issued >= *q.issued_from_micros) &&
           (!q.issued_to_micros || issued < *q.issued_to_micros) &&
           (!q.active || *q.active == !c.has_revoke_time());
  }

  // Sets field `field` (0-5) of `query` from `card`.
  static void SetFrom(CardQuery& query, int field, const v1::Card& card) {
    switch (field) {
      case 0:
        query.department = card.department();
        break;
      case 1:
        query.ticket_id = storage::TicketIdOfName(card.ticket());
        break;
      case 2:
        query.color = card.color();
        break;
      case 3:
        query.issued_from_micros = ToUnixMicros(card.issue_time());
        break;
      case 4:
        query.issued_to_micros = ToUnixMicros(card.issue_time());
        break;
      default:
        query.active = !card.has_revoke_time();
        break;
    }
  }

  static std::string Describe(const CardQuery& q) {
    return absl::StrCat(
        "{", q.department.value_or("*"), ",",
        q.ticket_id ? absl::StrCat(*q.ticket_id) : "*", ",",
        q.color ? absl::StrCat(*q.color) : "*", ",",
        q.issued_from_micros ? absl::StrCat(*q.issued_from_micros) : "*", ",",
        q.issued_to_micros ? absl::StrCat(*q.issued_to_micros) : "*", ",",
        q.active ? (*q.active ? "active" : "revoked") : "*", "}");
  }

  void AskCardList(const CardQuery& query) {
    std::vector<v1::Card> expected;
    for (const auto& [id, card] : h_.cards) {
      if (Matches(query, card)) expected.push_back(card);
    }
    for (int limit : {3, 1000}) {
      Pages<v1::Card> pages = ReadAllPages<v1::Card>(
          int64_t{0}, limit,
          [&](int64_t after, int page_limit) {
            CardQuery page = query;
            page.after_id = after;
            page.limit = page_limit;
            return store_.QueryCards(page);
          },
          [](const v1::Card& c) { return storage::CardId(c); });
      Answer(absl::StrCat("QueryCards ", Describe(query), " limit ", limit),
             PagesText(pages), ExpectedPagesText(expected, limit));
    }
  }

  static std::string Describe(const NoticeQuery& q) {
    std::string states;
    for (v1::Notice::State s : q.states) absl::StrAppend(&states, s, "|");
    return absl::StrCat(
        "{", q.department.value_or("*"), ",",
        q.ticket_id ? absl::StrCat(*q.ticket_id) : "*", ",",
        q.level ? absl::StrCat(*q.level) : "*", ",",
        states.empty() ? "*" : states, ",",
        q.due_from_micros ? absl::StrCat(*q.due_from_micros) : "*", ",",
        q.due_to_micros ? absl::StrCat(*q.due_to_micros) : "*", "}");
  }

  static bool Matches(const NoticeQuery& q, int64_t ticket_id,
                      const v1::Notice& n) {
    const int64_t due = ToUnixMicros(n.answer_due_at());
    return (!q.department || n.department() == *q.department) &&
           (!q.ticket_id || ticket_id == *q.ticket_id) &&
           (!q.level || n.level() == *q.level) &&
           (q.states.empty() || std::find(q.states.begin(), q.states.end(),
                                          n.state()) != q.states.end()) &&
           (!q.due_from_micros || due >= *q.due_from_micros) &&
           (!q.due_to_micros || due < *q.due_to_micros);
  }

  void AskNoticeList(const NoticeQuery& query) {
    std::vector<v1::Notice> expected;
    for (const auto& [id, ticket] : h_.tickets) {
      for (const v1::Notice& n : ticket.notices()) {
        if (Matches(query, id, n)) expected.push_back(n);
      }
    }
    for (int limit : {3, 1000}) {
      Pages<v1::Notice> pages = ReadAllPages<v1::Notice>(
          std::pair<int64_t, int>{0, 0}, limit,
          [&](std::pair<int64_t, int> after, int page_limit) {
            NoticeQuery page = query;
            page.after_ticket_id = after.first;
            page.after_number = after.second;
            page.limit = page_limit;
            return store_.QueryNotices(page);
          },
          [](const v1::Notice& n) {
            const size_t at = n.name().find("/notices/");
            return std::pair<int64_t, int>{
                storage::TicketIdOfName(n.name().substr(0, at)), n.number()};
          });
      Answer(absl::StrCat("QueryNotices ", Describe(query), " limit ", limit),
             PagesText(pages), ExpectedPagesText(expected, limit));
    }
  }

  void AskNotices() {
    AskNoticeList(NoticeQuery());
    std::vector<std::pair<int64_t, v1::Notice>> samples;
    for (const auto& [id, ticket] : h_.tickets) {
      for (const v1::Notice& n : ticket.notices()) samples.push_back({id, n});
    }
    ASSERT_GE(samples.size(), 8u);
    for (size_t i = 0; i < samples.size(); i += 3) {
      const auto& [id, n] = samples[i];
      NoticeQuery by_department;
      by_department.department = n.department();
      AskNoticeList(by_department);
      NoticeQuery by_ticket;
      by_ticket.ticket_id = id;
      AskNoticeList(by_ticket);
      NoticeQuery due;
      due.due_from_micros = ToUnixMicros(n.answer_due_at());
      due.due_to_micros = *due.due_from_micros + int64_t{86400000000} * 5;
      due.level = n.level();
      AskNoticeList(due);
    }
    for (const std::vector<v1::Notice::State>& states :
         std::vector<std::vector<v1::Notice::State>>{
             {v1::Notice::ISSUED},
             {v1::Notice::ESCALATED, v1::Notice::ANSWERED},
             {v1::Notice::LAPSED}}) {
      NoticeQuery query;
      query.states = states;
      AskNoticeList(query);
      query.department = samples.front().second.department();
      AskNoticeList(query);
    }
  }

  void AskCards() {
    for (const auto& [id, card] : h_.cards) {
      Answer(absl::StrCat("LoadCard ", id), Text(store_.LoadCard(id)),
             Text(card));
    }
    Answer("LoadCard past the last",
           Text(store_.LoadCard(h_.cards.rbegin()->first + 1)), "none");
    AskCardList(CardQuery());
    std::vector<v1::Card> samples;
    for (const auto& [id, card] : h_.cards) samples.push_back(card);
    ASSERT_GE(samples.size(), 8u);
    for (int field = 0; field < 6; ++field) {
      std::set<std::string> seen;
      for (const v1::Card& card : samples) {
        CardQuery query;
        SetFrom(query, field, card);
        if (seen.insert(Describe(query)).second) AskCardList(query);
      }
    }
    for (int a = 0; a < 6; ++a) {
      for (int b = a + 1; b < 6; ++b) {
        for (const auto& [i, j] : std::vector<std::pair<size_t, size_t>>{
                 {1, 1}, {4, 4}, {2, samples.size() - 1}}) {
          CardQuery query;
          SetFrom(query, a, samples[i]);
          SetFrom(query, b, samples[j]);
          AskCardList(query);
        }
      }
    }
  }

  // ---- Daily reports and compliance.

  void AskReportList(const DailyReportQuery& query, const std::string& label) {
    std::vector<v1::DailyReport> expected;
    for (const v1::DailyReport& r : h_.reports) {
      if ((!query.department || *query.department == r.department()) &&
          (!query.ticket_id ||
           *query.ticket_id == storage::TicketIdOfName(r.ticket())) &&
          (!query.from_date || r.date() >= *query.from_date) &&
          (!query.to_date || r.date() <= *query.to_date)) {
        expected.push_back(r);
      }
    }
    for (int limit : {2, 1000}) {
      // Ids are each engine's own cursor: the answer is the reports.
      using Row = std::pair<int64_t, v1::DailyReport>;
      Pages<Row> pages = ReadAllPages<Row>(
          int64_t{0}, limit,
          [&](int64_t after, int page_limit) {
            DailyReportQuery page = query;
            page.after_id = after;
            page.limit = page_limit;
            return store_.QueryDailyReports(page);
          },
          [](const Row& row) { return row.first; });
      std::vector<v1::DailyReport> reports;
      for (const Row& row : pages.items) reports.push_back(row.second);
      Answer(absl::StrCat("QueryDailyReports ", label, " limit ", limit),
             PagesText(pages.status, reports, pages.sizes),
             ExpectedPagesText(expected, limit));
    }
  }

  void AskDailyReports() {
    AskReportList(DailyReportQuery(), "{}");
    const v1::DailyReport& sample = h_.reports[h_.reports.size() / 2];
    const std::vector<std::pair<std::string, std::string>> ranges = {
        {"2026-02-03", "2026-02-05"},
        {"2026-02-04", "2026-02-04"},
        {"2026-02-07", "2026-03-01"},
        {"2026-02-05", "2026-02-03"}};
    // Each field alone, every pair, all of them.
    for (int mask = 1; mask < 16; ++mask) {
      for (const auto& [from, to] : ranges) {
        DailyReportQuery query;
        if (mask & 1) query.department = sample.department();
        if (mask & 2)
          query.ticket_id = storage::TicketIdOfName(sample.ticket());
        if (mask & 4) query.from_date = from;
        if (mask & 8) query.to_date = to;
        AskReportList(
            query,
            absl::StrCat("{", mask & 1 ? sample.department() : "*", ",",
                         mask & 2 ? sample.ticket() : "*", ",",
                         mask & 4 ? from : "*", ",", mask & 8 ? to : "*", "}"));
        if ((mask & 12) == 0) break;  // the range plays no part
      }
    }
    for (const char* id : kDepartmentIds) {
      const std::string department = DepartmentName(id);
      for (const auto& [from, to] : ranges) {
        for (int max_misses : {0, 2, 1000}) {
          storage::ComplianceCounts expected;
          std::vector<std::pair<std::string, int64_t>> misses;
          for (const storage::DailyObligationRow& row : h_.obligations) {
            if (row.department != department || row.date < from ||
                row.date > to) {
              continue;
            }
            ++expected.owed;
            if (row.reported) {
              ++expected.given;
            } else {
              misses.emplace_back(row.date, row.ticket_id);
            }
          }
          std::sort(misses.begin(), misses.end());
          for (const auto& [date, ticket] : misses) {
            if (static_cast<int>(expected.misses.size()) < max_misses) {
              expected.misses.emplace_back(ticket, date);
            }
          }
          Answer(absl::StrCat("QueryCompliance ", department, " ", from, " ",
                              to, " max ", max_misses),
                 Text(store_.QueryCompliance(department, from, to, max_misses)),
                 Text(expected));
        }
      }
    }
  }

  // ---- Statistics: every kind, grouping and range, as of now and before.

  void AskStatistics() {
    const Ticket& sample = h_.tickets.begin()->second;
    const Ticket* dispatched = nullptr;
    for (const auto& [id, t] : h_.tickets) {
      if (!t.department().empty()) dispatched = &t;
    }
    const std::string type = Ticket::Type_Name(sample.type());
    const std::map<storage::StatKind, std::string> a_values = {
        {storage::kStatAll, ""},
        {storage::kStatDepartment, dispatched->department()},
        {storage::kStatType, type},
        {storage::kStatTopic, sample.topic()},
        {storage::kStatDeptTopic, dispatched->department()},
        {storage::kStatTypeDept, type},
        {storage::kStatTypeTopic, type},
        {storage::kStatTopicDept, sample.topic()}};
    std::vector<storage::StatSumQuery> queries;
    std::vector<std::string> labels;
    const std::vector<std::pair<absl::CivilDay, absl::CivilDay>> ranges = {
        {absl::CivilDay(1970, 1, 1), absl::CivilDay(2100, 1, 1)},
        {absl::CivilDay(2026, 1, 20), absl::CivilDay(2026, 2, 10)}};
    const std::vector<std::optional<absl::Time>> as_ofs = {
        std::nullopt, At(2026, 2, 1), At(2026, 2, 4, 18, 30)};
    for (int kind = 0; kind < storage::kStatKindCount; ++kind) {
      for (auto group :
           {storage::StatSumQuery::kByDay, storage::StatSumQuery::kByA,
            storage::StatSumQuery::kByB}) {
        for (bool with_a : {false, true}) {
          for (const auto& [from, to] : ranges) {
            for (const std::optional<absl::Time>& as_of : as_ofs) {
              storage::StatSumQuery q;
              q.kind = static_cast<storage::StatKind>(kind);
              q.group = group;
              if (with_a) q.a = a_values.at(q.kind);
              q.from_day = DayNumber(from);
              q.to_day = DayNumber(to);
              if (as_of) {
                const absl::CivilDay day =
                    absl::ToCivilDay(*as_of, BureauZone());
                q.as_of = *as_of;
                q.as_of_day = DayNumber(day);
                q.as_of_day_start = absl::FromCivil(day, BureauZone());
                q.as_of_next_day_start = absl::FromCivil(day + 1, BureauZone());
              }
              queries.push_back(q);
              labels.push_back(absl::StrCat(
                  "SumStats kind ", kind, " group ", group, " a ",
                  with_a ? *q.a : "*", " days ", q.from_day, "-", q.to_day,
                  " as of ", as_of ? absl::FormatTime(*as_of) : "now"));
            }
          }
        }
      }
    }
    absl::StatusOr<std::vector<storage::StatSums>> together =
        store_.SumStats(queries);
    ASSERT_TRUE(together.ok()) << engine_ << ": " << together.status();
    ASSERT_EQ(together->size(), queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      std::optional<std::string> expected;
      if (i == 0) {
        // Everything, as of now, by day: every ticket received once.
        int64_t received = 0;
        for (const auto& [key, vector] : (*together)[i]) {
          received += vector[kReceived];
        }
        EXPECT_EQ(received, kTickets) << engine_;
      }
      Answer(labels[i], Text((*together)[i]));
    }
    // One query alone answers as it did among the others.
    Answer(labels[1] + " alone", Text(store_.SumStats({queries[1]})),
           Text(std::vector<storage::StatSums>{(*together)[1]}));

    storage::OperationalCounts expected;
    for (const auto& [id, t] : h_.tickets)
      ++expected.tickets_by_state[t.state()];
    for (const auto& [id, c] : h_.cards) {
      ++expected.cards_by_color[c.color()].issued;
      if (c.has_revoke_time()) ++expected.cards_by_color[c.color()].revoked;
    }
    expected.latest_seq = static_cast<int64_t>(h_.events.size());
    for (const auto& [id, t] : h_.tickets) {
      if (t.has_next_due_at() &&
          (!expected.earliest_due_micros ||
           ToUnixMicros(t.next_due_at()) < *expected.earliest_due_micros)) {
        expected.earliest_due_micros = ToUnixMicros(t.next_due_at());
      }
    }
    Answer("QueryOperationalCounts", Text(store_.QueryOperationalCounts()),
           Text(expected));
  }

  // ---- Departments and tokens.

  void AskDepartmentsAndTokens() {
    std::vector<v1::Department> departments;
    for (const storage::DepartmentRow& row : h_.departments) {
      departments.push_back(row.department);
      Answer("LoadDepartment " + row.id, Text(store_.LoadDepartment(row.id)),
             Text(row.department));
    }
    for (const char* missing :
         {"", "nowhere", "departments/housing", "HOUSING"}) {
      Answer(absl::StrCat("LoadDepartment '", missing, "'"),
             Text(store_.LoadDepartment(missing)), "none");
    }
    // Ids in byte order: "a-b" before "ab" ('-' is below 'b').
    std::sort(departments.begin(), departments.end(),
              [](const v1::Department& x, const v1::Department& y) {
                return x.name() < y.name();
              });
    for (int limit : {1, 4, 1000}) {
      Pages<v1::Department> pages = ReadAllPages<v1::Department>(
          std::string(), limit,
          [&](const std::string& after, int page_limit) {
            return store_.QueryDepartments(after, page_limit);
          },
          [](const v1::Department& d) {
            return d.name().substr(std::string("departments/").size());
          });
      Answer(absl::StrCat("QueryDepartments limit ", limit), PagesText(pages),
             ExpectedPagesText(departments, limit));
    }

    std::vector<v1::Token> tokens;
    std::map<std::string, storage::TokenRecord> by_identity;
    for (const storage::TokenRow& row : h_.tokens) {
      const int64_t id = TokenNumber(row.token);
      const storage::TokenRecord record{id, row.token.principal(),
                                        row.token.has_revoke_time()};
      tokens.push_back(row.token);
      Answer(absl::StrCat("LoadTokenBySecretHash ", Hex(row.secret_hash)),
             Text(store_.LoadTokenBySecretHash(row.secret_hash)), Text(record));
      Answer(absl::StrCat("LoadTokenRecord ", id),
             Text(store_.LoadTokenRecord(id)), Text(record));
      Answer(absl::StrCat("LoadToken ", id), Text(store_.LoadToken(id)),
             Text(row.token));
      const std::string& identity = row.token.certificate_identity();
      if (!identity.empty()) {
        // The live binding if there is one, else the latest revoked one.
        auto [it, fresh] = by_identity.emplace(identity, record);
        if (!fresh && (!record.revoked || it->second.revoked)) {
          it->second = record;
        }
      }
    }
    for (const auto& [identity, record] : by_identity) {
      Answer("LoadTokenByCertificateIdentity " + identity,
             Text(store_.LoadTokenByCertificateIdentity(identity)),
             Text(record));
    }
    Answer("LoadTokenByCertificateIdentity CN=nobody",
           Text(store_.LoadTokenByCertificateIdentity("CN=nobody")), "none");
    Answer("LoadTokenBySecretHash of no token",
           Text(store_.LoadTokenBySecretHash(BinaryBytes("hash-", 99))),
           "none");
    const int64_t past = static_cast<int64_t>(tokens.size()) + 100;
    Answer("LoadTokenRecord of no token", Text(store_.LoadTokenRecord(past)),
           "none");
    Answer("LoadToken of no token", Text(store_.LoadToken(past)), "none");
    for (int limit : {1, 3, 1000}) {
      Pages<v1::Token> pages = ReadAllPages<v1::Token>(
          int64_t{0}, limit,
          [&](int64_t after, int page_limit) {
            return store_.QueryTokens(after, page_limit);
          },
          [](const v1::Token& t) { return TokenNumber(t); });
      Answer(absl::StrCat("QueryTokens limit ", limit), PagesText(pages),
             ExpectedPagesText(tokens, limit));
    }
  }

  // ---- Policies, settings, create requests and request outcomes.

  void AskPoliciesSettingsAndRequests() {
    Answer("LoadPolicies", Text(store_.LoadPolicies()), Text(h_.policies));
    for (const auto& [key, value] : h_.settings) {
      Answer("LoadSetting " + key, Text(store_.LoadSetting(key)), Text(value));
    }
    Answer("LoadSetting no_such_setting",
           Text(store_.LoadSetting("no_such_setting")), "none");
    for (const storage::RequestOutcomeRow& row : h_.outcomes) {
      Answer("FindRequestOutcome " + Hex(row.key),
             Text(store_.FindRequestOutcome(row.key)), Text(row.outcome));
    }
    for (const std::string& key : h_.purged_outcome_keys) {
      Answer("FindRequestOutcome of a purged outcome " + Hex(key),
             Text(store_.FindRequestOutcome(key)), "none");
    }
    Answer("FindRequestOutcome of no request",
           Text(store_.FindRequestOutcome(BinaryBytes("request-", 99))),
           "none");
  }

  Store& store_;
  const History& h_;
  const std::string engine_;
  Answers answers_;
  int wrong_answers_ = 0;
};

}  // namespace

Answers AskEveryRead(Store& store, const History& history,
                     const std::string& engine,
                     std::set<std::string>* reads_made) {
  RecordingStore recording(store);
  Answers answers = Questions(recording, history, engine).AskEveryRead();
  *reads_made = recording.reads();
  return answers;
}

// Compares the two engines' answers, question by question.
void ExpectSameAnswers(const Answers& sqlite, const Answers& postgres) {
  ASSERT_EQ(sqlite.size(), postgres.size());
  int differences = 0;
  for (size_t i = 0; i < sqlite.size(); ++i) {
    ASSERT_EQ(sqlite[i].first, postgres[i].first);
    if (sqlite[i].second == postgres[i].second) continue;
    if (++differences <= 20) {
      ADD_FAILURE() << "the engines answer " << sqlite[i].first
                    << " differently:\n  SQLite:     "
                    << sqlite[i].second.substr(0, 400)
                    << "\n  PostgreSQL: " << postgres[i].second.substr(0, 400);
    }
  }
  EXPECT_EQ(differences, 0)
      << "questions answered differently, of " << sqlite.size();
}

const std::map<std::string, std::string>& MethodsThatAreNotReads() {
  static const auto* methods = new std::map<std::string, std::string>{
      {"Commit", "a write: the typed tests above"},
      {"ReserveNumbers", "hands out numbers: NumbersAreUniqueAcrossThreads"},
      {"SetCommitListener", "ConcurrentCommitsKeepSeqOrderAndExactSums"},
      {"SetCommitGroupObserver", "metrics_test"},
      {"WriteQueueDepth", "metrics_test"},
      {"HoldLeadership", "postgres_store_test, failover_test"},
      {"Shared", "a constant of the engine: startup_test"},
      {"health", "durability_test"},
      {"SetHealthListener", "durability_test"},
      {"WriteBackup",
       "backup_test; PostgreSQL refuses it by design (pg_dump instead)"},
      {"NewBlob", "a write: BlobsAreStoredOnceAndCheckedOnRead"},
      {"CollectBlobs", "a write: BlobsAreStoredOnceAndCheckedOnRead"},
      {"Close", "every test that reopens a store"},
  };
  return *methods;
}

std::set<std::string> StoreMethodsDeclared(const std::string& store_header) {
  std::ifstream in(store_header);
  std::string body;
  std::string line;
  bool in_class = false;
  while (std::getline(in, line)) {
    if (!in_class) {
      in_class = absl::StartsWith(line, "class Store {");
      continue;
    }
    if (absl::StartsWith(line, "};")) break;
    if (const size_t comment = line.find("//"); comment != std::string::npos) {
      line.resize(comment);
    }
    absl::StrAppend(&body, line, " ");
  }
  std::set<std::string> names;
  for (absl::string_view declaration : absl::StrSplit(body, ';')) {
    if (!absl::StrContains(declaration, "virtual ")) continue;
    size_t end = declaration.find('(');
    if (end == absl::string_view::npos) continue;
    while (end > 0 && declaration[end - 1] == ' ') --end;
    size_t begin = end;
    while (begin > 0 &&
           (std::isalnum(static_cast<unsigned char>(declaration[begin - 1])) ||
            declaration[begin - 1] == '_')) {
      --begin;
    }
    if (begin > 0 && declaration[begin - 1] == '~') continue;  // destructor
    if (begin < end)
      names.insert(std::string(declaration.substr(begin, end - begin)));
  }
  return names;
}

}  // namespace hotline::conformance
