// Online backups (CreateBackup, hotlinectl backup, --backup_dir) and the
// restore runbook of docs/operations.md ("Backup and restore"), end to end with
// the real binaries.
#include "storage/sqlite/backup.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/sql/restored_history.h"
#include "storage/sqlite/sqlite.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ConnectTo;
using testing::CreateDepartmentWithToken;
using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

std::set<std::string> FilesIn(const std::string& directory) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

int64_t Count(storage::Connection& db, const std::string& sql) {
  absl::StatusOr<int64_t> count = db.QueryInt64(sql);
  EXPECT_TRUE(count.ok()) << count.status();
  return count.ok() ? *count : -1;
}

std::string IntegrityOf(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::Connection>> db =
      storage::SqliteConnection::OpenForInspection(path);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return "cannot open";
  absl::StatusOr<storage::Statement> check =
      (*db)->Prepare("PRAGMA integrity_check");
  if (!check.ok()) return check.status().ToString();
  absl::StatusOr<bool> row = check->Step();
  if (!row.ok() || !*row) return "no answer";
  return check->ColumnText(0);
}

class BackupTest : public ServerTest {
 protected:
  BackupTest() {
    backup_dir_ = dir_.File("backups");
    options_.backup.directory = backup_dir_;
    options_.backup.keep = 100;
  }
  std::string backup_dir_;
};

