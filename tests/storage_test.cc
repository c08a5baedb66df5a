// The SQLite store on a real file in a temporary directory.
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "storage/migrations.h"
#include "storage/queries.h"
#include "storage/stat_rollup.h"
#include "storage/store.h"
#include "tests/test_support.h"

namespace hotline::storage {
namespace {

using hotline::testing::TempDir;

std::unique_ptr<Store> OpenStore(const std::string& path) {
  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

v1::Ticket SampleTicket(const std::string& source_id) {
  v1::Ticket ticket;
  ticket.set_source_id(source_id);
  ticket.set_created_by("intake/city");
  ticket.set_state(v1::Ticket::RECEIVED);
  ticket.set_type(v1::Ticket::COMPLAINT);
  ticket.set_topic("噪音");
  ticket.set_urgency(v1::Ticket::NORMAL);
  ticket.set_title("title");
  ticket.set_content("content");
  *ticket.mutable_received_at() =
      ToProtoTime(absl::FromUnixSeconds(1612918800));
  return ticket;
}

// Inserts a ticket and its CREATED event in one unit; returns the ticket.
v1::Ticket InsertWithEvent(Store& store, const std::string& source_id) {
  v1::Ticket ticket = SampleTicket(source_id);
  absl::Status status = store.WriteAndWait([&](Connection& db) {
    if (absl::Status s = InsertTicket(db, &ticket); !s.ok()) return s;
    v1::Event event;
    event.set_ticket(ticket.name());
    event.set_type(v1::Event::CREATED);
    event.set_actor("intake/city");
    event.set_state_after(v1::Ticket::RECEIVED);
    return InsertEvent(db, &event);
  });
  EXPECT_TRUE(status.ok()) << status;
  return ticket;
}

template <typename T>
T ReadOrDie(Store& store, std::function<absl::StatusOr<T>(Connection&)> read) {
  absl::StatusOr<T> value = store.Read<T>(read);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *std::move(value) : T();
}

TEST(Storage, MigratesAnEmptyFile) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  {
    std::unique_ptr<Store> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
  }
  absl::StatusOr<std::unique_ptr<Connection>> db =
      Connection::Open(path, /*read_only=*/true);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt64("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(*(*db)->QueryInt64("SELECT COUNT(*) FROM sqlite_schema WHERE "
                               "type = 'table' AND name IN ('tickets', "
                               "'events', 'departments', 'tokens', "
                               "'create_requests')"),
            5);
  absl::StatusOr<Statement> mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
}

TEST(Storage, ReopeningAMigratedFileChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("db");
  OpenStore(path).reset();
  std::unique_ptr<Store> again = OpenStore(path);
  ASSERT_NE(again, nullptr);
}

TEST(Storage, RefusesAFileFromANewerBuild) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  {
    absl::StatusOr<std::unique_ptr<Connection>> db =
        Connection::Open(path, /*read_only=*/false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("PRAGMA user_version = 999").ok());
  }
  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}

TEST(Storage, EverythingIsThereAfterCloseAndReopen) {
  TempDir dir;
  const std::string path = dir.File("db");
  std::string name;
  {
    std::unique_ptr<Store> store = OpenStore(path);
    name = InsertWithEvent(*store, "SZ-1").name();
    v1::Department department;
    department.set_display_name("住建局");
    ASSERT_TRUE(store
                    ->WriteAndWait([&](Connection& db) {
                      return InsertDepartment(db, "housing", department);
                    })
                    .ok());
  }
  std::unique_ptr<Store> store = OpenStore(path);
  auto ticket = ReadOrDie<std::optional<v1::Ticket>>(
      *store, [](Connection& db) { return LoadTicket(db, 1); });
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(ticket->name(), name);
  EXPECT_EQ(ticket->source_id(), "SZ-1");
  EXPECT_EQ(ticket->etag(), "1");
  auto events = ReadOrDie<std::vector<v1::Event>>(
      *store, [](Connection& db) { return QueryTicketEvents(db, 1, 0, 10); });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq(), 1);
  EXPECT_EQ(events[0].ticket(), name);
  auto department = ReadOrDie<std::optional<v1::Department>>(
      *store, [](Connection& db) { return LoadDepartment(db, "housing"); });
  ASSERT_TRUE(department.has_value());
  EXPECT_EQ(department->display_name(), "住建局");
}

