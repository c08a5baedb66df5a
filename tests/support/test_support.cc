#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "storage/sqlite/sqlite.h"
#include "storage/store.h"
#include "tests/support/postgres_support.h"
#include "workflow/policy.h"

namespace hotline::testing {
namespace {

std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ProgramRun RunCli(const std::string& cli_binary, const std::string& address,
                  const std::string& token,
                  const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> quoted;
  for (const std::string& arg : args) quoted.push_back(ShellQuote(arg));
  const std::string out = dir.File("cli.out"), err = dir.File("cli.err");
  const std::string command = absl::StrCat(
      "HOTLINE_SERVER=", address, " HOTLINE_TOKEN=", ShellQuote(token), " ",
      cli_binary, " ", absl::StrJoin(quoted, " "), " >", out, " 2>", err);
  const int status = std::system(command.c_str());
  ProgramRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadWholeFile(out);
  run.err = ReadWholeFile(err);
  return run;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr ? base : "/tmp", "/hotline-test-XXXXXX");
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

absl::Time SpringFestivalEve() {
  return absl::FromCivil(absl::CivilSecond(2021, 2, 10, 9, 0, 0),
                         absl::FixedTimeZone(8 * 3600));
}

absl::Time Beijing(int year, int month, int day, int hour, int minute,
                   int second) {
  return absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second),
      ShippedCalendar().zone());
}

const WorkingDayCalendar& ShippedCalendar() {
  static const WorkingDayCalendar* calendar = [] {
    absl::StatusOr<WorkingDayCalendar> loaded =
        WorkingDayCalendar::LoadFile(HOTLINE_DEFAULT_CALENDAR, "Asia/Shanghai");
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return new WorkingDayCalendar(*std::move(loaded));
  }();
  return *calendar;
}

DeadlineRules DefaultRules() {
  static const v1::Policy* policy = new v1::Policy(DefaultPolicy());
  return {policy, &ShippedCalendar()};
}

std::string BootstrapToken(const std::string& db_path,
                           const std::string& principal) {
  storage::StoreOptions options;
  options.path = db_path;
  options.read_connections = 1;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenStore(options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return "";
  absl::StatusOr<v1::Token> token =
      CreateTokenDirectly(**store, principal, "test", absl::Now());
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? token->secret() : "";
}

ServerTest::ServerTest()
    : db_path_(TestsUsePostgres() ? NewPostgresDatabase()
                                  : dir_.File("hotline.db")),
      clock_(SpringFestivalEve()) {}

void ServerTest::SetUp() {
  SetInfoLogging(false);
  bureau_token_ = BootstrapToken(db_path_, "bureau");
  StartServer();
  bureau_ = Connect(bureau_token_);
}

void ServerTest::TearDown() { StopServer(); }

void ServerTest::StartServer() {
  if (options_.store.path.empty()) {
    options_.listen_address = "127.0.0.1:0";
    options_.store.path = db_path_;
  }
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options_, &clock_);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
}

v1::AdvanceClockResponse ServerTest::AdvanceTo(absl::Time time) {
  v1::AdvanceClockRequest request;
  *request.mutable_to() = ToProtoTime(time);
  absl::StatusOr<v1::AdvanceClockResponse> response =
      bureau().AdvanceClock(request);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : v1::AdvanceClockResponse();
}

void ServerTest::StopServer() {
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  server_.reset();
}

void ServerTest::RestartServer() {
  const int port = server_->port();
  StopServer();
  options_.listen_address = absl::StrCat("127.0.0.1:", port);
  StartServer();
  // Clients that reconnected while the server was down are backing off; the
  // test's next call should meet the server, not the tail of that backoff.
  // Channels with the same settings share their connection, so one probe
  // that waits for it readies them all.
  if (server_ != nullptr) {
    EXPECT_TRUE(Connect("")->WaitForConnected(absl::Seconds(60)));
  }
}

std::unique_ptr<Client> ServerTest::Connect(const std::string& token) {
  ClientOptions options;
  options.target = server_->address();
  options.token = token;
  // Generous: a call on a loaded machine may be slow; no test waits for it
  // to time out.
  options.call_timeout = absl::Seconds(30);
  return std::make_unique<Client>(options);
}

void ServerTest::CreateDepartment(const std::string& id) {
  v1::CreateDepartmentRequest request;
  request.set_department_id(id);
  request.mutable_department()->set_display_name(id + " bureau");
  absl::StatusOr<v1::Department> department =
      bureau().CreateDepartment(request);
  ASSERT_TRUE(department.ok()) << department.status();
}