TEST_F(BackupTest, CopyTakenDuringWritesIsAConsistentPrefixOfHistory) {
  CreateDepartment("housing");
  std::atomic<int> created{0};
  std::atomic<int> backups_taken{0};
  std::atomic<bool> writers_failed{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      std::unique_ptr<Client> client = Connect(bureau_token_);
      for (int i = 0; i < 40; ++i) {
        // Half way, each writer waits for two backups: however fast the
        // writes, backups are taken while they are under way.
        while (i == 20 && backups_taken < 2) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        v1::CreateTicketRequest request;
        *request.mutable_ticket() = Draft();
        request.mutable_ticket()->set_source_id(absl::StrCat("W", w, "-", i));
        request.set_dispatch_to("departments/housing");
        if (!client->CreateTicket(request).ok()) writers_failed = true;
        ++created;
      }
    });
  }
  while (created < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<v1::Backup> backups;
  while (created < 120) {
    absl::StatusOr<v1::Backup> backup = bureau().CreateBackup();
    if (!backup.ok()) {
      ADD_FAILURE() << backup.status();
      backups_taken = 2;  // lets the writers end
      break;
    }
    backups.push_back(*backup);
    ++backups_taken;
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_FALSE(writers_failed);
  ASSERT_GE(backups.size(), 2u);

  absl::StatusOr<std::unique_ptr<storage::Connection>> live =
      storage::SqliteConnection::Open(db_path_, /*read_only=*/true);
  ASSERT_TRUE(live.ok()) << live.status();
  const int64_t final_seq = Count(**live, "SELECT MAX(seq) FROM events");
  int taken_mid_writes = 0;
  for (const v1::Backup& backup : backups) {
    SCOPED_TRACE(backup.path());
    EXPECT_EQ(IntegrityOf(backup.path()), "ok");
    absl::StatusOr<std::unique_ptr<storage::Connection>> copy =
        storage::SqliteConnection::OpenForInspection(backup.path());
    ASSERT_TRUE(copy.ok()) << copy.status();
    // Exactly the history up to last_seq: every event and ticket committed
    // by then, nothing after, no half of a unit of work.
    EXPECT_EQ(Count(**copy, "SELECT IFNULL(MAX(seq), 0) FROM events"),
              backup.last_seq());
    EXPECT_EQ(Count(**copy, "SELECT COUNT(*) FROM events"),
              Count(**live, absl::StrCat("SELECT COUNT(*) FROM events WHERE "
                                         "seq <= ",
                                         backup.last_seq())));
    EXPECT_EQ(Count(**copy, "SELECT COUNT(*) FROM tickets"),
              Count(**live, absl::StrCat("SELECT COUNT(DISTINCT ticket_id) "
                                         "FROM events WHERE seq <= ",
                                         backup.last_seq())));
    EXPECT_EQ(Count(**copy, "PRAGMA application_id"), storage::kApplicationId);
    if (backup.last_seq() > 0 && backup.last_seq() < final_seq) {
      ++taken_mid_writes;
    }
  }
  EXPECT_GE(taken_mid_writes, 1) << "no backup overlapped the writes";
}

TEST_F(BackupTest, BackupIsReadableOnlyByItsOwner) {
  CreateTicket();
  absl::StatusOr<v1::Backup> backup = bureau().CreateBackup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  struct stat info;
  ASSERT_EQ(stat(backup->path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(info.st_size, backup->size_bytes());
  EXPECT_GT(backup->last_seq(), 0);
  EXPECT_TRUE(storage::IsBackupFileName(
      std::filesystem::path(backup->path()).filename().string()));
  // Nothing but the backup: no partial file, no journal.
  EXPECT_EQ(FilesIn(backup_dir_).size(), 1u);
}

TEST_F(BackupTest, KeepsTheNewestNAndTouchesNothingElse) {
  StopServer();
  options_.backup.keep = 2;
  StartServer();
  bureau_ = Connect(bureau_token_);
  // Another file, one that only looks like a backup, and a partial file
  // of a backup that crashed.
  std::ofstream(backup_dir_ + "/notes.txt") << "keep me";
  std::ofstream(backup_dir_ + "/hotline-old.db") << "keep me too";
  const std::string partial = ".hotline-20200101T000000.000000Z.db.partial";
  std::ofstream(backup_dir_ + "/" + partial) << "half";
  std::vector<std::string> made;
  for (int i = 0; i < 4; ++i) {
    CreateTicket();
    absl::StatusOr<v1::Backup> backup = bureau().CreateBackup();
    ASSERT_TRUE(backup.ok()) << backup.status();
    made.push_back(std::filesystem::path(backup->path()).filename().string());
  }
  EXPECT_EQ(
      FilesIn(backup_dir_),
      (std::set<std::string>{"notes.txt", "hotline-old.db", made[2], made[3]}));
}

// The backups in `directory` (none when it cannot be read).
std::set<std::string> BackupsIn(const std::string& directory) {
  std::set<std::string> backups;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(directory, error)) {
    if (storage::IsBackupFileName(entry.path().filename().string())) {
      backups.insert(entry.path().filename().string());
    }
  }
  return backups;
}

// Waits (generously: 60 s, for a loaded machine) until `done()`.
bool WaitUntil(const std::function<bool()>& done) {
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (!done()) {
    if (absl::Now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Waits until `directory` holds `count` backups.
bool WaitForBackups(const std::string& directory, size_t count) {
  return WaitUntil([&] { return BackupsIn(directory).size() >= count; });
}

TEST_F(BackupTest, ScheduledBackupsSurviveAFailureAndResume) {
  StopServer();
  options_.backup.every = absl::Milliseconds(100);
  options_.backup.keep = 3;
  StartServer();
  bureau_ = Connect(bureau_token_);
  CreateTicket();
  ASSERT_TRUE(WaitForBackups(backup_dir_, 3));
  // The directory goes away (a full or unmounted disk): the backups fail,
  // the server keeps serving, and they resume once it is back.
  std::filesystem::rename(backup_dir_, dir_.File("moved"));
  std::ofstream(backup_dir_) << "in the way";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(bureau().CreateBackup().status().code() ==
              absl::StatusCode::kFailedPrecondition);
  CreateTicket();
  std::filesystem::remove(backup_dir_);
  std::filesystem::create_directory(backup_dir_);
  ASSERT_TRUE(WaitForBackups(backup_dir_, 3));
  // Pruned to the newest 3 as they come: once one more has been written,
  // stop the server (the backup under way finishes, pruning included) and
  // count.
  const std::set<std::string> seen = BackupsIn(backup_dir_);
  ASSERT_TRUE(WaitUntil([&] {
    for (const std::string& name : BackupsIn(backup_dir_)) {
      if (seen.count(name) == 0) return true;
    }
    return false;
  }));
  StopServer();
  EXPECT_EQ(FilesIn(backup_dir_).size(), 3u);
}

TEST_F(BackupTest, RefusedToAnyoneButTheBureau) {
  CreateDepartment("housing");
  std::unique_ptr<Client> department =
      Connect(CreateToken("department/housing"));
  absl::StatusOr<v1::Backup> backup = department->CreateBackup();
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kPermissionDenied)
      << backup.status();
  std::unique_ptr<Client> anonymous = Connect("");
  EXPECT_EQ(anonymous->CreateBackup().status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(FilesIn(backup_dir_).empty());
}

// The restore runbook's core, twice over: each restore leaves a void of
// the seqs its lost history had handed out, and every void stays refused;
// ticket numbers the lost history may have used are never given again.
TEST_F(BackupTest, EveryRestoreKeepsTheSeqsOfItsLostHistoryRefused) {
  auto restore = [this](const std::string& backup) {
    // On the same port, so that the bureau's client finds it again.
    options_.listen_address = absl::StrCat("127.0.0.1:", server_->port());
    StopServer();
    std::filesystem::remove(db_path_ + "-wal");
    std::filesystem::remove(db_path_ + "-shm");
    std::filesystem::copy_file(
        backup, db_path_, std::filesystem::copy_options::overwrite_existing);
    StartServer();
  };
  auto first_seq_of = [this](const v1::Ticket& ticket) -> int64_t {
    v1::ListTicketEventsRequest request;
    request.set_parent(ticket.name());
    absl::StatusOr<v1::ListTicketEventsResponse> events =
        bureau().ListTicketEvents(request);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() && events->events_size() > 0 ? events->events(0).seq()
                                                    : -1;
  };
  auto resume_after = [this](int64_t seq) {
    v1::WatchEventsRequest request;
    request.set_after_seq(seq);
    WatchControl control;
    return bureau().Watch(
        request, [](const v1::Event&) { return absl::OkStatus(); }, &control);
  };

  EXPECT_EQ(CreateTicket().name(), "tickets/1");
  absl::StatusOr<v1::Backup> first = bureau().CreateBackup();
  ASSERT_TRUE(first.ok()) << first.status();
  const v1::Ticket lost_ticket = CreateTicket();
  EXPECT_EQ(lost_ticket.name(), "tickets/2");
  const int64_t lost_first = first_seq_of(lost_ticket);
  EXPECT_EQ(lost_first, first->last_seq() + 1);
  restore(first->path());

  // The lost ticket's number names nothing, and no new ticket takes it.
  v1::GetTicketRequest get;
  get.set_name(lost_ticket.name());
  EXPECT_EQ(bureau().GetTicket(get).status().code(),
            absl::StatusCode::kNotFound);
  const v1::Ticket made_after_first = CreateTicket();
  EXPECT_EQ(made_after_first.name(),
            absl::StrCat("tickets/", 1 + storage::kRestoreNumberGap + 1));
  const int64_t after_first = first_seq_of(made_after_first);
  EXPECT_EQ(after_first, first->last_seq() + storage::kRestoreSeqGap + 1);
  absl::StatusOr<v1::Backup> second = bureau().CreateBackup();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->last_seq(), after_first);
  const int64_t lost_second = first_seq_of(CreateTicket());
  EXPECT_EQ(lost_second, after_first + 1);
  restore(second->path());

  const v1::Ticket made_after_second = CreateTicket();
  // Past the largest number in the second backup (made_after_first's).
  EXPECT_EQ(made_after_second.name(),
            absl::StrCat("tickets/", (1 + storage::kRestoreNumberGap + 1) +
                                         storage::kRestoreNumberGap + 1));
  EXPECT_EQ(first_seq_of(made_after_second),
            second->last_seq() + storage::kRestoreSeqGap + 1);
  for (int64_t lost : {lost_first, lost_second}) {
    absl::Status refused = resume_after(lost);
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition)
        << lost << ": " << refused;
    EXPECT_EQ(ReasonOf(refused), v1::RESUME_FROM) << lost << ": " << refused;
  }
}

TEST_F(ServerTest, CreateBackupWithoutBackupDirIsRefusedWithAReason) {
  absl::StatusOr<v1::Backup> backup = bureau().CreateBackup();
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(backup.status()), v1::BACKUP_NOT_CONFIGURED);
  EXPECT_THAT(std::string(backup.status().message()),
              ::testing::HasSubstr("--backup_dir"));
}

TEST(BackupDirectory, AFileInTheWayRefusesTheStartAndNamesIt) {
  TempDir dir;
  std::ofstream(dir.File("not-a-dir")) << "x";
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = dir.File("hotline.db");
  options.backup.directory = dir.File("not-a-dir");
  ManualClock clock(testing::SpringFestivalEve());
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options, &clock);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("not-a-dir"));
  // Refused before the database was touched.
  EXPECT_FALSE(std::filesystem::exists(options.store.path));
}

