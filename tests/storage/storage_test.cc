// The SQLite store on a real file in a temporary directory.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sql/queries.h"
#include "storage/sql/stat_rollup.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/ticket_filters.h"
#include "tests/support/storage_support.h"
#include "tests/support/temp_dir.h"
#include "workflow/stat_facts.h"

namespace hotline::storage {
namespace {

using hotline::testing::DamageTablePages;
using hotline::testing::DamageTicketPages;
using hotline::testing::TempDir;

std::unique_ptr<SqliteStore> OpenStore(const std::string& path) {
  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
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

// The zone the stores of these tests count statistics days in.
absl::TimeZone StoreZone() {
  absl::StatusOr<absl::TimeZone> zone =
      LoadStoreTimeZone(StoreOptions().time_zone);
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : absl::UTCTimeZone();
}

// What a create commits, as a use case builds it: `ticket` named with a
// reserved number, its CREATED event and its statistics.
ChangeSet NewTicketChanges(Store& store, v1::Ticket ticket) {
  absl::StatusOr<int64_t> number = store.ReserveNumbers(NumberKind::kTicket, 1);
  EXPECT_TRUE(number.ok()) << number.status();
  ticket.set_name(absl::StrCat("tickets/", number.ok() ? *number : 0));
  ticket.set_etag("1");
  ChangeSet changes;
  v1::Event event;
  event.set_ticket(ticket.name());
  event.set_type(v1::Event::CREATED);
  event.set_actor("intake/city");
  event.set_state_after(v1::Ticket::RECEIVED);
  changes.events.push_back(event);
  changes.stat_changes = TicketStatChanges(nullptr, ticket, StoreZone());
  changes.new_tickets.push_back(std::move(ticket));
  return changes;
}

// Commits a new ticket and its CREATED event; returns the ticket.
v1::Ticket InsertWithEvent(SqliteStore& store, const std::string& source_id) {
  ChangeSet changes = NewTicketChanges(store, SampleTicket(source_id));
  v1::Ticket ticket = changes.new_tickets.front();
  absl::Status status = store.CommitAndWait(std::move(changes));
  EXPECT_TRUE(status.ok()) << status;
  return ticket;
}

// A change set that adds the department `id`.
ChangeSet NewDepartment(const std::string& id, const std::string& name) {
  ChangeSet changes;
  DepartmentRow row;
  row.id = id;
  row.department.set_display_name(name);
  changes.departments.push_back(row);
  return changes;
}

template <typename T>
T ReadOrDie(SqliteStore& store,
            std::function<absl::StatusOr<T>(Connection&)> read) {
  absl::StatusOr<T> value = store.Read<T>(read);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *std::move(value) : T();
}

TEST(Storage, MigratesAnEmptyFile) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
  }
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/true);
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

// A gRPC thread reads under NonBlockingReads: when every read connection is
// busy, the read gives up at once (WouldBlock) instead of waiting; outside
// that scope the same read waits for the connection and succeeds.
TEST(Storage, ANonBlockingReadGivesUpWhenEveryConnectionIsBusy) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("busy.db");
  options.read_connections = 1;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Notification holding, release;
  std::thread holder([&] {
    (*store)
        ->Read<int>([&](Connection&) -> absl::StatusOr<int> {
          holding.Notify();
          release.WaitForNotification();
          return 0;
        })
        .IgnoreError();
  });
  holding.WaitForNotification();
  {
    NonBlockingReads non_blocking;
    absl::StatusOr<int64_t> latest = (*store)->LatestSeq();
    EXPECT_TRUE(WouldBlock(latest.status())) << latest.status();
  }
  std::thread waiter([&] {
    absl::StatusOr<int64_t> latest = (*store)->LatestSeq();
    EXPECT_TRUE(latest.ok()) << latest.status();
  });
  release.Notify();
  holder.join();
  waiter.join();
}

TEST(Storage, ANewDatabaseAndItsLogAreReadableOnlyByTheServersUser) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  const mode_t umask_before = umask(022);
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  umask(umask_before);
  ASSERT_NE(store, nullptr);
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat info;
    ASSERT_EQ(stat(file.c_str(), &info), 0) << file;
    EXPECT_EQ(info.st_mode & 0777, 0600) << file;
  }
}

TEST(Storage, ReopeningAMigratedFileChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("db");
  OpenStore(path).reset();
  std::unique_ptr<SqliteStore> again = OpenStore(path);
  ASSERT_NE(again, nullptr);
}

// The whole file, to compare before and after a refused open.
std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The names in `dir`, sorted.
std::vector<std::string> Files(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Opens `path` with the server's options (lock and checks); expects it
// refused with FAILED_PRECONDITION, a one-line message containing `reason`,
// and the file and its folder exactly as they were.
void ExpectRefusedUntouched(const TempDir& dir, const std::string& path,
                            const std::string& reason) {
  const std::string before = Bytes(path);
  const std::vector<std::string> files = Files(dir);
  StoreOptions options;
  options.path = path;
  SqliteOptions sqlite;
  sqlite.lock = true;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options, sqlite);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find(reason), std::string::npos)
      << store.status();
  EXPECT_EQ(store.status().message().find('\n'), std::string::npos)
      << store.status();
  EXPECT_TRUE(Bytes(path) == before) << "the refused file was changed";
  EXPECT_EQ(Files(dir), files);  // no -wal, -shm or lock file left
}

