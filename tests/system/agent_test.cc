// examples/department_agent against the real hotline-server binary: it picks
// up a newly dispatched ticket, and after being killed and restarted it
// resumes with no event lost or repeated; it replies after its own daily
// report moved the ticket's etag without a refused call; --help lists its
// flags.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace hotline {
namespace {

using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

// Starts the agent; its stderr goes to `log` when given.
pid_t StartAgent(const std::string& server, const std::string& token,
                 const std::string& journal, int report_every_seconds = 3600,
                 int work_seconds = -1, const std::string& log = "",
                 const std::string& evidence_dir = "") {
  std::vector<std::string> args = {
      HOTLINE_AGENT_BINARY,
      "--server=" + server,
      "--token=" + token,
      "--department=housing",
      "--journal=" + journal,
      absl::StrCat("--report_every_seconds=", report_every_seconds),
      absl::StrCat("--work_seconds=", work_seconds),
      "--evidence_dir=" + evidence_dir};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
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

// Generous limits for waiting on the agent (a loaded machine is slow).
constexpr absl::Duration kPatience = absl::Seconds(60);

// Waits until the ticket is IN_PROGRESS; returns how long that took.
absl::Duration WaitSignedFor(Client& bureau, const std::string& ticket) {
  const absl::Time start = absl::Now();
  v1::GetTicketRequest get;
  get.set_name(ticket);
  while (absl::Now() - start < kPatience) {
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
  // Merged away (并单) into a ticket of the bureau's, then taken out again:
  // it comes back to housing unsigned, and the agent signs for it again.
  {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    v1::MergeTicketRequest merge;
    merge.set_name(fourth);
    merge.set_main_ticket(bureau.CreateTicket(create)->name());
    merge.set_reason("重复来电");
    ASSERT_TRUE(bureau.MergeTicket(merge).ok());
    v1::UnmergeTicketRequest unmerge;
    unmerge.set_name(fourth);
    unmerge.set_reason("诉求不同");
    absl::StatusOr<v1::Ticket> back = bureau.UnmergeTicket(unmerge);
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(back->department(), "departments/housing");
    ASSERT_NE(WaitSignedFor(bureau, fourth), absl::InfiniteDuration())
        << "the agent did not sign for the ticket given back";
  }
  // Asked to assist (协办) with market's ticket: the agent signs for
  // housing's part (the lead's sign-for stays market's).
  {
    v1::CreateDepartmentRequest market;
    market.set_department_id("market");
    market.mutable_department()->set_display_name("市场监管局");
    ASSERT_TRUE(bureau.CreateDepartment(market).ok());
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    create.set_dispatch_to("departments/market");
    create.add_assisting_departments("departments/housing");
    const std::string assisted = bureau.CreateTicket(create)->name();
    v1::GetTicketRequest get;
    get.set_name(assisted);
    v1::Assist::State part = v1::Assist::STATE_UNSPECIFIED;
    const absl::Time give_up = absl::Now() + kPatience;
    while (absl::Now() < give_up && part != v1::Assist::ACKNOWLEDGED) {
      absl::StatusOr<v1::Ticket> t = bureau.GetTicket(get);
      if (t.ok() && t->assists_size() == 1) part = t->assists(0).state();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(part, v1::Assist::ACKNOWLEDGED)
        << "the agent did not sign for its assisting part";
    EXPECT_EQ(bureau.GetTicket(get)->state(), v1::Ticket::DISPATCHED);
  }
  // Urged (催办) on a ticket it holds: the agent signs for the notice and
  // answers it.
  {
    v1::IssueNoticeRequest urge;
    urge.set_name(third);
    urge.set_reason("群众多次来电催促");
    ASSERT_TRUE(bureau.IssueNotice(urge).ok());
    v1::GetTicketRequest get;
    get.set_name(third);
    v1::Notice::State state = v1::Notice::STATE_UNSPECIFIED;
    const absl::Time give_up = absl::Now() + kPatience;
    while (absl::Now() < give_up && state != v1::Notice::ANSWERED) {
      absl::StatusOr<v1::Ticket> t = bureau.GetTicket(get);
      if (t.ok() && t->notices_size() == 1) state = t->notices(0).state();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(state, v1::Notice::ANSWERED)
        << "the agent did not answer the urging notice";
  }
  // The agent journals its own signing for the fourth (the feed brings it
  // back) before it is stopped.
  int64_t fourth_signed = 0;
  {
    v1::ListTicketEventsRequest events;
    events.set_parent(fourth);
    absl::StatusOr<v1::ListTicketEventsResponse> history =
        bureau.ListTicketEvents(events);
    ASSERT_TRUE(history.ok()) << history.status();
    for (const v1::Event& e : history->events()) {
      if (e.type() == v1::Event::ACKNOWLEDGED) fourth_signed = e.seq();
    }
  }
  ASSERT_NE(fourth_signed, 0);
  const absl::Time give_up = absl::Now() + kPatience;
  while (absl::Now() < give_up) {
    const std::vector<int64_t> journaled = JournaledSeqs(journal);
    if (!journaled.empty() && journaled.back() >= fourth_signed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(agent, SIGTERM);
  int status = 0;
  waitpid(agent, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // The journal holds exactly the department's feed up to where the agent
  // stopped (at least the fourth's signing), each event once, in order:
  // compare with a fresh read of the feed, up to the journal's last seq
  // (events the agent had not received when stopped come after it).
  const std::vector<int64_t> journaled = JournaledSeqs(journal);
  ASSERT_FALSE(journaled.empty());
  EXPECT_GE(journaled.back(), fourth_signed);
  options.token = housing_token;
  Client housing(options);
  std::vector<int64_t> feed;
  WatchControl control;
  std::thread stopper([&] {  // only if the feed never gets there
    const absl::Time limit = absl::Now() + kPatience;
    while (!control.stopped() && absl::Now() < limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    control.Stop();
  });
  ASSERT_TRUE(housing
                  .Watch(
                      v1::WatchEventsRequest(),
                      [&](const v1::Event& e) {
                        if (e.seq() <= journaled.back())
                          feed.push_back(e.seq());
                        if (e.seq() >= journaled.back()) control.Stop();
                        return absl::OkStatus();
                      },
                      &control)
                  .ok());
  control.Stop();
  stopper.join();
  EXPECT_EQ(journaled, feed);
}

// A ticket's state once it reaches `want`, or its last state after
// kPatience.
v1::Ticket::State WaitForState(Client& bureau, const std::string& ticket,
                               v1::Ticket::State want) {
  v1::GetTicketRequest get;
  get.set_name(ticket);
  v1::Ticket::State state = v1::Ticket::STATE_UNSPECIFIED;
  const absl::Time start = absl::Now();
  while (absl::Now() - start < kPatience) {
    absl::StatusOr<v1::Ticket> t = bureau.GetTicket(get);
    if (t.ok()) state = t->state();
    if (state == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return state;
}

// The agent reports daily for a ticket and replies to it in the same pass:
// the report moves the ticket's etag, so the reply decided on the ticket as
// listed is refused with ABORTED; the agent re-reads the ticket and replies
// with the new etag, and its log shows no refused call.
TEST(DepartmentAgent, RepliesAfterItsOwnDailyReportMovedTheEtag) {
  // Daily reports are given for today, on working days: the server runs on
  // the real clock with a calendar that makes today one (a make-up working
  // day if today is a weekend), so the test means the same any day.
  TempDir dir;
  absl::TimeZone beijing;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &beijing));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), beijing);
  const std::string calendar = dir.File("calendar.csv");
  {
    std::ofstream out(calendar);
    out << "date,kind,holiday\n";
    const absl::Weekday weekday = absl::GetWeekday(today);
    if (weekday == absl::Weekday::saturday ||
        weekday == absl::Weekday::sunday) {
      out << today << ",workday,agent test\n";
    }
    // A date in next year keeps the calendar covering well past today.
    const absl::CivilDay next_year_saturday = absl::NextWeekday(
        absl::CivilDay(today.year() + 1, 1, 1), absl::Weekday::saturday);
    out << next_year_saturday << ",workday,agent test\n";
  }
  const std::string db = dir.File("hotline.db");
  const std::string bureau_token = testing::BootstrapToken(db, "bureau");
  ServerProcess server(db, "", {"--calendar=" + calendar});
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

  const std::string log = dir.File("agent.log");
  // The first ticket's evidence (佐证材料) waits in the agent's directory.
  const std::string evidence = dir.File("evidence");
  ASSERT_EQ(mkdir(evidence.c_str(), 0700), 0);
  const std::string photo = std::string("\x89PNG\r\n\x1A\n", 8) + "现场";
  {
    std::ofstream out(evidence + "/1.png", std::ios::binary);
    out << photo;
  }
  pid_t agent =
      StartAgent(server.address(), housing_token, dir.File("agent.journal"),
                 /*report_every_seconds=*/0, /*work_seconds=*/0, log, evidence);
  std::vector<std::string> tickets;
  for (int i = 0; i < 3; ++i) {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<v1::Ticket> created = bureau.CreateTicket(create);
    ASSERT_TRUE(created.ok()) << created.status();
    tickets.push_back(created->name());
  }
  ASSERT_EQ(tickets[0], "tickets/1");  // a fresh database: 1.png is its
  for (const std::string& ticket : tickets) {
    EXPECT_EQ(WaitForState(bureau, ticket, v1::Ticket::REPLIED),
              v1::Ticket::REPLIED)
        << ticket;
  }
  kill(agent, SIGTERM);
  int status = 0;
  waitpid(agent, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // Each ticket was reported before its reply: the reply came after the
  // etag moved.
  for (const std::string& ticket : tickets) {
    v1::ListDailyReportsRequest reports;
    reports.set_ticket(ticket);
    absl::StatusOr<v1::ListDailyReportsResponse> listed =
        bureau.ListDailyReports(reports);
    ASSERT_TRUE(listed.ok()) << listed.status();
    EXPECT_EQ(listed->reports_size(), 1) << ticket;
  }
  const std::string agent_log = ReadFile(log);
  EXPECT_FALSE(absl::StrContains(agent_log, "ABORTED")) << agent_log;
  EXPECT_FALSE(absl::StrContains(agent_log, "reply ")) << agent_log;
  // The first ticket's reply came with its file, once; the others had none.
  for (const std::string& ticket : tickets) {
    v1::GetTicketRequest get;
    get.set_name(ticket);
    absl::StatusOr<v1::Ticket> replied = bureau.GetTicket(get);
    ASSERT_TRUE(replied.ok()) << replied.status();
    if (ticket != "tickets/1") {
      EXPECT_EQ(replied->attachments_size(), 0) << ticket;
      continue;
    }
    ASSERT_EQ(replied->attachments_size(), 1);
    EXPECT_EQ(replied->attachments(0).step(), v1::Attachment::REPLY);
    EXPECT_EQ(replied->attachments(0).file_name(), "1.png");
    EXPECT_EQ(replied->attachments(0).added_by(), "department/housing");
    v1::DownloadAttachmentRequest download;
    download.set_name(replied->attachments(0).name());
    absl::StatusOr<Client::DownloadedAttachment> got =
        bureau.DownloadAttachment(download);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->bytes, photo);
  }
}

TEST(DepartmentAgent, HelpListsItsFlags) {
  TempDir dir;
  for (const std::string help : {"--help", "-h"}) {
    testing::ProgramRun run =
        testing::RunCli(HOTLINE_AGENT_BINARY, "", "", {help}, dir);
    EXPECT_EQ(run.exit_code, 0) << help << run.err;
    const std::string text = run.out + run.err;
    EXPECT_FALSE(absl::StrContains(text, "No flags matched")) << text;
    for (const char* flag : {"--server", "--token", "--department", "--journal",
                             "--report_every_seconds", "--work_seconds"}) {
      EXPECT_TRUE(absl::StrContains(text, flag)) << help << ": " << text;
    }
  }
}

}  // namespace
}  // namespace hotline