TEST(BackupFileName, SortsByTimeAndIsRecognized) {
  const absl::Time t = absl::FromUnixMicros(1614560400123456);
  EXPECT_EQ(storage::BackupFileName(t), "hotline-20210301T010000.123456Z.db");
  EXPECT_TRUE(storage::IsBackupFileName(storage::BackupFileName(t)));
  EXPECT_LT(storage::BackupFileName(t),
            storage::BackupFileName(t + absl::Microseconds(1)));
  EXPECT_FALSE(storage::IsBackupFileName("hotline.db"));
  EXPECT_FALSE(storage::IsBackupFileName("hotline-old.db"));
  EXPECT_FALSE(
      storage::IsBackupFileName("hotline-20210301T010000.123456Z.db-journal"));
}

// --- The restore runbook, as docs/operations.md gives it ---

#ifndef HOTLINE_CLI_BINARY
#error "HOTLINE_CLI_BINARY must name the hotlinectl binary"
#endif

// The value of "key: value" in hotlinectl's output.
std::string Field(const std::string& out, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::ConsumePrefix(&line, key + ":")) {
      return std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return "";
}

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Follows the feed as a department system does, remembering the last seq.
class FeedConsumer {
 public:
  FeedConsumer(const std::string& address, const std::string& token)
      : client_(ConnectTo(address, token)), thread_([this] {
          v1::WatchEventsRequest request;
          status_ = client_->Watch(
              request,
              [this](const v1::Event& event) {
                last_seq_ = event.seq();
                return absl::OkStatus();
              },
              &control_);
        }) {}
  ~FeedConsumer() { Stop(); }
  // Waits until it has seen `seq`.
  bool WaitFor(int64_t seq) {
    return WaitUntil([&] { return last_seq_ >= seq; });
  }
  int64_t Stop() {
    control_.Stop();
    if (thread_.joinable()) thread_.join();
    client_.reset();  // closes its connection
    return last_seq_;
  }