// A hotline database made by the store, closed; with `tickets` tickets.
void MakeHotlineFile(const std::string& path, int tickets) {
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < tickets; ++i) {
    InsertWithEvent(*store, absl::StrCat("SZ-", i));
  }
}

// Sets pragmas on `path` directly, as another program would.
void Pragma(const std::string& path, const std::string& sql) {
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/false);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Execute(sql).ok()) << sql;
}

TEST(Storage, RefusesAFileFromANewerBuildUntouched) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  MakeHotlineFile(path, 1);
  Pragma(path, "PRAGMA user_version = 99");
  ExpectRefusedUntouched(dir, path, "newer than this build's");
  // A file from before the application_id mark is checked the same way.
  Pragma(path, "PRAGMA application_id = 0");
  ExpectRefusedUntouched(dir, path, "has schema version 99");
}

TEST(Storage, RefusesAnotherApplicationsFileUntouched) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  // Rollback journal, as most applications leave their files.
  Pragma(path,
         "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT);"
         "CREATE TABLE orders (id INTEGER PRIMARY KEY);"
         "INSERT INTO accounts (name) VALUES ('x');");
  ExpectRefusedUntouched(dir, path, "is not a hotline database");
  // Marked by its application: refused even without tables.
  const std::string marked = dir.File("marked.db");
  Pragma(marked, "PRAGMA application_id = 1196444237");
  ExpectRefusedUntouched(dir, marked, "application_id 0x47504a4d");
  // Not SQLite at all.
  const std::string text = dir.File("notes.txt");
  std::ofstream(text) << "not a database\n";
  ExpectRefusedUntouched(dir, text, "not an SQLite file");
}

TEST(Storage, RefusesADamagedFileUntouched) {
  TempDir dir;
  const std::string path = dir.File("damaged.db");
  MakeHotlineFile(path, 40);
  ASSERT_GT(std::filesystem::file_size(path), 8192u + 16384u);
  // 16 KiB of random bytes over its pages (not the first).
  std::string noise(16384, '\0');
  std::mt19937 random(9);
  for (char& c : noise) c = static_cast<char>(random());
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(8192);
    file.write(noise.data(), noise.size());
  }
  ExpectRefusedUntouched(dir, path, "is damaged");
  ExpectRefusedUntouched(dir, path, "quick_check");
}

// Opens `path` as a file too large to check whole at start.
absl::StatusOr<std::unique_ptr<SqliteStore>> OpenAsLarge(
    const std::string& path) {
  StoreOptions options;
  options.path = path;
  SqliteOptions sqlite;
  sqlite.start_check_limit_bytes = 0;
  return SqliteStore::Open(options, sqlite);
}

// A file larger than the start's limit opens without reading its large
// tables; the background check then reads every table and finds what is
// sound sound.
TEST(Storage, ALargeFileIsCheckedInTheBackgroundAfterItOpens) {
  TempDir dir;
  const std::string path = dir.File("large.db");
  MakeHotlineFile(path, 40);
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = OpenAsLarge(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->AwaitIntegrityCheck().ok());
  EXPECT_EQ((*store)->health(), StoreHealth::kHealthy);
  InsertWithEvent(**store, "SZ-after");
  // A small file is checked whole before: nothing is left to do after.
  store->reset();
  std::unique_ptr<SqliteStore> small = OpenStore(path);
  ASSERT_NE(small, nullptr);
  EXPECT_TRUE(small->AwaitIntegrityCheck().ok());
}

// Damage outside the tables a start reads: the large file opens (a start
// does not read the whole file), and the background check finds it soon
// after: health kDamaged, every write refused with DATA_LOSS naming the
// table, and the refusal changes nothing.
TEST(Storage, DamageTheBackgroundCheckFindsStopsEveryWrite) {
  TempDir dir;
  const std::string path = dir.File("damaged.db");
  MakeHotlineFile(path, 40);
  // A table no start reads (a ticket's last page is read at every start,
  // for the next number).
  DamageTablePages(path, "daily_reports");
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = OpenAsLarge(path);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<StoreHealth> changes;
  (*store)->SetHealthListener(
      [&changes](StoreHealth health) { changes.push_back(health); });
  const absl::Status found = (*store)->AwaitIntegrityCheck();
  EXPECT_EQ(found.code(), absl::StatusCode::kDataLoss) << found;
  EXPECT_THAT(std::string(found.message()),
              ::testing::HasSubstr("quick_check(daily_reports)"));
  EXPECT_EQ((*store)->health(), StoreHealth::kDamaged);
  EXPECT_EQ(changes.back(), StoreHealth::kDamaged);
  // A write that does not touch the damaged table is refused all the same.
  const absl::Status write =
      (*store)->CommitAndWait(NewDepartment("roads", "Roads"));
  EXPECT_EQ(write.code(), absl::StatusCode::kDataLoss) << write;
  EXPECT_THAT(std::string(write.message()),
              ::testing::HasSubstr("writes are refused until it is restored"));
  absl::StatusOr<std::optional<v1::Department>> roads =
      (*store)->LoadDepartment("roads");
  ASSERT_TRUE(roads.ok()) << roads.status();
  EXPECT_FALSE(roads->has_value());
}