TEST(Storage, UpdateBumpsEtagAndRefusesAStaleOne) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.File("db"));
  v1::Ticket ticket = InsertWithEvent(*store, "");
  const v1::Ticket inserted = ticket;
  ticket.set_state(v1::Ticket::DISPATCHED);
  ticket.set_department("departments/housing");
  ASSERT_TRUE(store
                  ->WriteAndWait([&](Connection& db) {
                    return UpdateTicket(db, inserted, &ticket);
                  })
                  .ok());
  EXPECT_EQ(ticket.etag(), "2");
  v1::Ticket stale = ticket;
  stale.set_etag("1");
  absl::Status status = store->WriteAndWait(
      [&](Connection& db) { return UpdateTicket(db, inserted, &stale); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  // The filter columns follow the body.
  TicketQuery query;
  query.department = "departments/housing";
  query.state = v1::Ticket::DISPATCHED;
  auto found = ReadOrDie<std::vector<v1::Ticket>>(
      *store, [&](Connection& db) { return QueryTickets(db, query); });
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].etag(), "2");
}

TEST(Storage, AFailingUnitIsUndoneAloneInItsGroup) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.File("db"));
  // Many writers at once, so units share transactions; every third unit
  // writes and then fails.
  constexpr int kUnits = 60;
  absl::BlockingCounter done(kUnits);
  std::vector<absl::Status> results(kUnits);
  for (int i = 0; i < kUnits; ++i) {
    store->Write(
        [i](Connection& db) -> absl::Status {
          v1::Department department;
          department.set_display_name(absl::StrCat("d", i));
          if (absl::Status s =
                  InsertDepartment(db, absl::StrCat("d", i), department);
              !s.ok()) {
            return s;
          }
          if (i % 3 == 0) return absl::FailedPreconditionError("refused");
          return absl::OkStatus();
        },
        [&results, &done, i](absl::Status status) {
          results[i] = status;
          done.DecrementCount();
        });
  }
  done.Wait();
  for (int i = 0; i < kUnits; ++i) {
    auto department =
        ReadOrDie<std::optional<v1::Department>>(*store, [i](Connection& db) {
          return LoadDepartment(db, absl::StrCat("d", i));
        });
    if (i % 3 == 0) {
      EXPECT_EQ(results[i].code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_FALSE(department.has_value()) << i;
    } else {
      EXPECT_TRUE(results[i].ok()) << results[i];
      EXPECT_TRUE(department.has_value()) << i;
    }
  }
}

TEST(Storage, DuplicateSourceIdIsAlreadyExists) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.File("db"));
  InsertWithEvent(*store, "SZ-9");
  v1::Ticket again = SampleTicket("SZ-9");
  absl::Status status = store->WriteAndWait(
      [&](Connection& db) { return InsertTicket(db, &again); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
}

TEST(Storage, EventSequenceIsGlobalAndIncreasing) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.File("db"));
  for (int i = 0; i < 5; ++i) InsertWithEvent(*store, absl::StrCat("S", i));
  int64_t last = 0;
  for (int64_t id = 1; id <= 5; ++id) {
    auto events = ReadOrDie<std::vector<v1::Event>>(
        *store,
        [id](Connection& db) { return QueryTicketEvents(db, id, 0, 10); });
    ASSERT_EQ(events.size(), 1u);
    EXPECT_GT(events[0].seq(), last);
    last = events[0].seq();
  }
  EXPECT_EQ(last, 5);
}

