// Starting the real hotline-server binary: one server per port and per
// database file, refused starts that leave the file as it was, a damaged
// file or a full disk while serving, --version and --help, and an installed
// binary that finds its data beside it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hotline/version.h"
#include "storage/sqlite/sqlite.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace hotline {
namespace {

using testing::DamageTicketPages;
using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

struct Finished {
  // The exit code; -1 killed by a signal; -2 still running after the
  // timeout (it served when it should have refused), then killed.
  int exit_code = -1;
  std::string out;
  std::string err;
};

pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::string& out, const std::string& err) {
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : all) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  // posix_spawn, not fork: fork runs gRPC's atfork handlers.
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) !=
      0) {
    pid = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Runs `binary args` until it exits (or `timeout`), its output in files of
// a directory of its own.
Finished RunBinary(const std::string& binary,
                   const std::vector<std::string>& args,
                   absl::Duration timeout = absl::Seconds(60)) {
  TempDir output;
  const std::string out = output.File("out"), err = output.File("err");
  Finished run;
  const pid_t pid = Spawn(binary, args, out, err);
  if (pid < 0) {
    ADD_FAILURE() << "cannot start " << binary;
    return run;
  }
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      run.exit_code = -2;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (run.exit_code != -2 && WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
  }
  run.out = Bytes(out);
  run.err = Bytes(err);
  return run;
}

Finished RunServer(const std::vector<std::string>& args) {
  return RunBinary(testing::ServerBinary(), args);
}

// A refusal: exit code 1 and one line on stderr containing `reason`.
void ExpectRefused(const Finished& run, const std::string& reason) {
  EXPECT_EQ(run.exit_code, 1)
      << "-2 means it started serving; stderr: " << run.err;
  EXPECT_TRUE(absl::StartsWith(run.err, "hotline-server: ")) << run.err;
  EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

std::unique_ptr<Client> ConnectTo(const std::string& address,
                                  const std::string& token = "") {
  ClientOptions options;
  options.target = address;
  options.token = token;
  options.call_timeout = absl::Seconds(5);
  return std::make_unique<Client>(options);
}

// Runs SQL on a file directly, as another program would.
void Sql(const std::string& path, const std::string& sql) {
  absl::StatusOr<std::unique_ptr<storage::Connection>> db =
      storage::SqliteConnection::Open(path, /*read_only=*/false);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Execute(sql).ok()) << sql;
}

// A hotline database with a bureau token and `tickets` tickets, made by the
// real binary and closed cleanly.
std::string MakeDatabase(const std::string& db, int tickets) {
  const std::string token = testing::BootstrapToken(db, "bureau");
  ServerProcess server(db);
  std::unique_ptr<Client> client = ConnectTo(server.address(), token);
  for (int i = 0; i < tickets; ++i) {
    v1::CreateTicketRequest request;
    *request.mutable_ticket() = ServerTest::Draft();
    request.mutable_ticket()->set_content(std::string(1000, 'x'));
    EXPECT_TRUE(client->CreateTicket(request).ok());
  }
  client.reset();
  EXPECT_EQ(server.Terminate(), 0);
  return token;
}

void WriteRandomBytes(const std::string& path, int64_t offset, int64_t size) {
  std::string noise(size, '\0');
  std::mt19937 random(9);
  for (char& c : noise) c = static_cast<char>(random());
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(offset);
  file.write(noise.data(), noise.size());
}

TEST(Startup, VersionAndHelp) {
  Finished version = RunServer({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "hotline-server " HOTLINE_VERSION "\n");
  EXPECT_EQ(version.out.find("Debug"), std::string::npos);
  Finished help = RunServer({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--db"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--calendar"), std::string::npos) << help.out;
}

TEST(Startup, ANegativeConnectionLimitIsWrongUsage) {
  TempDir dir;
  Finished run = RunServer({"--db=" + dir.File("hotline.db"),
                            "--http_max_connections_per_address=-1"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("--http_max_connections_per_address must be 0"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(Exists(dir.File("hotline.db")));
}

TEST(Startup, ASecondServerOnAPortInUseIsRefused) {
  TempDir dir;
  ServerProcess first(dir.File("first.db"));
  const std::string second_db = dir.File("second.db");
  Finished second = RunServer(
      {"--db=" + second_db, "--listen=" + first.address(), "--quiet"});
  ExpectRefused(second, "the port is in use");
  EXPECT_NE(second.err.find(first.address()), std::string::npos);
  EXPECT_FALSE(Exists(second_db));  // refused before the database
  EXPECT_TRUE(ConnectTo(first.address())->CheckHealth().ok());
}

TEST(Startup, ASecondServerOnADatabaseInUseIsRefusedNamingItsHolder) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  auto first = std::make_unique<ServerProcess>(db);
  Finished second = RunServer(
      {"--db=" + db, absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
       "--quiet"});
  ExpectRefused(second, "is in use by hotline-server pid ");
  EXPECT_NE(second.err.find(db + ".lock"), std::string::npos);
  // A server killed with SIGKILL leaves its lock file, but not its lock.
  first->Kill();
  ASSERT_TRUE(Exists(db + ".lock"));
  ServerProcess restarted(db);
  EXPECT_TRUE(ConnectTo(restarted.address())->CheckHealth().ok());
}

// One HTTP request with "Connection: close": the server answers and closes
// first, so the connection waits in TIME_WAIT on the server's port.
std::string HttpRequestClosedByServer(int port) {
  const int fd = testing::ConnectLoopback(port);
  if (fd < 0) return absl::StrCat("(cannot connect: ", strerror(errno), ")");
  const std::string request =
      absl::StrCat("GET /v1/nothing HTTP/1.1\r\nHost: 127.0.0.1:", port,
                   "\r\nConnection: close\r\n\r\n");
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    const std::string failure =
        absl::StrCat("(cannot send: ", strerror(errno), ")");
    close(fd);
    return failure;
  }
  std::string answer;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) answer.append(buffer, n);
  if (n < 0) absl::StrAppend(&answer, "(read failed: ", strerror(errno), ")");
  close(fd);
  return answer;
}

// A stopped server is restarted at once on both its ports, though its HTTP
// connections wait in TIME_WAIT; a second live server is still refused.
TEST(Startup, AStoppedServerRestartsAtOnceAfterHttpTraffic) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreePort());
  const int http_port = testing::FreePort();
  const std::string http = absl::StrCat("--http_listen=127.0.0.1:", http_port);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    ServerProcess server(db, address, {http});
    ASSERT_TRUE(ConnectTo(address)->CheckHealth().ok());
    for (int i = 0; i < 5; ++i) {
      EXPECT_THAT(HttpRequestClosedByServer(http_port),
                  ::testing::StartsWith("HTTP/1.1 404"));
    }
    if (round == 0) {
      const std::string other_db = dir.File("other.db");
      Finished second =
          RunServer({"--db=" + other_db,
                     absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
                     http, "--quiet"});
      ExpectRefused(second, "the port is in use");
      EXPECT_NE(second.err.find("--http_listen"), std::string::npos);
      EXPECT_FALSE(Exists(other_db));  // refused before the database
    }
    EXPECT_EQ(server.Terminate(), 0);
  }
}