// Damage in a table every start reads is still refused before anything is
// written, however large the file.
TEST(Storage, ALargeFileDamagedWhereAStartReadsIsRefusedUntouched) {
  TempDir dir;
  const std::string path = dir.File("damaged.db");
  MakeHotlineFile(path, 40);
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitAndWait(NewDepartment("roads", "Roads")).ok());
  }
  DamageTablePages(path, "departments");
  const std::string before = Bytes(path);
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = OpenAsLarge(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("is damaged and cannot be served ("));
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("quick_check(departments)"));
  EXPECT_TRUE(Bytes(path) == before) << "the refused file was changed";
}

TEST(Storage, MarksItsFilesAndAdoptsOnesFromBeforeTheMark) {
  TempDir dir;
  const std::string path = dir.File("db");
  MakeHotlineFile(path, 1);
  auto application_id = [&] {
    absl::StatusOr<std::unique_ptr<Connection>> db =
        SqliteConnection::Open(path, /*read_only=*/true);
    return *(*db)->QueryInt64("PRAGMA application_id");
  };
  EXPECT_EQ(application_id(), kApplicationId);
  Pragma(path, "PRAGMA application_id = 0");  // a file from before the mark
  MakeHotlineFile(path, 0);
  EXPECT_EQ(application_id(), kApplicationId);
  // An empty SQLite file is new.
  const std::string empty = dir.File("empty.db");
  Pragma(empty, "PRAGMA page_size = 4096; VACUUM");
  EXPECT_NE(OpenStore(empty), nullptr);
}

TEST(Storage, OneLockedStoreAtATimeAndNoLockFileLeft) {
  TempDir dir;
  const std::string path = dir.File("db");
  StoreOptions options;
  options.path = path;
  SqliteOptions sqlite;
  sqlite.lock = true;
  absl::StatusOr<std::unique_ptr<SqliteStore>> first =
      SqliteStore::Open(options, sqlite);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(std::filesystem::exists(path + ".lock"));
  absl::StatusOr<std::unique_ptr<SqliteStore>> second =
      SqliteStore::Open(options, sqlite);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(absl::StrCat("pid ", getpid())),
            std::string::npos)
      << second.status();
  // Without the lock (the bootstrap command) the file opens beside it.
  EXPECT_NE(OpenStore(path), nullptr);
  (*first)->Close();
  EXPECT_FALSE(std::filesystem::exists(path + ".lock"));
  second = SqliteStore::Open(options, sqlite);
  EXPECT_TRUE(second.ok()) << second.status();
}

// SQLite's max_page_count stands in for a full disk: the file cannot grow.
TEST(Storage, AFullDiskIsResourceExhaustedAndHealthRecoversWithSpace) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("db"));
  std::vector<StoreHealth> changes;
  store->SetHealthListener(
      [&changes](StoreHealth health) { changes.push_back(health); });
  auto limit_pages = [&](const std::string& count) {
    return store->WriteAndWait([&](Connection& db) {
      return db.Execute(absl::StrCat("PRAGMA max_page_count = ", count));
    });
  };
  ASSERT_TRUE(limit_pages("1").ok());  // at least the current page count
  absl::Status full;
  for (int i = 0; i < 100 && full.ok(); ++i) {
    v1::Ticket ticket = SampleTicket(absl::StrCat("big-", i));
    ticket.set_content(std::string(20000, 'x'));
    full = store->CommitAndWait(NewTicketChanges(*store, ticket));
  }
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_TRUE(IsDiskFull(full));
  EXPECT_TRUE(absl::StartsWith(full.message(), "disk full")) << full;
  EXPECT_EQ(full.message().find("INSERT"), std::string::npos) << full;
  EXPECT_EQ(store->health(), StoreHealth::kDiskFull);
  // Space again: the next write commits and health follows.
  ASSERT_TRUE(limit_pages("1073741823").ok());
  EXPECT_EQ(store->health(), StoreHealth::kHealthy);
  EXPECT_TRUE(
      store->CommitAndWait(NewTicketChanges(*store, SampleTicket("after")))
          .ok());
  EXPECT_EQ(changes, (std::vector<StoreHealth>{StoreHealth::kHealthy,
                                               StoreHealth::kDiskFull,
                                               StoreHealth::kHealthy}));
}

TEST(Storage, DamageFoundWhileRunningIsDataLossAndStays) {
  TempDir dir;
  const std::string path = dir.File("db");
  MakeHotlineFile(path, 30);
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  DamageTicketPages(path);
  absl::StatusOr<std::vector<v1::Ticket>> read =
      store->Read<std::vector<v1::Ticket>>(
          [](Connection& db) { return QueryTickets(db, TicketQuery()); });
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << read.status();
  EXPECT_EQ(store->health(), StoreHealth::kDamaged);
  absl::Status write =
      store->CommitAndWait(NewTicketChanges(*store, SampleTicket("new")));
  EXPECT_EQ(write.code(), absl::StatusCode::kDataLoss) << write;
  // A write elsewhere is refused too: the file is to be restored from a
  // backup, which would lose it; its caller retries against the restored
  // file instead.
  const absl::Status elsewhere =
      store->CommitAndWait(NewDepartment("housing", "住建局"));
  EXPECT_EQ(elsewhere.code(), absl::StatusCode::kDataLoss) << elsewhere;
  EXPECT_EQ(store->health(), StoreHealth::kDamaged);
  absl::StatusOr<std::optional<v1::Department>> housing =
      store->LoadDepartment("housing");
  ASSERT_TRUE(housing.ok()) << housing.status();
  EXPECT_FALSE(housing->has_value());
}

