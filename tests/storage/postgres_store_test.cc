// The PostgreSQL store shared by several processes (storage/
// postgres_store.h): stores opened side by side on one database stand for
// servers, each with its own connections, writer and follower. Runs on the
// test cluster (ctest's postgres fixture).
#include "storage/postgres/postgres_store.h"

#include <atomic>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "storage/change_set.h"
#include "storage/postgres/durability_settings.h"
#include "storage/postgres/postgres.h"
#include "storage/sql/queries.h"
#include "tests/storage/new_ticket.h"
#include "tests/storage/ticket_filters.h"
#include "tests/support/postgres_support.h"
#include "workflow/stat_facts.h"

namespace hotline {
namespace {

using storage::ChangeSet;
using storage::Store;
using v1::Event;
using v1::Ticket;

std::unique_ptr<Store> OpenOn(const std::string& uri) {
  storage::StoreOptions options;
  options.path = uri;
  options.time_zone = "Asia/Shanghai";
  absl::StatusOr<std::unique_ptr<Store>> store =
      storage::PostgresStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// A received ticket with its creation event and statistics.
ChangeSet NewTicket(Store& store, const std::string& source_id) {
  return testing::NewTicketChanges(store, source_id);
}

int64_t ReceivedTotal(Store& store) {
  storage::StatSumQuery query;
  query.kind = storage::kStatAll;
  query.group = storage::StatSumQuery::kByA;
  query.from_day = 0;
  query.to_day = 1'000'000;
  absl::StatusOr<std::vector<storage::StatSums>> sums = store.SumStats({query});
  EXPECT_TRUE(sums.ok()) << sums.status();
  int64_t total = 0;
  if (!sums.ok()) return -1;
  for (const auto& [key, vector] : (*sums)[0]) total += vector[kReceived];
  return total;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = NewPostgresDatabase();
    ASSERT_FALSE(uri_.empty());
  }
  std::string uri_;
};

// Received tickets by day as of `as_of` (the statistics log read for the
// rest of its day), and as of now.
std::map<std::string, int64_t> ReceivedByDay(Store& store,
                                             std::optional<absl::Time> as_of) {
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  storage::StatSumQuery query;
  query.kind = storage::kStatAll;
  query.group = storage::StatSumQuery::kByDay;
  query.from_day = 0;
  query.to_day = 1'000'000;
  if (as_of) {
    const absl::CivilDay day = absl::ToCivilDay(*as_of, zone);
    query.as_of = as_of;
    query.as_of_day = DayNumber(day);
    query.as_of_day_start = absl::FromCivil(day, zone);
    query.as_of_next_day_start = absl::FromCivil(day + 1, zone);
  }
  absl::StatusOr<std::vector<storage::StatSums>> sums = store.SumStats({query});
  EXPECT_TRUE(sums.ok()) << sums.status();
  std::map<std::string, int64_t> out;
  if (!sums.ok()) return out;
  for (const auto& [key, vector] : (*sums)[0]) out[key] = vector[kReceived];
  return out;
}

// Two servers started together on a database whose statistics log is in
// the text form of schema 18 both move it behind their start: every change
// lands in the compact log once, and the figures as of any instant stay.
TEST_F(PostgresStoreTest, ServersStartedTogetherMoveTheTextStatisticsLogOnce) {
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  const absl::Time day_start =
      absl::FromCivil(absl::CivilDay(2025, 3, 3), zone);
  constexpr int kChanges = 10000;  // five batches
  std::vector<TimedFacts> history;
  for (int i = 0; i < kChanges; ++i) {
    StatFacts f;
    f.department = absl::StrCat("departments/d", i % 3);
    f.type = "COMPLAINT";
    f.topic = "噪音";
    f.day = DayNumber(absl::CivilDay(2025, 3, 3));
    f.counts[kReceived] = 1;
    history.push_back({day_start + absl::Seconds(i), std::nullopt, f});
  }
  const absl::Time as_of =
      day_start + absl::Seconds(kChanges / 2) + absl::Milliseconds(500);
  std::map<std::string, int64_t> now, then;
  {
    std::unique_ptr<Store> store = OpenOn(uri_);
    ASSERT_NE(store, nullptr);
    ChangeSet changes;
    changes.stat_changes = history;
    ASSERT_TRUE(store->CommitAndWait(std::move(changes)).ok());
    now = ReceivedByDay(*store, std::nullopt);
    then = ReceivedByDay(*store, as_of);
    ASSERT_EQ(then.begin()->second, now.begin()->second - kChanges / 2 + 1);
    // As schema 18 kept the log: in text, in stat_log.
    auto* sql = dynamic_cast<storage::SqlStore*>(store.get());
    ASSERT_NE(sql, nullptr);
    ASSERT_TRUE(
        sql->WriteAndWait([&](storage::Connection& db) -> absl::Status {
             RETURN_IF_ERROR(db.Execute("DELETE FROM stat_changes"));
             for (const TimedFacts& change : history) {
               const StatFacts& f = *change.after;
               std::vector<std::string> counts;
               for (int64_t c : f.counts.c) {
                 counts.push_back(absl::StrCat(c));
               }
               ASSIGN_OR_RETURN(storage::Statement insert,
                                db.Prepare("INSERT INTO stat_log (at, before, "
                                           "after) VALUES (?, ?, ?)"));
               insert.BindInt64(1, absl::ToUnixMicros(change.at));
               insert.BindText(2, "");
               insert.BindText(
                   3, absl::StrCat(f.department, "\x1f", f.type, "\x1f",
                                   absl::CEscape(f.topic), "\x1f", f.day,
                                   "\x1f", absl::StrJoin(counts, ",")));
               RETURN_IF_ERROR(insert.Run());
             }
             return absl::OkStatus();
           })
            .ok());
    EXPECT_EQ(ReceivedByDay(*store, as_of), then) << "from the text log";
  }
  // Both open at once, so both start moving the same rows (whether their
  // batches meet is up to the scheduler; when they do, one rolls back).
  std::future<std::unique_ptr<Store>> opening_b =
      std::async(std::launch::async, [&] { return OpenOn(uri_); });
  std::unique_ptr<Store> a = OpenOn(uri_);
  std::unique_ptr<Store> b = opening_b.get();
  ASSERT_TRUE(a && b);
  for (Store* store : {a.get(), b.get()}) {
    EXPECT_TRUE(
        dynamic_cast<storage::SqlStore*>(store)->AwaitStatLogConversion().ok());
  }
  std::unique_ptr<storage::PgConnection> db =
      std::move(storage::PgConnection::Open(uri_)).value();
  EXPECT_EQ(db->QueryInt64("SELECT COUNT(*) FROM stat_log").value(), 0);
  EXPECT_EQ(db->QueryInt64("SELECT COUNT(*) FROM stat_changes").value(),
            kChanges);
  EXPECT_EQ(ReceivedByDay(*a, as_of), then);
  EXPECT_EQ(ReceivedByDay(*b, std::nullopt), now);
}

TEST_F(PostgresStoreTest, ServersWritingTogetherGiveEverySeqOnceInCommitOrder) {
  std::unique_ptr<Store> a = OpenOn(uri_);
  std::unique_ptr<Store> b = OpenOn(uri_);
  std::unique_ptr<Store> reader = OpenOn(uri_);
  ASSERT_TRUE(a && b && reader);
  constexpr int kPerWriter = 150;
  constexpr int kWriters = 4;  // two threads on each store
  // A feed reader polls all along: what it has seen is always 1..N, and it
  // never later finds a seq below one it saw.
  std::atomic<bool> writing{true};
  std::vector<int64_t> seen;
  std::thread follower([&] {
    int64_t cursor = 0;
    while (true) {
      const bool last_look = !writing.load();
      storage::EventFeedQuery query;
      query.after_seq = cursor;
      query.limit = 1000;
      absl::StatusOr<std::vector<Event>> events = reader->QueryEventFeed(query);
      ASSERT_TRUE(events.ok()) << events.status();
      for (const Event& e : *events) {
        seen.push_back(e.seq());
        cursor = e.seq();
      }
      if (last_look && events->empty()) return;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      Store& store = w % 2 == 0 ? *a : *b;
      for (int i = 0; i < kPerWriter; ++i) {
        absl::Status s =
            store.CommitAndWait(NewTicket(store, absl::StrCat(w, "-", i)));
        ASSERT_TRUE(s.ok()) << s;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  writing = false;
  follower.join();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kPerWriter * kWriters));
  for (size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i], static_cast<int64_t>(i) + 1) << "at " << i;
  }
  // Statistics sums count every commit of both, once.
  EXPECT_EQ(ReceivedTotal(*a), kPerWriter * kWriters);
  EXPECT_EQ(ReceivedTotal(*b), kPerWriter * kWriters);
}

TEST_F(PostgresStoreTest, EachServerHearsEveryCommitInSeqOrder) {
  std::unique_ptr<Store> a = OpenOn(uri_);
  std::unique_ptr<Store> b = OpenOn(uri_);
  ASSERT_TRUE(a && b);
  struct Heard {
    absl::Mutex mutex;
    std::vector<int64_t> seqs;
  } heard_a, heard_b;
  auto listen = [](Heard* heard) {
    return [heard](const std::vector<Event>& events) {
      absl::MutexLock lock(&heard->mutex);
      for (const Event& e : events) heard->seqs.push_back(e.seq());
    };
  };
  a->SetCommitListener(listen(&heard_a));
  b->SetCommitListener(listen(&heard_b));
  constexpr int kEach = 60;
  std::thread on_a([&] {
    for (int i = 0; i < kEach; ++i) {
      ASSERT_TRUE(a->CommitAndWait(NewTicket(*a, absl::StrCat("a", i))).ok());
    }
  });
  for (int i = 0; i < kEach; ++i) {
    ASSERT_TRUE(b->CommitAndWait(NewTicket(*b, absl::StrCat("b", i))).ok());
  }
  on_a.join();
  for (Heard* heard : {&heard_a, &heard_b}) {
    absl::MutexLock lock(&heard->mutex);
    heard->mutex.AwaitWithTimeout(
        absl::Condition(
            +[](std::vector<int64_t>* s) { return s->size() >= 2 * kEach; },
            &heard->seqs),
        absl::Seconds(60));
    ASSERT_EQ(heard->seqs.size(), static_cast<size_t>(2 * kEach));
    for (size_t i = 0; i < heard->seqs.size(); ++i) {
      EXPECT_EQ(heard->seqs[i], static_cast<int64_t>(i) + 1);
    }
  }
}

TEST_F(PostgresStoreTest, NumbersAreUniqueAcrossServers) {
  std::unique_ptr<Store> a = OpenOn(uri_);
  std::unique_ptr<Store> b = OpenOn(uri_);
  ASSERT_TRUE(a && b);
  absl::Mutex mutex;
  std::set<int64_t> numbers;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < 100; ++i) {
        absl::StatusOr<int64_t> first =
            store.ReserveNumbers(storage::NumberKind::kCard, 3);
        ASSERT_TRUE(first.ok()) << first.status();
        absl::MutexLock lock(&mutex);
        for (int k = 0; k < 3; ++k) {
          EXPECT_TRUE(numbers.insert(*first + k).second) << *first + k;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(numbers.size(), 1200u);
}

TEST_F(PostgresStoreTest, AStepOnAChangedTicketIsAConflictOnAnyServer) {
  std::unique_ptr<Store> a = OpenOn(uri_);
  std::unique_ptr<Store> b = OpenOn(uri_);
  ASSERT_TRUE(a && b);
  ChangeSet create = NewTicket(*a, "one");
  const Ticket made = create.new_tickets[0];
  ASSERT_TRUE(a->CommitAndWait(std::move(create)).ok());
  // Both servers read version 1 and step it.
  auto step = [&](const std::string& title) {
    Ticket next = made;
    next.set_etag("2");
    next.set_title(title);
    ChangeSet changes;
    changes.expected_versions.push_back({storage::TicketId(made), "1"});
    changes.tickets.push_back(next);
    return changes;
  };
  EXPECT_TRUE(a->CommitAndWait(step("from a")).ok());
  absl::Status late = b->CommitAndWait(step("from b"));
  EXPECT_TRUE(storage::IsConflict(late)) << late;
  absl::StatusOr<std::optional<Ticket>> stored =
      b->LoadTicket(storage::TicketId(made));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->title(), "from a");
}

TEST_F(PostgresStoreTest, OneServerLeadsAndAnotherTakesOverWhenItEnds) {
  std::unique_ptr<Store> a = OpenOn(uri_);
  std::unique_ptr<Store> b = OpenOn(uri_);
  ASSERT_TRUE(a && b);
  absl::StatusOr<bool> a_leads = a->HoldLeadership();
  absl::StatusOr<bool> b_leads = b->HoldLeadership();
  ASSERT_TRUE(a_leads.ok() && b_leads.ok());
  EXPECT_TRUE(*a_leads);
  EXPECT_FALSE(*b_leads);
  EXPECT_TRUE(*a->HoldLeadership());  // still
  a->Close();
  a.reset();
  // PostgreSQL lets go of the lock when the leader's session has ended,
  // a moment after its connection closed; the sweeper looks every second.
  bool taken = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!taken && absl::Now() < deadline) {
    absl::StatusOr<bool> now = b->HoldLeadership();
    ASSERT_TRUE(now.ok()) << now.status();
    taken = *now;
    if (!taken) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(taken);
}

TEST_F(PostgresStoreTest, ServersStartingTogetherMigrateOnce) {
  std::vector<std::unique_ptr<Store>> stores(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { stores[i] = OpenOn(uri_); });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& store : stores) ASSERT_NE(store, nullptr);
  ASSERT_TRUE(stores[0]->CommitAndWait(NewTicket(*stores[0], "x")).ok());
  EXPECT_EQ(ReceivedTotal(*stores[3]), 1);
}

TEST_F(PostgresStoreTest, ADatabaseOfSomethingElseIsRefused) {
  absl::StatusOr<std::unique_ptr<storage::PgConnection>> db =
      storage::PgConnection::Open(uri_);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Execute("CREATE TABLE invoices (id BIGINT)").ok());
  storage::StoreOptions options;
  options.path = uri_;
  absl::StatusOr<std::unique_ptr<Store>> store =
      storage::PostgresStore::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("invoices"), std::string::npos)
      << store.status();
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsUnavailableWithoutThePassword) {
  storage::StoreOptions options;
  options.path =
      "postgresql://hotline:s3cret@127.0.0.1:1/hotline?connect_timeout=2";
  absl::StatusOr<std::unique_ptr<Store>> store =
      storage::PostgresStore::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.status().message().find("s3cret"), std::string::npos)
      << store.status();
  EXPECT_NE(store.status().message().find("127.0.0.1"), std::string::npos);
}