// Leaves 127.0.0.1:`port` in TIME_WAIT, as another program's closed
// connection would (its listener closes first, with SO_REUSEADDR).
void LeaveInTimeWait(int port) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(
      bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
      0);
  ASSERT_EQ(listen(listener, 4), 0);
  const int client = testing::ConnectLoopback(port);
  ASSERT_GE(client, 0);
  const int accepted = accept(listener, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  close(accepted);  // this side closes first: its port waits in TIME_WAIT
  char byte;
  EXPECT_EQ(read(client, &byte, 1), 0);
  close(client);
  close(listener);
}

// A port that another program's closed connections hold in TIME_WAIT is
// free for each of hotline's listeners (the start-up check and the
// listener's bind agree), so no start is refused after the database was
// opened.
TEST(Startup, PortsInTimeWaitFromAnotherProgramAreUsable) {
  TempDir dir;
  for (const std::string role : {"grpc", "http", "metrics"}) {
    SCOPED_TRACE(role);
    const int port = testing::FreePort();
    LeaveInTimeWait(port);
    const std::string at = absl::StrCat("127.0.0.1:", port);
    const std::string db = dir.File(role + ".db");
    std::vector<std::string> flags;
    if (role == "http") flags.push_back("--http_listen=" + at);
    if (role == "metrics") flags.push_back("--metrics_listen=" + at);
    ServerProcess server(db, role == "grpc" ? at : "", flags);
    EXPECT_TRUE(ConnectTo(server.address())->CheckHealth().ok());
    if (role != "grpc") {
      // Served there (the gateway: no route; the metrics: not /metrics).
      EXPECT_TRUE(absl::StartsWith(HttpRequestClosedByServer(port), "HTTP/1."))
          << role;
    }
  }
}