TEST(Storage, EverythingIsThereAfterCloseAndReopen) {
  TempDir dir;
  const std::string path = dir.File("db");
  std::string name;
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    name = InsertWithEvent(*store, "SZ-1").name();
    ASSERT_TRUE(store->CommitAndWait(NewDepartment("housing", "住建局")).ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
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

// An event row keeps its columns' fields once (storage/sql/event_rows.h):
// every read, of the ticket's history and of the feeds, gives back the event
// as committed, and a row stored whole by an older build reads the same.
TEST(Storage, AnEventReadsBackWholeThoughItsBodyLeavesOutItsColumns) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("events.db"));
  ASSERT_NE(store, nullptr);
  ChangeSet changes = NewTicketChanges(*store, SampleTicket("SZ-1"));
  const std::string name = changes.new_tickets.front().name();
  // The CREATED event has no time (an unset time stays unset).
  ASSERT_FALSE(changes.events.front().has_time());
  v1::Event dispatched;
  dispatched.set_ticket(name);
  dispatched.set_type(v1::Event::DISPATCHED);
  dispatched.set_actor("bureau");
  // Nanoseconds the time column cannot hold: kept in the body.
  dispatched.mutable_time()->set_seconds(1612918900);
  dispatched.mutable_time()->set_nanos(123456789);
  dispatched.set_department("departments/water");
  dispatched.set_previous_department("departments/roads");
  dispatched.set_state_before(v1::Ticket::RECEIVED);
  dispatched.set_state_after(v1::Ticket::DISPATCHED);
  dispatched.set_reason("转交");
  changes.events.push_back(dispatched);
  v1::Event replied;
  replied.set_ticket(name);
  replied.set_type(v1::Event::REPLIED);
  replied.set_actor("department/water");
  *replied.mutable_time() = ToProtoTime(absl::FromUnixMicros(1612918950123456));
  replied.set_department("departments/water");
  replied.set_reply_text("已处理");
  changes.events.push_back(replied);
  const std::vector<v1::Event> committed = changes.events;
  ASSERT_TRUE(store->CommitAndWait(std::move(changes)).ok());

  // An older build's row: the whole event in the body.
  v1::Event whole = dispatched;
  whole.set_seq(4);
  whole.set_type(v1::Event::ACKNOWLEDGED);
  whole.set_actor("department/water");
  *whole.mutable_time() = ToProtoTime(absl::FromUnixSeconds(1612919000));
  ASSERT_TRUE(store
                  ->WriteAndWait([&](Connection& db) -> absl::Status {
                    ASSIGN_OR_RETURN(
                        Statement insert,
                        db.Prepare("INSERT INTO events (seq, ticket_id, time, "
                                   "type, actor, department, "
                                   "previous_department, body) VALUES (4, 1, "
                                   "?, ?, ?, ?, ?, ?)"));
                    insert.BindInt64(1, 1612919000000000);
                    insert.BindInt64(2, whole.type());
                    insert.BindText(3, whole.actor());
                    insert.BindText(4, whole.department());
                    insert.BindText(5, whole.previous_department());
                    insert.BindBlob(6, whole.SerializeAsString());
                    return insert.Run();
                  })
                  .ok());

  std::vector<v1::Event> expected = committed;
  expected[0].set_seq(1);
  expected[1].set_seq(2);
  expected[2].set_seq(3);
  expected.push_back(whole);
  auto same = [&](const std::vector<v1::Event>& read, const char* how) {
    ASSERT_EQ(read.size(), expected.size()) << how;
    for (size_t i = 0; i < read.size(); ++i) {
      EXPECT_EQ(read[i].SerializeAsString(), expected[i].SerializeAsString())
          << how << " " << i << ": " << read[i].ShortDebugString();
    }
  };
  same(ReadOrDie<std::vector<v1::Event>>(
           *store,
           [](Connection& db) { return QueryTicketEvents(db, 1, 0, 10); }),
       "the ticket's history");
  EventFeedQuery all;
  all.limit = 10;
  same(ReadOrDie<std::vector<v1::Event>>(
           *store, [&](Connection& db) { return QueryEventFeed(db, all); }),
       "the bureau's feed");
  EventFeedQuery water = all;
  water.department = "departments/water";
  auto departments = ReadOrDie<std::vector<v1::Event>>(
      *store, [&](Connection& db) { return QueryEventFeed(db, water); });
  ASSERT_EQ(departments.size(), 3u);
  for (size_t i = 0; i < departments.size(); ++i) {
    EXPECT_EQ(departments[i].SerializeAsString(),
              expected[i + 1].SerializeAsString())
        << "the department's feed " << i;
  }
  // The stored body leaves the actor and the departments to the columns.
  const std::string body = ReadOrDie<std::string>(
      *store, [](Connection& db) -> absl::StatusOr<std::string> {
        ASSIGN_OR_RETURN(Statement read,
                         db.Prepare("SELECT body FROM events WHERE seq = 2"));
        ASSIGN_OR_RETURN(bool row, read.Step());
        if (!row) return absl::NotFoundError("no event 2");
        return std::string(read.ColumnBlob(0));
      });
  EXPECT_EQ(body.find("departments/water"), std::string::npos);
  EXPECT_NE(body.find("转交"), std::string::npos);
}