std::string ServerTest::CreateToken(const std::string& principal) {
  v1::CreateTokenRequest request;
  request.mutable_token()->set_principal(principal);
  absl::StatusOr<v1::Token> token = bureau().CreateToken(request);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? token->secret() : "";
}

v1::Ticket ServerTest::Draft(v1::Ticket::Type type) {
  v1::Ticket ticket;
  ticket.set_type(type);
  ticket.set_topic("噪音");
  ticket.set_title("工地夜间施工");
  ticket.set_content("每晚十点后仍在施工, 影响休息");
  ticket.set_address("城关镇建设路 12 号");
  ticket.set_caller_name("张三");
  ticket.set_caller_phone("138 0000 0000");
  return ticket;
}

v1::Ticket ServerTest::CreateTicket(const std::string& department) {
  v1::CreateTicketRequest request;
  *request.mutable_ticket() = Draft();
  if (!department.empty()) {
    request.set_dispatch_to("departments/" + department);
  }
  absl::StatusOr<v1::Ticket> ticket = bureau().CreateTicket(request);
  EXPECT_TRUE(ticket.ok()) << ticket.status();
  return ticket.ok() ? *ticket : v1::Ticket();
}

std::vector<v1::Event> ServerTest::History(const std::string& ticket) {
  v1::ListTicketEventsRequest request;
  request.set_parent(ticket);
  request.set_page_size(500);
  absl::StatusOr<v1::ListTicketEventsResponse> response =
      bureau().ListTicketEvents(request);
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return {};
  return {response->events().begin(), response->events().end()};
}

std::unique_ptr<Client> ConnectTo(const std::string& address,
                                  const std::string& token) {
  ClientOptions options;
  options.target = address;
  options.token = token;
  return std::make_unique<Client>(options);
}

std::string ServerBinary() { return HOTLINE_SERVER_BINARY; }

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return -1;
  }
  return fd;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

ServerProcess::ServerProcess(const std::string& db_path,
                             const std::string& address,
                             std::vector<std::string> flags,
                             const ClientTlsOptions& tls,
                             const std::string& stderr_path)
    : address_(address.empty() ? absl::StrCat("127.0.0.1:", FreePort())
                               : address) {
  std::vector<std::string> args = {
      ServerBinary(), absl::StrCat("--db=", db_path),
      absl::StrCat("--listen=", address_), "--quiet"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // posix_spawn, not fork: fork runs gRPC's atfork handlers, which disturb
  // this process's own gRPC polling.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                     stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  const int spawned =
      posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    return;
  }
  ClientOptions options;
  options.target = address_;
  options.call_timeout = absl::Seconds(5);
  options.tls = tls;
  Client client(options);
  absl::Status health;
  // Generous: a loaded machine (or a sanitized build) starts it slowly.
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  while (absl::Now() < give_up) {
    client.WaitForConnected(absl::Milliseconds(50));
    health = client.CheckHealth();
    if (health.ok()) return;
  }
  ADD_FAILURE() << "hotline-server did not become healthy on " << address_
                << " within 90 s: " << health;
}

ServerProcess::~ServerProcess() { Kill(); }

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

bool ServerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServerProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string CreateDepartmentWithToken(Client& bureau, const std::string& id) {
  v1::CreateDepartmentRequest department;
  department.set_department_id(id);
  department.mutable_department()->set_display_name(id);
  absl::StatusOr<v1::Department> made = bureau.CreateDepartment(department);
  if (!made.ok()) {
    ADD_FAILURE() << "CreateDepartment " << id << ": " << made.status();
    return "";
  }
  v1::CreateTokenRequest token;
  token.mutable_token()->set_principal("department/" + id);
  absl::StatusOr<v1::Token> secret = bureau.CreateToken(token);
  if (!secret.ok()) {
    ADD_FAILURE() << "CreateToken department/" << id << ": " << secret.status();
    return "";
  }
  return secret->secret();
}

void DamageTicketPages(const std::string& path) {
  std::vector<int64_t> pages;
  {
    absl::StatusOr<std::unique_ptr<storage::Connection>> db =
        storage::SqliteConnection::Open(path, /*read_only=*/true);
    ASSERT_TRUE(db.ok()) << db.status();
    absl::StatusOr<storage::Statement> stmt = (*db)->Prepare(
        "SELECT pageno FROM dbstat WHERE name = 'tickets' OR name LIKE "
        "'tickets_by_%'");
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    while (*stmt->Step()) pages.push_back(stmt->ColumnInt64(0));
  }
  ASSERT_FALSE(pages.empty());
  std::mt19937 random(9);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int64_t page : pages) {
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    file.seekp((page - 1) * 4096);
    file.write(noise.data(), noise.size());
  }
}

}  // namespace hotline::testing