// A server alone on its SQLite file always leads the deadline sweeps: its
// log does not say so (a line that tells nothing), while it still logs
// what it serves. The sweeper's first turn runs before it stops.
TEST(Startup, ASqliteServerDoesNotLogThatItLeadsTheSweeps) {
  TempDir dir;
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreePort());
  const pid_t pid =
      Spawn(testing::ServerBinary(),
            {"--db=" + dir.File("hotline.db"), "--listen=" + address},
            dir.File("out"), dir.File("err"));
  ASSERT_GT(pid, 0);
  std::unique_ptr<Client> client = ConnectTo(address);
  bool healthy = false;
  for (int attempt = 0; attempt < 600 && !healthy; ++attempt) {
    client->WaitForConnected(absl::Milliseconds(100));
    healthy = client->CheckHealth().ok();
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(healthy);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string err = Bytes(dir.File("err"));
  EXPECT_NE(err.find("hotline-server listening on"), std::string::npos) << err;
  EXPECT_NE(err.find("stopped; database closed"), std::string::npos) << err;
  EXPECT_EQ(err.find("leads the deadline sweeps"), std::string::npos) << err;
}

// One server per file, whatever path names it: a hard link or a symbolic
// link to a database in use is refused, naming the holder, and the file is
// left as it was.
TEST(Startup, ASecondServerOnTheSameFileUnderAnotherNameIsRefused) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  MakeDatabase(db, 3);
  ServerProcess first(db);
  const std::string hard = dir.File("hard.db");
  const std::string soft = dir.File("soft.db");
  ASSERT_EQ(link(db.c_str(), hard.c_str()), 0);
  ASSERT_EQ(symlink(db.c_str(), soft.c_str()), 0);
  for (const std::string& other : {hard, soft}) {
    SCOPED_TRACE(other);
    const std::string before = Bytes(db);
    Finished second = RunServer(
        {"--db=" + other,
         absl::StrCat("--listen=127.0.0.1:", testing::FreePort()), "--quiet"});
    ExpectRefused(second, "is in use by hotline-server pid ");
    EXPECT_NE(second.err.find("under another name"), std::string::npos)
        << second.err;
    EXPECT_TRUE(Bytes(db) == before) << "the refused start changed the file";
    EXPECT_FALSE(Exists(other + ".lock"));
  }
  EXPECT_TRUE(ConnectTo(first.address())->CheckHealth().ok());
}

TEST(Startup, RefusedStartsLeaveTheFileAsItWas) {
  TempDir dir;
  const std::string good = dir.File("good.db");
  MakeDatabase(good, 40);
  struct Case {
    std::string name;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"newer.db", "has schema version 99, newer than this build's"},
      {"other.db", "is not a hotline database (application_id 0x0"},
      {"notes.txt", "is not a hotline database (not an SQLite file"},
      {"damaged.db", "is damaged and cannot be served (PRAGMA quick_check"},
  };
  std::filesystem::copy_file(good, dir.File("newer.db"));
  Sql(dir.File("newer.db"), "PRAGMA user_version = 99");
  Sql(dir.File("other.db"),
      "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT);"
      "INSERT INTO accounts (name) VALUES ('x');");
  std::ofstream(dir.File("notes.txt")) << "a text file\n";
  std::filesystem::copy_file(good, dir.File("damaged.db"));
  ASSERT_GT(std::filesystem::file_size(good), 8192u + 16384u);
  WriteRandomBytes(dir.File("damaged.db"), 8192, 16384);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = dir.File(c.name);
    const std::string before = Bytes(path);
    Finished run = RunServer(
        {"--db=" + path,
         absl::StrCat("--listen=127.0.0.1:", testing::FreePort()), "--quiet"});
    ExpectRefused(run, c.reason);
    EXPECT_TRUE(Bytes(path) == before) << "the refused file was changed";
    for (const char* beside : {"-wal", "-shm", "-journal", ".lock"}) {
      EXPECT_FALSE(Exists(path + beside)) << beside;
    }
  }
}