TEST(Storage, AnUpdateReplacesItsVersionAndAStaleOneIsAConflict) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("db"));
  const v1::Ticket inserted = InsertWithEvent(*store, "");
  v1::Ticket ticket = inserted;
  ticket.set_state(v1::Ticket::DISPATCHED);
  ticket.set_department("departments/housing");
  ticket.set_etag("2");
  ChangeSet update;
  update.ExpectVersion(TicketId(ticket), "1");
  update.tickets.push_back(ticket);
  update.stat_changes = TicketStatChanges(&inserted, ticket, StoreZone());
  ASSERT_TRUE(store->CommitAndWait(std::move(update)).ok());
  // Another change made from version 1, too late: version 2 is stored.
  v1::Ticket stale = inserted;
  stale.set_state(v1::Ticket::CLOSED);
  stale.set_etag("2");
  ChangeSet late;
  late.tickets.push_back(stale);
  absl::Status status = store->CommitAndWait(std::move(late));
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_TRUE(IsConflict(status)) << status;
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
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("db"));
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

TEST(Storage, ATakenSourceIdIsAConflictAndWritesNothing) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("db"));
  InsertWithEvent(*store, "SZ-9");
  absl::Status status =
      store->CommitAndWait(NewTicketChanges(*store, SampleTicket("SZ-9")));
  EXPECT_TRUE(IsConflict(status)) << status;
  // Not the second ticket's event either.
  EXPECT_EQ(*store->LatestSeq(), 1);
}