TEST(Storage, WritesAfterCloseAreUnavailable) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.File("db"));
  store->Close();
  absl::Status status =
      store->WriteAndWait([](Connection&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<int> read =
      store->Read<int>([](Connection&) -> absl::StatusOr<int> { return 1; });
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
}

// Every list query is served by an index: the plan never scans the table.
TEST(Storage, EveryTicketFilterUsesAnIndex) {
  TempDir dir;
  const std::string path = dir.File("db");
  OpenStore(path).reset();
  absl::StatusOr<std::unique_ptr<Connection>> db =
      Connection::Open(path, /*read_only=*/true);
  ASSERT_TRUE(db.ok());
  std::vector<std::pair<std::string, TicketQuery>> queries;
  auto add = [&](const std::string& label, auto set) {
    TicketQuery query;
    set(query);
    queries.emplace_back(label, query);
  };
  add("state", [](TicketQuery& q) { q.state = v1::Ticket::RECEIVED; });
  add("department", [](TicketQuery& q) { q.department = "departments/x"; });
  add("department+state", [](TicketQuery& q) {
    q.department = "departments/x";
    q.state = v1::Ticket::IN_PROGRESS;
  });
  add("type", [](TicketQuery& q) { q.type = v1::Ticket::HELP; });
  add("topic", [](TicketQuery& q) { q.topic = "噪音"; });
  add("urgency", [](TicketQuery& q) { q.urgency = v1::Ticket::URGENT; });
  add("source_id", [](TicketQuery& q) { q.source_id = "SZ-1"; });
  add("created_by", [](TicketQuery& q) { q.created_by = "intake/city"; });
  add("received range", [](TicketQuery& q) {
    q.received_from_micros = 1;
    q.received_until_micros = 2;
  });
  add("received from", [](TicketQuery& q) { q.received_from_micros = 1; });
  for (const auto& [label, query] : queries) {
    absl::StatusOr<Statement> plan =
        (*db)->Prepare("EXPLAIN QUERY PLAN " + TicketQuerySql(query));
    ASSERT_TRUE(plan.ok()) << plan.status();
    std::string details;
    while (*plan->Step()) details += plan->ColumnText(3) + "; ";
    EXPECT_EQ(details.find("SCAN"), std::string::npos)
        << label << ": " << details;
    EXPECT_NE(details.find("INDEX"), std::string::npos)
        << label << ": " << details;
  }
}

// The sweeper's queries read only the partial index of open tickets with a
// pending deadline: with a million open tickets and nothing due, a pass
// reads one index entry.
TEST(Storage, SweeperQueriesUseTheNextDueIndex) {
  TempDir dir;
  const std::string path = dir.File("db");
  OpenStore(path).reset();
  absl::StatusOr<std::unique_ptr<Connection>> db =
      Connection::Open(path, /*read_only=*/true);
  ASSERT_TRUE(db.ok());
  for (const char* sql :
       {"SELECT id FROM tickets WHERE next_due_at IS NOT NULL AND "
        "next_due_at <= 1 ORDER BY next_due_at LIMIT 10",
        "SELECT MIN(next_due_at) FROM tickets WHERE next_due_at IS NOT NULL"}) {
    absl::StatusOr<Statement> plan =
        (*db)->Prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    ASSERT_TRUE(plan.ok()) << plan.status();
    std::string details;
    while (*plan->Step()) details += plan->ColumnText(3) + "; ";
    EXPECT_NE(details.find("tickets_by_next_due"), std::string::npos)
        << sql << ": " << details;
    EXPECT_EQ(details.find("SCAN tickets "), std::string::npos) << details;
  }
}

// The statistics sums of the sample tickets (received 2021-02-10 Beijing).
StatVector ReceivedOnFeb10(Store& store) {
  StatSumQuery query;
  query.kind = kStatAll;
  query.a = "";
  query.from_day = DayNumber(absl::CivilDay(2021, 2, 10));
  query.to_day = query.from_day + 1;
  std::map<std::string, StatVector> sums =
      ReadOrDie<std::map<std::string, StatVector>>(
          store, [&](Connection& db) { return SumStats(db, query); });
  return sums.empty() ? StatVector() : sums.begin()->second;
}

TEST(Storage, StatisticsAreRebuiltWhenMissingAndKeepTheirTimeZone) {
  TempDir dir;
  const std::string path = dir.File("stats.db");
  {
    std::unique_ptr<Store> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    InsertWithEvent(*store, "a");
    InsertWithEvent(*store, "b");
    EXPECT_EQ(ReceivedOnFeb10(*store)[kReceived], 2);
    // As a database from before the statistics tables would be.
    ASSERT_TRUE(store
                    ->WriteAndWait([](Connection& db) {
                      return db.Execute(
                          "DELETE FROM stat_counts; DELETE FROM "
                          "stat_day_changes; DELETE FROM stat_log; DELETE "
                          "FROM stat_meta;");
                    })
                    .ok());
    EXPECT_EQ(ReceivedOnFeb10(*store)[kReceived], 0);
  }
  {
    std::unique_ptr<Store> store = OpenStore(path);  // counts them again
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(ReceivedOnFeb10(*store)[kReceived], 2);
  }
  StoreOptions utc;
  utc.path = path;
  utc.time_zone = "UTC";
  absl::StatusOr<std::unique_ptr<Store>> refused = Store::Open(utc);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--time_zone=Asia/Shanghai"),
            std::string::npos)
      << refused.status();
  utc.time_zone = "Mars/Olympus";
  EXPECT_EQ(Store::Open(utc).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hotline::storage
