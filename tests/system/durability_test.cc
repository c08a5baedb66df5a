// The real hotline-server binary as a child process: bootstrap from the
// command line, writes that survive SIGKILL, clean shutdown on SIGTERM, and a
// client that retries a create across a restart without duplicating it.
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ConnectTo;
using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

// Runs `hotline-server --db=path --create_token=principal`; returns stdout.
std::string BootstrapWithBinary(const std::string& db_path,
                                const std::string& principal) {
  const std::string command =
      absl::StrCat(testing::ServerBinary(), " --db=", db_path,
                   " --create_token=", principal, " 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[256];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  EXPECT_EQ(pclose(pipe), 0);
  return std::string(absl::StripSuffix(out, "\n"));
}

TEST(Durability, BootstrapCommandPrintsAWorkingBureauToken) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string secret = BootstrapWithBinary(db, "bureau");
  ASSERT_EQ(secret.substr(0, 3), "hl_");
  ServerProcess server(db);
  std::unique_ptr<Client> client = ConnectTo(server.address(), secret);
  v1::CreateDepartmentRequest request;
  request.set_department_id("housing");
  request.mutable_department()->set_display_name("住建局");
  EXPECT_TRUE(client->CreateDepartment(request).ok());
  // A bad principal is refused with a reason, and no token is made.
  const std::string command = absl::StrCat(
      testing::ServerBinary(), " --db=", db, " --create_token=root 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[256];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  EXPECT_NE(pclose(pipe), 0);
  EXPECT_NE(out.find("must be \"bureau\""), std::string::npos) << out;
}

TEST(Durability, AcknowledgedWritesSurviveAKill) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string secret = BootstrapWithBinary(db, "bureau");
  std::set<std::string> acknowledged;
  {
    ServerProcess server(db);
    std::unique_ptr<Client> client = ConnectTo(server.address(), secret);
    std::mutex mutex;
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < 25; ++i) {
          v1::CreateTicketRequest request;
          *request.mutable_ticket() = ServerTest::Draft();
          request.mutable_ticket()->set_source_id(absl::StrCat("W", w, "-", i));
          absl::StatusOr<v1::Ticket> ticket = client->CreateTicket(request);
          if (ticket.ok()) {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.insert(ticket->source_id());
          }
        }
      });
    }
    for (std::thread& t : writers) t.join();
    server.Kill();  // no clean shutdown: SIGKILL right after the last ack
  }
  ASSERT_EQ(acknowledged.size(), 100u);
  ServerProcess restarted(db);
  std::unique_ptr<Client> client = ConnectTo(restarted.address(), secret);
  v1::ListTicketsRequest list;
  list.set_page_size(500);
  absl::StatusOr<v1::ListTicketsResponse> all = client->ListTickets(list);
  ASSERT_TRUE(all.ok()) << all.status();
  std::set<std::string> stored;
  for (const v1::Ticket& t : all->tickets()) stored.insert(t.source_id());
  EXPECT_EQ(stored, acknowledged);
  EXPECT_EQ(all->tickets_size(), 100);
}

TEST(Durability, SigtermShutsDownCleanly) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string secret = BootstrapWithBinary(db, "bureau");
  ServerProcess server(db);
  std::unique_ptr<Client> client = ConnectTo(server.address(), secret);
  v1::CreateTicketRequest request;
  *request.mutable_ticket() = ServerTest::Draft();
  ASSERT_TRUE(client->CreateTicket(request).ok());
  client.reset();  // an open connection only delays gRPC's own teardown
  const int status = server.Terminate();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The last connection closed checkpoints and removes the write-ahead log.
  EXPECT_FALSE(std::filesystem::exists(db + "-wal"));
}

TEST(Durability, ARetriedCreateAcrossARestartMakesOneTicket) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string secret = BootstrapWithBinary(db, "bureau");
  auto server = std::make_unique<ServerProcess>(db);
  const std::string address = server->address();
  ClientOptions options;
  options.target = address;
  options.token = secret;
  // Retried for as long as a loaded machine may take to start the server
  // again (about 100 s: 400 attempts, at most 250 ms apart).
  options.call_timeout = absl::Seconds(1);
  options.max_attempts = 400;
  options.initial_backoff = absl::Milliseconds(50);
  options.max_backoff = absl::Milliseconds(250);
  Client client(options);
  ASSERT_TRUE(client.ListTickets(v1::ListTicketsRequest()).ok());
  server->Kill();
  // The create starts while the server is down and is retried until it is
  // back.
  absl::StatusOr<v1::Ticket> created;
  std::thread creator([&] {
    v1::CreateTicketRequest request;
    *request.mutable_ticket() = ServerTest::Draft();
    created = client.CreateTicket(request);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server = std::make_unique<ServerProcess>(db, address);
  creator.join();
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<v1::ListTicketsResponse> all =
      client.ListTickets(v1::ListTicketsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tickets_size(), 1);
}

}  // namespace
}  // namespace hotline
