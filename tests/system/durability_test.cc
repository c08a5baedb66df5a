// The real hotline-server binary as a child process: bootstrap from the
// command line, writes that survive SIGKILL, clean shutdown on SIGTERM, and a
// client that retries a create across a restart without duplicating it.
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"
#include "tests/support/webhook_receiver.h"

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

// Notifications across a kill -9 in the middle of delivering: after the
// restart every committed event reaches the receiver (at least once), a
// repeat carries the same delivery id and the same body, and nothing is
// sent that did not commit.
TEST(Durability, NotificationsSurviveAKillDuringDelivery) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string secret = BootstrapWithBinary(db, "bureau");
  const std::vector<std::string> flags = {"--notify_allow_loopback_http",
                                          "--notify_first_retry=20ms",
                                          "--notify_longest_retry=200ms"};
  testing::WebhookReceiver receiver;
  receiver.Start();
  {
    ServerProcess server(db, "", flags);
    std::unique_ptr<Client> client = ConnectTo(server.address(), secret);
    v1::CreateSubscriptionRequest subscribe;
    subscribe.mutable_subscription()->set_channel(v1::Subscription::WEBHOOK);
    subscribe.mutable_subscription()->set_url(receiver.Url("/all"));
    ASSERT_TRUE(client->CreateSubscription(subscribe).ok());
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < 25; ++i) {
          v1::CreateTicketRequest request;
          *request.mutable_ticket() = ServerTest::Draft();
          request.mutable_ticket()->set_source_id(absl::StrCat("N", w, "-", i));
          if (!client->CreateTicket(request).ok()) return;  // killed
        }
      });
    }
    // Killed once deliveries are under way, while tickets still come.
    ASSERT_TRUE(
        receiver.WaitFor([](const std::vector<testing::ReceivedRequest>& got) {
          return got.size() >= 10;
        }));
    server.Kill();
    for (std::thread& t : writers) t.join();
  }
  ServerProcess restarted(db, "", flags);
  std::unique_ptr<Client> client = ConnectTo(restarted.address(), secret);
  // Every committed event's seq.
  std::set<int64_t> committed;
  v1::ListTicketsRequest list;
  list.set_page_size(500);
  absl::StatusOr<v1::ListTicketsResponse> all = client->ListTickets(list);
  ASSERT_TRUE(all.ok()) << all.status();
  for (const v1::Ticket& t : all->tickets()) {
    v1::ListTicketEventsRequest events;
    events.set_parent(t.name());
    absl::StatusOr<v1::ListTicketEventsResponse> got =
        client->ListTicketEvents(events);
    ASSERT_TRUE(got.ok()) << got.status();
    for (const v1::Event& e : got->events()) committed.insert(e.seq());
  }
  ASSERT_FALSE(committed.empty());
  auto ids = [](const std::vector<testing::ReceivedRequest>& got) {
    std::map<int64_t, std::string> bodies;
    for (const testing::ReceivedRequest& r : got) {
      int64_t id = 0;
      if (absl::SimpleAtoi(r.Header("Hotline-Delivery"), &id)) {
        bodies.emplace(id, r.body);
      }
    }
    return bodies;
  };
  ASSERT_TRUE(
      receiver.WaitFor([&](const std::vector<testing::ReceivedRequest>& got) {
        std::map<int64_t, std::string> bodies = ids(got);
        return std::all_of(committed.begin(), committed.end(),
                           [&](int64_t seq) { return bodies.count(seq) > 0; });
      }))
      << "received " << ids(receiver.Received()).size() << " of "
      << committed.size();
  const std::vector<testing::ReceivedRequest> got = receiver.Received();
  std::map<int64_t, std::string> first;
  for (const testing::ReceivedRequest& r : got) {
    int64_t id = 0;
    ASSERT_TRUE(absl::SimpleAtoi(r.Header("Hotline-Delivery"), &id));
    EXPECT_EQ(committed.count(id), 1u) << "sent, never committed: " << id;
    auto [it, inserted] = first.emplace(id, r.body);
    if (!inserted) {
      EXPECT_EQ(it->second, r.body) << "a repeat of " << id;
    }
  }
  EXPECT_EQ(first.size(), committed.size());
  client.reset();
  receiver.Stop();
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