TEST_F(PostgresStoreTest, BackupsAreLeftToPostgresTools) {
  std::unique_ptr<Store> store = OpenOn(uri_);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<storage::BackupFile> backup =
      store->WriteBackup(::testing::TempDir(), absl::Now());
  ASSERT_FALSE(backup.ok());
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(backup.status().message().find("pg_dump"), std::string::npos);
}

// The settings hotline's promise rests on, as the session sees them: the
// test cluster runs with fsync off (tests/postgres/cluster.sh) unless
// HOTLINE_PG_FSYNC=on, and a database of its own may turn
// synchronous_commit off; each is named, with what to set.
TEST_F(PostgresStoreTest, SettingsThatBreakThePromiseAreNamed) {
  absl::StatusOr<std::unique_ptr<storage::PgConnection>> db =
      storage::PgConnection::Open(uri_);
  ASSERT_TRUE(db.ok()) << db.status();
  absl::StatusOr<std::vector<std::string>> fsync =
      (*db)->QueryTexts("SHOW fsync");
  ASSERT_TRUE(fsync.ok() && !fsync->empty()) << fsync.status();
  absl::StatusOr<std::string> warning = storage::DurabilityWarning(**db);
  ASSERT_TRUE(warning.ok()) << warning.status();
  if (fsync->front() == "off") {
    EXPECT_NE(warning->find("PostgreSQL has fsync = off"), std::string::npos)
        << *warning;
    EXPECT_NE(warning->find("set fsync = on"), std::string::npos) << *warning;
  } else {
    EXPECT_EQ(*warning, "");
  }
  EXPECT_EQ(warning->find("synchronous_commit = off"), std::string::npos);
  ASSERT_TRUE((*db)
                  ->Execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I "
                            "SET synchronous_commit = off', "
                            "current_database()); END $$")
                  .ok());
  absl::StatusOr<std::unique_ptr<storage::PgConnection>> later =
      storage::PgConnection::Open(uri_);
  ASSERT_TRUE(later.ok()) << later.status();
  warning = storage::DurabilityWarning(**later);
  ASSERT_TRUE(warning.ok()) << warning.status();
  EXPECT_NE(warning->find("synchronous_commit = off"), std::string::npos)
      << *warning;
}