TEST(Startup, AnInstalledBinaryFindsItsDataBesideIt) {
  TempDir dir;
  const std::string prefix = dir.File("prefix");
  std::filesystem::create_directories(prefix + "/bin");
  std::filesystem::create_directories(prefix + "/share/hotline");
  const std::string binary = prefix + "/bin/hotline-server";
  std::filesystem::copy_file(testing::ServerBinary(), binary);
  const std::string calendar =
      prefix + "/share/hotline/" HOTLINE_CALENDAR_FILE_NAME;
  // A calendar beside the binary is the one read (this one is malformed).
  std::ofstream(calendar) << "date,kind,holiday\n2021-02-30,off,x\n";
  const std::string db = dir.File("hotline.db");
  Finished refused = RunBinary(
      binary,
      {"--db=" + db, absl::StrCat("--listen=127.0.0.1:", testing::FreePort())});
  ExpectRefused(refused, calendar + ":2");
  // The shipped one there: it serves.
  std::filesystem::copy_file(HOTLINE_DEFAULT_CALENDAR, calendar,
                             std::filesystem::copy_options::overwrite_existing);
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreePort());
  const pid_t pid = Spawn(binary, {"--db=" + db, "--listen=" + address},
                          dir.File("out"), dir.File("err"));
  ASSERT_GT(pid, 0);
  std::unique_ptr<Client> client = ConnectTo(address);
  absl::Status health;
  // Generous: a loaded machine starts it slowly.
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  while (absl::Now() < give_up) {
    client->WaitForConnected(absl::Milliseconds(50));
    health = client->CheckHealth();
    if (health.ok()) break;
  }
  EXPECT_TRUE(health.ok()) << health << " " << Bytes(dir.File("err"));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  // Nowhere to be found: the error names every path tried.
  absl::StatusOr<std::string> none =
      FindCalendar({dir.File("a/x.csv"), dir.File("b/x.csv")});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find(dir.File("a/x.csv") + ", " +
                                         dir.File("b/x.csv")),
            std::string::npos)
      << none.status();
}

class ServingTest : public ServerTest {};

TEST_F(ServingTest, DamageFoundWhileServingIsDataLossAndNotServing) {
  for (int i = 0; i < 30; ++i) CreateTicket();
  RestartServer();  // the tickets are in the file, no page of them in memory
  ASSERT_TRUE(bureau().CheckHealth().ok());
  DamageTicketPages(db_path_);
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  absl::Status write = bureau().CreateTicket(create).status();
  EXPECT_EQ(write.code(), absl::StatusCode::kDataLoss) << write;
  EXPECT_NE(write.message().find("damaged"), std::string::npos) << write;
  absl::Status read = bureau().ListTickets(v1::ListTicketsRequest()).status();
  EXPECT_EQ(read.code(), absl::StatusCode::kDataLoss) << read;
  absl::Status health = bureau().CheckHealth();
  EXPECT_NE(health.message().find("NOT_SERVING"), std::string::npos) << health;
}