TEST(Storage, EventSequenceIsGlobalAndIncreasing) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("db"));
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
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("db"));
  store->Close();
  absl::Status status =
      store->WriteAndWait([](Connection&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<int> read =
      store->Read<int>([](Connection&) -> absl::StatusOr<int> { return 1; });
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
}

// Every list query is served by an index: the plan never scans the table.
// Daily reports from a date on: the date bound becomes an id bound (reports
// come in date order), and the page holds exactly the reports of those
// dates, for the bureau and for one department, page after page.
TEST(Storage, DailyReportsFromADateAreExactlyThoseDays) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenStore(dir.File("reports.db"));
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> dates = {"2025-03-03", "2025-03-04",
                                          "2025-03-05", "2025-03-06"};
  std::vector<std::string> tickets;
  for (int i = 0; i < 24; ++i) {
    tickets.push_back(InsertWithEvent(*store, absl::StrCat("r-", i)).name());
  }
  ASSERT_TRUE(store
                  ->WriteAndWait([&](Connection& db) -> absl::Status {
                    size_t ticket = 0;
                    for (const std::string& date : dates) {
                      for (int i = 0; i < 6; ++i) {
                        v1::DailyReport report;
                        report.set_ticket(tickets[ticket++]);
                        report.set_date(date);
                        report.set_department(i % 2 == 0 ? "departments/a"
                                                         : "departments/b");
                        report.set_progress("处理中");
                        if (absl::Status s = UpsertDailyReport(db, report);
                            !s.ok()) {
                          return s;
                        }
                      }
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  for (std::optional<std::string> department :
       {std::optional<std::string>(),
        std::optional<std::string>("departments/b")}) {
    DailyReportQuery query;
    query.department = department;
    query.from_date = "2025-03-05";
    query.limit = 4;
    std::vector<std::string> seen;
    while (true) {
      auto page = ReadOrDie<std::vector<std::pair<int64_t, v1::DailyReport>>>(
          *store, [&](Connection& db) { return QueryDailyReports(db, query); });
      for (const auto& [id, report] : page) {
        EXPECT_GE(report.date(), "2025-03-05");
        if (department) {
          EXPECT_EQ(report.department(), *department);
        }
        seen.push_back(report.ticket());
      }
      if (static_cast<int>(page.size()) < query.limit) break;
      query.after_id = page.back().first;
    }
    EXPECT_EQ(seen.size(), department ? 6u : 12u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(),
              seen.size());
  }
  DailyReportQuery none;
  none.from_date = "2025-04-01";
  using Rows = std::vector<std::pair<int64_t, v1::DailyReport>>;
  const Rows later = ReadOrDie<Rows>(
      *store, [&](Connection& db) { return QueryDailyReports(db, none); });
  EXPECT_TRUE(later.empty());
}

TEST(Storage, EveryTicketFilterUsesAnIndex) {
  TempDir dir;
  const std::string path = dir.File("db");
  OpenStore(path).reset();
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/true);
  ASSERT_TRUE(db.ok());
  for (const auto& [label, query] : hotline::testing::TicketFilters()) {
    absl::StatusOr<Statement> plan =
        (*db)->Prepare("EXPLAIN QUERY PLAN " + TicketQuerySql(**db, query));
    ASSERT_TRUE(plan.ok()) << plan.status();
    std::string details;
    while (*plan->Step()) details += plan->ColumnText(3) + "; ";
    EXPECT_EQ(details.find("SCAN"), std::string::npos)
        << label << ": " << details;
    // An index, or the table's own key (a received_at span alone walks
    // the ids it bounds).
    EXPECT_TRUE(details.find("INDEX") != std::string::npos ||
                details.find("INTEGER PRIMARY KEY") != std::string::npos)
        << label << ": " << details;
    // A first page reads a page, not every match: no sort of all of them.
    EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos)
        << label << ": " << details;
  }
}

// A received_at span is answered from the ids its hours bound
// (receipt_hours.h): a ticket stored late with an old received_at (an
// import) is found in its hour's lists, a span no ticket falls in is
// empty, and a database that migration 18 found with tickets has the
// bounds of each one's hour.
TEST(Storage, ReceivedSpansFindLateTicketsAndTicketsFromBeforeTheBounds) {
  TempDir dir;
  const std::string path = dir.File("db");
  const absl::Time hour = absl::FromUnixSeconds(1612918800);  // 2021-02-10
  auto received = [&](absl::Duration after, const std::string& source_id) {
    v1::Ticket ticket = SampleTicket(source_id);
    *ticket.mutable_received_at() = ToProtoTime(hour + after);
    return ticket;
  };
  auto sources = [](const absl::StatusOr<std::vector<v1::Ticket>>& tickets) {
    std::vector<std::string> ids;
    EXPECT_TRUE(tickets.ok()) << tickets.status();
    if (tickets.ok()) {
      for (const v1::Ticket& t : *tickets) ids.push_back(t.source_id());
    }
    return ids;
  };
  auto span = [](absl::Time from, absl::Time until) {
    TicketQuery query;
    query.received_from_micros = absl::ToUnixMicros(from);
    query.received_until_micros = absl::ToUnixMicros(until);
    return query;
  };
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    // Received in this order, a day apart; the third is stored last but
    // was received first (an import).
    for (const auto& [after, source] :
         std::vector<std::pair<absl::Duration, std::string>>{
             {absl::Hours(24), "day-1"},
             {absl::Hours(48), "day-2"},
             {absl::Minutes(30), "day-0-late"}}) {
      ASSERT_TRUE(
          store
              ->CommitAndWait(NewTicketChanges(*store, received(after, source)))
              .ok());
    }
    EXPECT_EQ(sources(store->QueryTickets(span(hour, hour + absl::Hours(1)))),
              std::vector<std::string>{"day-0-late"});
    EXPECT_EQ(sources(store->QueryTickets(
                  span(hour + absl::Hours(20), hour + absl::Hours(49)))),
              (std::vector<std::string>{"day-1", "day-2"}));
    TicketQuery until = span(hour, hour + absl::Hours(25));
    until.received_from_micros.reset();
    EXPECT_EQ(sources(store->QueryTickets(until)),
              (std::vector<std::string>{"day-1", "day-0-late"}));
    // Exactly at the bounds, inclusive; a span between the tickets, none.
    EXPECT_EQ(sources(store->QueryTickets(
                  span(hour + absl::Hours(48), hour + absl::Hours(48)))),
              std::vector<std::string>{"day-2"});
    EXPECT_TRUE(sources(store->QueryTickets(span(hour + absl::Hours(2),
                                                 hour + absl::Hours(20))))
                    .empty());
    EXPECT_TRUE(sources(store->QueryTickets(span(hour + absl::Hours(49),
                                                 hour + absl::Hours(99))))
                    .empty());
  }
  // As migration 17 left a database: no bounds, the received_at index
  // (and none of migration 19's compact statistics log, which this test
  // does not read).
  {
    absl::StatusOr<std::unique_ptr<Connection>> db =
        SqliteConnection::Open(path, /*read_only=*/false);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Execute("BEGIN; DROP TABLE stat_changes; "
                              "DROP TABLE ticket_receipt_hours; "
                              "CREATE INDEX tickets_by_received ON "
                              "tickets(received_at, id); PRAGMA user_version "
                              "= 17; COMMIT;")
                    .ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(sources(store->QueryTickets(span(hour, hour + absl::Hours(99)))),
            (std::vector<std::string>{"day-1", "day-2", "day-0-late"}));
  EXPECT_EQ(sources(store->QueryTickets(span(hour, hour + absl::Hours(1)))),
            std::vector<std::string>{"day-0-late"});
}

// The sweeper's queries read only the partial index of open tickets with a
// pending deadline: with a million open tickets and nothing due, a pass
// reads one index entry.
TEST(Storage, SweeperQueriesUseTheNextDueIndex) {
  TempDir dir;
  const std::string path = dir.File("db");
  OpenStore(path).reset();
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/true);
  ASSERT_TRUE(db.ok());
  for (const char* sql :
       {"SELECT id FROM tickets WHERE next_due_at IS NOT NULL AND "
        "next_due_at <= 1 ORDER BY next_due_at, id LIMIT 10",
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
StatVector ReceivedOnFeb10(SqliteStore& store) {
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
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    InsertWithEvent(*store, "a");
    InsertWithEvent(*store, "b");
    EXPECT_EQ(ReceivedOnFeb10(*store)[kReceived], 2);
    // As a database from before the statistics tables would be.
    ASSERT_TRUE(store
                    ->WriteAndWait([](Connection& db) {
                      return db.Execute(
                          "DELETE FROM stat_counts; DELETE FROM "
                          "stat_day_changes; DELETE FROM stat_changes; DELETE "
                          "FROM stat_meta;");
                    })
                    .ok());
    EXPECT_EQ(ReceivedOnFeb10(*store)[kReceived], 0);
  }
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);  // counts them again
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(ReceivedOnFeb10(*store)[kReceived], 2);
  }
  StoreOptions utc;
  utc.path = path;
  utc.time_zone = "UTC";
  absl::StatusOr<std::unique_ptr<SqliteStore>> refused = SqliteStore::Open(utc);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--time_zone=Asia/Shanghai"),
            std::string::npos)
      << refused.status();
  utc.time_zone = "Mars/Olympus";
  EXPECT_EQ(SqliteStore::Open(utc).status().code(),
            absl::StatusCode::kInvalidArgument);
}

