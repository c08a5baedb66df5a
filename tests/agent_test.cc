// examples/department_agent against the real hotline-server binary: it picks
// up a newly dispatched ticket, and after being killed and restarted it
// resumes with no event lost or repeated.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

extern char** environ;

namespace hotline {
namespace {

using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

pid_t StartAgent(const std::string& server, const std::string& token,
                 const std::string& journal) {
  std::vector<std::string> args = {
      HOTLINE_AGENT_BINARY,   "--server=" + server,
      "--token=" + token,     "--department=housing",
      "--journal=" + journal, "--report_every_seconds=3600",
      "--work_seconds=-1"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ),
            0);
  return pid;
}

std::vector<int64_t> JournaledSeqs(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<int64_t> seqs;
  while (std::getline(in, line)) {
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    int64_t seq = 0;
    if (!fields.empty() && absl::SimpleAtoi(fields[0], &seq)) {
      seqs.push_back(seq);
    }
  }
  return seqs;
}

// Waits until the ticket is IN_PROGRESS; returns how long that took.
absl::Duration WaitSignedFor(Client& bureau, const std::string& ticket) {
  const absl::Time start = absl::Now();
  v1::GetTicketRequest get;
  get.set_name(ticket);
  while (absl::Now() - start < absl::Seconds(20)) {
    absl::StatusOr<v1::Ticket> t = bureau.GetTicket(get);
    if (t.ok() && t->state() == v1::Ticket::IN_PROGRESS) {
      return absl::Now() - start;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::InfiniteDuration();
}

TEST(DepartmentAgent, SignsForNewTicketsAndResumesAfterAKill) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string bureau_token = testing::BootstrapToken(db, "bureau");
  ServerProcess server(db);
  ClientOptions options;
  options.target = server.address();
  options.token = bureau_token;
  Client bureau(options);
  v1::CreateDepartmentRequest department;
  department.set_department_id("housing");
  department.mutable_department()->set_display_name("住建局");
  ASSERT_TRUE(bureau.CreateDepartment(department).ok());
  v1::CreateTokenRequest token;
  token.mutable_token()->set_principal("department/housing");
  const std::string housing_token = bureau.CreateToken(token)->secret();
  auto dispatch = [&] {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    create.set_dispatch_to("departments/housing");
    return bureau.CreateTicket(create)->name();
  };
  const std::string journal = dir.File("agent.journal");

  pid_t agent = StartAgent(server.address(), housing_token, journal);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string first = dispatch();
  const absl::Duration pickup = WaitSignedFor(bureau, first);
  ASSERT_NE(pickup, absl::InfiniteDuration())
      << "the agent never signed for it";
  ::testing::Test::RecordProperty(
      "pickup_ms", absl::StrCat(absl::ToInt64Milliseconds(pickup)));

  kill(agent, SIGKILL);
  waitpid(agent, nullptr, 0);
  const std::string second = dispatch();  // while the agent is down
  const std::string third = dispatch();
  agent = StartAgent(server.address(), housing_token, journal);
  ASSERT_NE(WaitSignedFor(bureau, second), absl::InfiniteDuration());
  ASSERT_NE(WaitSignedFor(bureau, third), absl::InfiniteDuration());
  const std::string fourth = dispatch();  // live again
  ASSERT_NE(WaitSignedFor(bureau, fourth), absl::InfiniteDuration());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(agent, SIGTERM);
  int status = 0;
  waitpid(agent, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // The journal holds exactly the department's feed, each event once, in
  // order: compare with a fresh read of the feed.
  options.token = housing_token;
  Client housing(options);
  std::vector<int64_t> feed;
  WatchControl control;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    control.Stop();
  });
  ASSERT_TRUE(housing
                  .Watch(
                      v1::WatchEventsRequest(),
                      [&](const v1::Event& e) {
                        feed.push_back(e.seq());
                        return absl::OkStatus();
                      },
                      &control)
                  .ok());
  stopper.join();
  ASSERT_FALSE(feed.empty());
  EXPECT_EQ(JournaledSeqs(journal), feed);
}

}  // namespace
}  // namespace hotline