// A file over --start_check_limit_mb starts without a whole-file check:
// damage outside the tables a start reads is found by the background check
// just after, which turns health NOT_SERVING and refuses writes; the log
// says what to do.
TEST(Startup, DamageInALargeFileIsFoundInTheBackgroundAfterTheStart) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string token = testing::BootstrapToken(db, "bureau");
  {
    ServerProcess server(db);
    std::unique_ptr<Client> client = ConnectTo(server.address(), token);
    for (int i = 0; i < 30; ++i) {
      v1::CreateTicketRequest request;
      *request.mutable_ticket() = ServerTest::Draft();
      request.mutable_ticket()->set_source_id(absl::StrCat("large-", i));
      ASSERT_TRUE(client->CreateTicket(request).ok());
    }
    ASSERT_EQ(server.Terminate(), 0);
  }
  // A table no start reads.
  testing::DamageTablePages(db, "daily_reports");
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreePort());
  const pid_t pid =
      Spawn(testing::ServerBinary(),
            {"--db=" + db, "--listen=" + address, "--start_check_limit_mb=0"},
            dir.File("out"), dir.File("err"));
  ASSERT_GT(pid, 0);
  std::unique_ptr<Client> client = ConnectTo(address, token);
  absl::Status health;
  // Generous: a loaded machine (or a sanitized build) is slow.
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  while (absl::Now() < give_up) {
    client->WaitForConnected(absl::Milliseconds(50));
    health = client->CheckHealth();
    if (absl::StrContains(health.message(), "NOT_SERVING")) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(std::string(health.message()),
              ::testing::HasSubstr("NOT_SERVING"));
  v1::CreateTicketRequest request;
  *request.mutable_ticket() = ServerTest::Draft();
  const absl::Status write = client->CreateTicket(request).status();
  EXPECT_EQ(write.code(), absl::StatusCode::kDataLoss) << write;
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  const std::string log = Bytes(dir.File("err"));
  EXPECT_THAT(log, ::testing::HasSubstr("in the background"));
  EXPECT_THAT(log, ::testing::HasSubstr("quick_check(daily_reports)"));
  EXPECT_THAT(log, ::testing::HasSubstr("restore the file from a backup"));
}

// A real full disk: a small tmpfs, which needs root (skipped otherwise).
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& path) : path_(path) {
    std::filesystem::create_directories(path);
    mounted_ = mount("tmpfs", path.c_str(), "tmpfs", 0, "size=8m") == 0;
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string path_;
  bool mounted_ = false;
};

// Fills the file system of `path` with one file; returns its name.
std::string FillDisk(const std::string& path) {
  const std::string filler = path + "/filler";
  const int fd = open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string block(4096, 'f');
  while (write(fd, block.data(), block.size()) > 0) {
  }
  close(fd);
  return filler;
}

TEST(Startup, AFullDiskIsResourceExhaustedAndRecoversWhenSpaceIsFreed) {
  TempDir dir;
  SmallDisk disk(dir.File("disk"));
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (not root?)";
  const std::string db = dir.File("disk/hotline.db");
  const std::string token = testing::BootstrapToken(db, "bureau");
  ServerProcess server(db);
  std::unique_ptr<Client> client = ConnectTo(server.address(), token);
  auto create = [&](int i) {
    v1::CreateTicketRequest request;
    *request.mutable_ticket() = ServerTest::Draft();
    request.mutable_ticket()->set_source_id(absl::StrCat("full-", i));
    request.mutable_ticket()->set_content(std::string(19000, 'x'));
    return client->CreateTicket(request).status();
  };
  ASSERT_TRUE(create(0).ok());
  const std::string filler = FillDisk(dir.File("disk"));
  absl::Status full;
  for (int i = 1; i < 500 && full.ok(); ++i) full = create(i);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_TRUE(absl::StartsWith(full.message(), "disk full")) << full;
  // Programs read it too: retry once the operator freed space.
  EXPECT_EQ(ReasonOf(full), v1::DISK_FULL);
  EXPECT_TRUE(RetryDelayOf(full).has_value());
  absl::Status health = client->CheckHealth();
  EXPECT_NE(health.message().find("NOT_SERVING"), std::string::npos) << health;
  // Space freed: writes commit again, and health follows.
  std::filesystem::remove(filler);
  EXPECT_TRUE(create(1000).ok());
  EXPECT_TRUE(client->CheckHealth().ok());
}

}  // namespace
}  // namespace hotline