using FlatSums =
    std::vector<std::map<std::string, std::array<int64_t, kStatCounterCount>>>;

// The as-of sums a report reads, for a set of instants in one day, by day,
// by department and by department x topic: what must not change while the
// statistics log changes form.
constexpr int kAsOfMinutes[] = {0, 30, 61, 125, 240, 600, 1439, -1};

// The i-th instant AsOfSums asks for (nullopt: now).
std::optional<absl::Time> QueryAsOf(absl::CivilDay day, int i) {
  if (kAsOfMinutes[i] < 0) return std::nullopt;
  return absl::FromCivil(day, StoreZone()) + absl::Minutes(kAsOfMinutes[i]);
}

// `sums` without the keys whose counters are all zero.
std::map<std::string, std::array<int64_t, kStatCounterCount>> NonZero(
    std::map<std::string, std::array<int64_t, kStatCounterCount>> sums) {
  for (auto it = sums.begin(); it != sums.end();) {
    const bool zero = std::all_of(it->second.begin(), it->second.end(),
                                  [](int64_t v) { return v == 0; });
    it = zero ? sums.erase(it) : std::next(it);
  }
  return sums;
}

FlatSums AsOfSums(SqliteStore& store, absl::CivilDay day) {
  const absl::TimeZone zone = StoreZone();
  const absl::Time start = absl::FromCivil(day, zone);
  std::vector<StatSumQuery> queries;
  for (int minutes : kAsOfMinutes) {
    for (StatKind kind : {kStatAll, kStatDepartment, kStatDeptTopic}) {
      StatSumQuery q;
      q.kind = kind;
      q.from_day = DayNumber(day) - 1;
      q.to_day = DayNumber(day) + 2;
      q.group = kind == kStatAll          ? StatSumQuery::kByDay
                : kind == kStatDepartment ? StatSumQuery::kByA
                                          : StatSumQuery::kByB;
      if (kind == kStatDeptTopic) q.a = "departments/water";
      if (minutes >= 0) {
        q.as_of = start + absl::Minutes(minutes);
        q.as_of_day = DayNumber(day);
        q.as_of_day_start = start;
        q.as_of_next_day_start = absl::FromCivil(day + 1, zone);
      }
      queries.push_back(q);
    }
  }
  return ReadOrDie<FlatSums>(store, [&](Connection& db) {
    FlatSums out;
    for (const StatSumQuery& q : queries) {
      absl::StatusOr<StatSums> sums = SumStats(db, q);
      if (!sums.ok()) return absl::StatusOr<FlatSums>(sums.status());
      out.emplace_back();
      for (const auto& [key, counts] : *sums) out.back()[key] = counts.c;
    }
    return absl::StatusOr<FlatSums>(std::move(out));
  });
}

int64_t CountRows(SqliteStore& store, const std::string& table) {
  return ReadOrDie<int64_t>(store, [&](Connection& db) {
    return db.QueryInt64(absl::StrCat("SELECT COUNT(*) FROM ", table));
  });
}

// One side of a change as the text log of schema 4 to 18 kept it.
std::string TextFacts(const StatFacts& f, int counters) {
  std::vector<std::string> counts;
  for (int i = 0; i < counters; ++i)
    counts.push_back(absl::StrCat(f.counts.c[i]));
  return absl::StrCat(absl::CEscape(f.department), "\x1f",
                      absl::CEscape(f.type), "\x1f", absl::CEscape(f.topic),
                      "\x1f", f.day, "\x1f", absl::StrJoin(counts, ","));
}