 private:
  std::unique_ptr<Client> client_;
  WatchControl control_;
  std::atomic<int64_t> last_seq_{0};
  absl::Status status_;
  std::thread thread_;
};

v1::Statistics StatisticsOf(Client& bureau) {
  v1::GetStatisticsRequest request;
  request.set_from_date("2021-03-01");
  request.set_to_date("2021-03-31");
  absl::StatusOr<v1::Statistics> statistics = bureau.GetStatistics(request);
  EXPECT_TRUE(statistics.ok()) << statistics.status();
  return statistics.ok() ? *statistics : v1::Statistics();
}

// Creates tickets dispatched to housing; housing signs for and replies to
// some. Returns the seq of the last event made.
int64_t DoWork(Client& bureau, Client& housing, int tickets) {
  int64_t last = 0;
  for (int i = 0; i < tickets; ++i) {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<v1::Ticket> ticket = bureau.CreateTicket(create);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    if (!ticket.ok()) return last;
    if (i % 2 == 0) {
      v1::AcknowledgeTicketRequest ack;
      ack.set_name(ticket->name());
      EXPECT_TRUE(housing.AcknowledgeTicket(ack).ok());
    }
    if (i % 4 == 0) {
      v1::ReplyTicketRequest reply;
      reply.set_name(ticket->name());
      reply.set_reply_text("已协调施工方停止夜间施工");
      reply.set_outcome(v1::Ticket::RESOLVED);
      EXPECT_TRUE(housing.ReplyTicket(reply).ok());
    }
    v1::ListTicketEventsRequest events;
    events.set_parent(ticket->name());
    absl::StatusOr<v1::ListTicketEventsResponse> history =
        bureau.ListTicketEvents(events);
    EXPECT_TRUE(history.ok()) << history.status();
    if (history.ok() && history->events_size() > 0) {
      last = history->events(history->events_size() - 1).seq();
    }
  }
  return last;
}