// Every ticket filter's first page walks an index in id order and stops
// at the page's end, as storage_test checks of SQLite's plans: no table
// scan, and no sort of every match. The tables are empty, so the planner
// is told to avoid both wherever it can (enable_seqscan and enable_sort
// off); a plan with either then means no index serves the filter. The
// table's own key serves only a received_at span alone (the ids it
// bounds); any other filter walked along it would read every ticket. A
// source_id is unique: its index finds the one match, whose sort is of one
// row (told to avoid sorts, the planner would walk the key instead).
TEST_F(PostgresStoreTest, EveryTicketFilterWalksAnIndexInIdOrder) {
  ASSERT_NE(OpenOn(uri_), nullptr);  // the schema
  absl::StatusOr<std::unique_ptr<storage::PgConnection>> db =
      storage::PgConnection::Open(uri_);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Execute("SET enable_seqscan = off").ok());
  for (const auto& [label, query] : hotline::testing::TicketFilters()) {
    const bool unique = query.source_id.has_value();
    ASSERT_TRUE(
        (*db)
            ->Execute(unique ? "SET enable_sort = on" : "SET enable_sort = off")
            .ok());
    absl::StatusOr<storage::Statement> plan =
        (*db)->Prepare("EXPLAIN " + storage::TicketQuerySql(**db, query));
    ASSERT_TRUE(plan.ok()) << plan.status();
    std::optional<int64_t> last_id;
    if (query.received_until_micros) last_id = 100;
    storage::BindTicketQuery(query, /*after_id=*/0, last_id, *plan);
    std::string details = label + ":\n";
    for (;;) {
      absl::StatusOr<bool> row = plan->Step();
      ASSERT_TRUE(row.ok()) << label << ": " << row.status();
      if (!*row) break;
      details += plan->ColumnText(0) + "\n";
    }
    EXPECT_EQ(details.find("Seq Scan"), std::string::npos) << details;
    EXPECT_NE(details.find("Index"), std::string::npos) << details;
    if (unique) {
      EXPECT_NE(details.find("tickets_source_id_key"), std::string::npos)
          << details;
      continue;
    }
    EXPECT_EQ(details.find("Sort"), std::string::npos) << details;
    const bool span_alone = !query.state && !query.department && !query.type &&
                            !query.topic && !query.urgency && !query.created_by;
    if (!span_alone) {
      EXPECT_EQ(details.find("tickets_pkey"), std::string::npos) << details;
    }
  }
}

}  // namespace
}  // namespace hotline