TEST(Storage, TheTextStatisticsLogMovesBehindTheStartAndAnswersTheSame) {
  TempDir dir;
  const std::string path = dir.File("stat-log.db");
  const absl::TimeZone zone = StoreZone();
  const absl::CivilDay day(2021, 2, 10);
  const absl::Time start = absl::FromCivil(day, zone);
  // Changes at instants through the day: new contributions, changes that
  // keep their key, and changes of department and of day.
  auto facts = [&](const std::string& department, const std::string& topic,
                   int64_t day_number, StatCounter counter, int64_t value) {
    StatFacts f;
    f.department = department;
    f.type = "COMPLAINT";
    f.topic = topic;
    f.day = day_number;
    f.counts[counter] = value;
    f.counts[kReceived] = 1;
    return f;
  };
  std::vector<TimedFacts> history;
  std::vector<std::pair<std::string, std::string>> text_rows;  // as schema 18
  std::mt19937 random(7);
  const char* const departments[] = {"departments/water", "departments/roads",
                                     ""};
  const char* const topics[] = {"噪音", "路灯"};
  for (int i = 0; i < 120; ++i) {
    const absl::Time at = start + absl::Minutes(i * 12 + 1);
    const int64_t d = DayNumber(day) - static_cast<int64_t>(random() % 2);
    StatFacts before = facts(departments[random() % 3], topics[random() % 2], d,
                             kForwarded, 1);
    StatFacts after = i % 3 == 0 ? before
                                 : facts(departments[random() % 3],
                                         topics[random() % 2], d, kReplied, 1);
    if (i % 3 == 0) after.counts[kRepliedOnTime] = 1;
    if (i % 5 == 0) {
      history.push_back({at, std::nullopt, before});
      text_rows.emplace_back("",
                             TextFacts(before, i % 2 ? 15 : kStatCounterCount));
    } else {
      history.push_back({at, before, after});
      text_rows.emplace_back(TextFacts(before, kStatCounterCount),
                             TextFacts(after, kStatCounterCount));
    }
  }
  FlatSums expected;
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    ChangeSet changes;
    changes.stat_changes = history;
    ASSERT_TRUE(store->CommitAndWait(std::move(changes)).ok());
    expected = AsOfSums(*store, day);
    ASSERT_EQ(expected.size(), 24u);
    // The log is read: half an hour into the day differs from its start
    // and from now.
    EXPECT_NE(expected[3], expected[0]);
    EXPECT_NE(expected[3], expected[21]);
    // Each answer is the history's own sum, counted here by hand: each
    // change before the instant takes its old contribution away from the
    // old key and adds the new one at the new key.
    for (int i = 0; i < 8; ++i) {
      const std::optional<absl::Time> as_of = QueryAsOf(day, i);
      std::array<std::map<std::string, std::array<int64_t, kStatCounterCount>>,
                 3>
          hand;
      auto add = [&](const StatFacts& f, int sign) {
        const std::string keys[3] = {
            absl::StrCat(f.day), f.department,
            f.department == "departments/water" ? f.topic : ""};
        for (int kind = 0; kind < 3; ++kind) {
          if (kind == 2 && keys[2].empty()) continue;
          auto& sum = hand[kind][keys[kind]];
          for (int c = 0; c < kStatCounterCount; ++c) {
            sum[c] += sign * f.counts.c[c];
          }
        }
      };
      for (const TimedFacts& change : history) {
        if (as_of && change.at >= *as_of) continue;
        if (change.before) add(*change.before, -1);
        if (change.after) add(*change.after, +1);
      }
      for (int kind = 0; kind < 3; ++kind) {
        EXPECT_EQ(NonZero(expected[i * 3 + kind]), NonZero(hand[kind]))
            << "instant " << i << ", kind " << kind;
      }
    }
    ASSERT_GT(CountRows(*store, "stat_changes"), 0);
    // The same log as a database of schema 18 holds it: in text, in
    // stat_log.
    ASSERT_TRUE(store
                    ->WriteAndWait([&](Connection& db) -> absl::Status {
                      RETURN_IF_ERROR(db.Execute("DELETE FROM stat_changes"));
                      for (size_t i = 0; i < history.size(); ++i) {
                        ASSIGN_OR_RETURN(
                            Statement insert,
                            db.Prepare("INSERT INTO stat_log (at, before, "
                                       "after) VALUES (?, ?, ?)"));
                        insert.BindInt64(1, absl::ToUnixMicros(history[i].at));
                        insert.BindText(2, text_rows[i].first);
                        insert.BindText(3, text_rows[i].second);
                        RETURN_IF_ERROR(insert.Run());
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_EQ(AsOfSums(*store, day), expected) << "read from the text log";
    // Part of it moved, as a start killed mid-way leaves it: both are read.
    ASSERT_TRUE(
        store
            ->WriteAndWait([](Connection& db) -> absl::Status {
              ASSIGN_OR_RETURN(MovedStatLog moved, MoveTextStatLog(db, 50));
              return moved.rows == 50 ? absl::OkStatus()
                                      : absl::InternalError("moved too few");
            })
            .ok());
    EXPECT_EQ(CountRows(*store, "stat_log"), 70);
    EXPECT_EQ(AsOfSums(*store, day), expected) << "read from both";
  }
  // The next start moves the rest while it serves.
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->AwaitStatLogConversion().ok());
  EXPECT_EQ(CountRows(*store, "stat_log"), 0);
  EXPECT_EQ(AsOfSums(*store, day), expected) << "read from the compact log";
  // A text row that cannot be read stops the move and is reported, not
  // skipped; the store stays healthy (only an as-of figure of its day reads
  // it).
  ASSERT_TRUE(store
                  ->WriteAndWait([](Connection& db) {
                    return db.Execute(
                        "INSERT INTO stat_log (at, before, after) VALUES (1, "
                        "'', 'not a change')");
                  })
                  .ok());
  store.reset();
  store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  const absl::Status stopped = store->AwaitStatLogConversion();
  EXPECT_EQ(stopped.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(stopped.message(), "of stat_log")) << stopped;
  EXPECT_EQ(CountRows(*store, "stat_log"), 1);
  EXPECT_EQ(store->health(), StoreHealth::kHealthy);
}

}  // namespace
}  // namespace hotline::storage