TEST(RestoreRunbook, RestoredServerHasTheBackupsFiguresAndTheFeedIsRefused) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string backups = dir.File("backups");
  const std::vector<std::string> flags = {
      "--clock=manual", "--start_time=2021-03-01T09:00:00+08:00",
      "--backup_dir=" + backups};
  const std::string bureau_token = testing::BootstrapToken(db, "bureau");
  std::string housing_token;
  std::string backup_path;
  int64_t backup_last_seq = 0;
  int64_t consumer_seq = 0;
  v1::Statistics at_backup;
  {
    ServerProcess server(db, "", flags);
    std::unique_ptr<Client> bureau = ConnectTo(server.address(), bureau_token);
    housing_token = CreateDepartmentWithToken(*bureau, "housing");
    ASSERT_FALSE(housing_token.empty());
    std::unique_ptr<Client> housing =
        ConnectTo(server.address(), housing_token);
    FeedConsumer consumer(server.address(), housing_token);
    const int64_t before = DoWork(*bureau, *housing, 6);

    // hotlinectl backup, as the operator runs it.
    testing::ProgramRun run = testing::RunCli(
        HOTLINE_CLI_BINARY, server.address(), bureau_token, {"backup"}, dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    backup_path = Field(run.out, "path");
    ASSERT_TRUE(absl::SimpleAtoi(Field(run.out, "last seq"), &backup_last_seq))
        << run.out;
    EXPECT_EQ(backup_last_seq, before);
    EXPECT_TRUE(absl::StartsWith(backup_path, backups + "/")) << backup_path;
    at_backup = StatisticsOf(*bureau);

    // Work after the backup, seen by the consumer: lost by the restore.
    const int64_t after = DoWork(*bureau, *housing, 4);
    ASSERT_GT(after, backup_last_seq + 4);
    ASSERT_TRUE(consumer.WaitFor(after));
    consumer_seq = consumer.Stop();
    // Clients close their connections first: an idle client notices the
    // server's goodbye only at its next poll, which would hold the
    // shutdown up to its grace period.
    housing.reset();
    bureau.reset();
    EXPECT_EQ(server.Terminate(), 0);  // 1. stop the server
  }

  // 2.-3. The runbook: remove the write-ahead log and shared memory, copy
  // the backup over the database, check it.
  ASSERT_EQ(Shell(absl::StrCat("rm -f ", db, "-wal ", db, "-shm && cp ",
                               backup_path, " ", db)),
            0);
  FILE* check = popen(
      absl::StrCat("sqlite3 ", db, " 'PRAGMA integrity_check'").c_str(), "r");
  ASSERT_NE(check, nullptr);
  char verdict[64] = {};
  if (fgets(verdict, sizeof(verdict), check) == nullptr) verdict[0] = '\0';
  ASSERT_EQ(pclose(check), 0) << "is sqlite3 installed (install-deps.sh)?";
  EXPECT_EQ(std::string(verdict), "ok\n");

  // 4. Start it again.
  ServerProcess server(db, "", flags);
  std::unique_ptr<Client> bureau = ConnectTo(server.address(), bureau_token);
  // Every figure is what it was when the backup was taken.
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(at_backup, StatisticsOf(*bureau)))
      << difference;

  // A consumer resuming beyond the restored history is told so, naming
  // where the history now ends.
  std::unique_ptr<Client> housing = ConnectTo(server.address(), housing_token);
  v1::WatchEventsRequest resume;
  resume.set_after_seq(consumer_seq);
  WatchControl control;
  absl::Status refused = housing->Watch(
      resume, [](const v1::Event&) { return absl::OkStatus(); }, &control);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(std::string(refused.message()),
              ::testing::HasSubstr(
                  absl::StrCat("beyond the latest event ", backup_last_seq)));
  EXPECT_EQ(ReasonOf(refused), v1::RESUME_FROM);
  EXPECT_EQ(ErrorMetadataOf(refused, "latest_seq"),
            absl::StrCat(backup_last_seq));

  // New writes continue the restored history past the lost one's seqs.
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = ServerTest::Draft();
  absl::StatusOr<v1::Ticket> ticket = bureau->CreateTicket(create);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  v1::ListTicketEventsRequest events;
  events.set_parent(ticket->name());
  absl::StatusOr<v1::ListTicketEventsResponse> history =
      bureau->ListTicketEvents(events);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_GT(history->events_size(), 0);
  const int64_t first_new = history->events(0).seq();
  EXPECT_EQ(first_new, backup_last_seq + storage::kRestoreSeqGap + 1);

  // The consumer that comes back only now, when the restored server has
  // written events again, is still refused: its seq named an event of the
  // lost history, never one of the new.
  WatchControl late_control;
  absl::Status late = housing->Watch(
      resume, [](const v1::Event&) { return absl::OkStatus(); }, &late_control);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition) << late;
  EXPECT_EQ(ReasonOf(late), v1::RESUME_FROM) << late;
  EXPECT_THAT(std::string(late.message()),
              ::testing::HasSubstr(absl::StrCat(
                  "restored from a backup taken at seq ", backup_last_seq)));

  // One that had read no further than the backup goes on, and gets the new
  // events.
  v1::WatchEventsRequest in_time;
  in_time.set_after_seq(backup_last_seq);
  std::vector<int64_t> seen;
  WatchControl in_time_control;
  absl::Status watched = bureau->Watch(
      in_time,
      [&](const v1::Event& event) {
        seen.push_back(event.seq());
        in_time_control.Stop();
        return absl::OkStatus();
      },
      &in_time_control);
  EXPECT_TRUE(watched.ok()) << watched;
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), first_new);
}

}  // namespace
}  // namespace hotline
