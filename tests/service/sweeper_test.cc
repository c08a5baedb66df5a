// Deadlines end to end: the real server in rehearsal mode, driven through
// the client library; AdvanceClock runs the sweeper.
#include "app/sweeper.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "app/executor.h"
#include "app/policy_registry.h"
#include "app/ticket_service.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "storage/open_store.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Card;
using v1::Event;
using v1::Ticket;

class SweeperTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
  }

  Ticket Create(Ticket::Type type, const std::string& department,
                Ticket::Urgency urgency = Ticket::NORMAL) {
    v1::CreateTicketRequest request;
    *request.mutable_ticket() = Draft(type);
    request.mutable_ticket()->set_urgency(urgency);
    request.set_dispatch_to("departments/" + department);
    absl::StatusOr<Ticket> ticket = bureau().CreateTicket(request);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return *ticket;
  }

  void Ack(Client& department, const Ticket& ticket) {
    v1::AcknowledgeTicketRequest request;
    request.set_name(ticket.name());
    absl::StatusOr<Ticket> done = department.AcknowledgeTicket(request);
    ASSERT_TRUE(done.ok()) << done.status();
  }

  void Answer(Client& department, const Ticket& ticket) {
    v1::ReplyTicketRequest request;
    request.set_name(ticket.name());
    request.set_reply_text("已处理");
    request.set_outcome(Ticket::RESOLVED);
    absl::StatusOr<Ticket> done = department.ReplyTicket(request);
    ASSERT_TRUE(done.ok()) << done.status();
  }

  Ticket Get(const Ticket& ticket) {
    v1::GetTicketRequest request;
    request.set_name(ticket.name());
    return *bureau().GetTicket(request);
  }

  std::vector<Card> Cards(Client& client, v1::ListCardsRequest request = {}) {
    request.set_page_size(500);
    absl::StatusOr<v1::ListCardsResponse> response = client.ListCards(request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->cards().begin(), response->cards().end()};
  }

  // "tickets/3 YELLOW" for each card, for readable comparisons.
  static std::multiset<std::string> Summary(const std::vector<Card>& cards) {
    std::multiset<std::string> out;
    for (const Card& c : cards) {
      out.insert(absl::StrCat(c.ticket(), " ", Card::Color_Name(c.color())));
    }
    return out;
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
};

void ExpectCounts(const v1::AdvanceClockResponse& r, int warnings,
                  int ack_overdue, int yellow, int red) {
  EXPECT_EQ(r.warnings(), warnings);
  EXPECT_EQ(r.ack_overdue(), ack_overdue);
  EXPECT_EQ(r.yellow_cards(), yellow);
  EXPECT_EQ(r.red_cards(), red);
}

// Six tickets dispatched on the eve of the 2021 Spring Festival; some are
// handled in time, some late, one is extended, one returned. The expected
// warnings and cards at each step are worked out in the comments.
TEST_F(SweeperTest, ScenarioIssuesExactlyTheExpectedWarningsAndCards) {
  // Working days after Feb 10: Feb 18, 19, 20 (调休), 22-26, Mar 1-5, 8, 9...
  const Ticket a = Create(Ticket::COMPLAINT, "housing");  // due end Mar 9
  const Ticket b = Create(Ticket::INQUIRY, "housing");    // due end Feb 19
  const Ticket c = Create(Ticket::HELP, "market");        // due end Mar 2
  const Ticket d = Create(Ticket::COMPLAINT, "market");   // due end Mar 9
  const Ticket e = Create(Ticket::COMPLAINT, "housing");  // returned
  // Urgent: 24 clock hours, due Feb 11 09:00; warning at 75%: Feb 11 03:00.
  const Ticket f = Create(Ticket::REPORT, "housing", Ticket::URGENT);

  ExpectCounts(AdvanceTo(Beijing(2021, 2, 10, 10, 0)), 0, 0, 0, 0);
  Ack(*housing_, f);  // in its 2-hour sign-for window
  // F: warning at 03:00, yellow at 09:00 on Feb 11.
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 11, 12, 0)), 1, 0, 1, 0);

  AdvanceTo(Beijing(2021, 2, 18, 10, 0));  // first working day after
  Ack(*housing_, a);
  Ack(*market_, c);
  Ack(*market_, d);
  v1::ReturnTicketRequest give_back;
  give_back.set_name(e.name());
  give_back.set_reason("属于市场监管职责");
  ASSERT_TRUE(housing_->ReturnTicket(give_back).ok());

  // B: not signed for by the end of Feb 18, and its warning (00:00 of its
  // last working day, Feb 19) comes at the same instant.
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 19) - absl::Microseconds(1)), 0, 0, 0,
               0);
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 19)), 1, 1, 0, 0);
  // B: yellow at the end of Feb 19.
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 20)), 0, 0, 1, 0);
  // F: red 5 working days after Feb 11 (Feb 18, 19, 20, 22, 23).
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 24)), 0, 0, 0, 1);
  // B: red 5 working days after Feb 19 (Feb 20, 22, 23, 24, 25).
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 26)), 0, 0, 0, 1);
  // C: warning at 00:00 Mar 2; replied that morning, before its deadline.
  ExpectCounts(AdvanceTo(Beijing(2021, 3, 2, 10, 0)), 1, 0, 0, 0);
  Answer(*market_, c);
  // A: replied in time, before even its warning.
  AdvanceTo(Beijing(2021, 3, 5, 10, 0));
  Answer(*housing_, a);
  // D: asks for 5 more working days on Mar 8; the bureau approves.
  AdvanceTo(Beijing(2021, 3, 8, 9, 0));
  v1::RequestExtensionRequest extend;
  extend.set_name(d.name());
  extend.set_working_days(5);
  extend.set_reason("需协调住建部门联合核查");
  ASSERT_TRUE(market_->RequestExtension(extend).ok());
  v1::ApproveExtensionRequest approve;
  approve.set_name(d.name());
  absl::StatusOr<Ticket> extended = bureau().ApproveExtension(approve);
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(FromProtoTime(extended->reply_due_at()), Beijing(2021, 3, 17));
  // The old deadline passes quietly.
  ExpectCounts(AdvanceTo(Beijing(2021, 3, 10)), 0, 0, 0, 0);
  // D: warning 00:00 Mar 16, yellow at the end of Mar 16.
  ExpectCounts(AdvanceTo(Beijing(2021, 3, 17)), 1, 0, 1, 0);
  AdvanceTo(Beijing(2021, 3, 18, 9, 0));
  Answer(*market_, d);
  // Nothing more for anyone, however long we wait.
  ExpectCounts(AdvanceTo(Beijing(2021, 6, 1)), 0, 0, 0, 0);

  EXPECT_EQ(Summary(Cards(bureau())),
            (std::multiset<std::string>{f.name() + " YELLOW", f.name() + " RED",
                                        b.name() + " YELLOW", b.name() + " RED",
                                        d.name() + " YELLOW"}));
  // Departments see their own cards only.
  EXPECT_EQ(Cards(*housing_).size(), 4u);
  EXPECT_EQ(Summary(Cards(*market_)),
            (std::multiset<std::string>{d.name() + " YELLOW"}));
  v1::ListCardsRequest peek;
  peek.set_department("departments/housing");
  EXPECT_EQ(market_->ListCards(peek).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The tickets show it too.
  EXPECT_EQ(Get(a).yellow_cards() + Get(a).red_cards(), 0);
  EXPECT_FALSE(Get(a).due_soon());
  EXPECT_TRUE(Get(c).due_soon());
  EXPECT_EQ(Get(c).yellow_cards(), 0);
  EXPECT_EQ(Get(e).yellow_cards(), 0);
  EXPECT_EQ(Get(b).yellow_cards(), 1);
  EXPECT_EQ(Get(b).red_cards(), 1);
  EXPECT_TRUE(Get(b).ack_overdue());
  // Each card is in the ticket's history with the deadline instant.
  std::vector<Event> history = History(b.name());
  std::vector<Event::Type> swept;
  for (const Event& event : history) {
    if (event.actor() == "sweeper") swept.push_back(event.type());
  }
  EXPECT_EQ(swept,
            (std::vector<Event::Type>{Event::ACK_OVERDUE, Event::DUE_SOON,
                                      Event::CARD_ISSUED, Event::CARD_ISSUED}));
  EXPECT_EQ(FromProtoTime(history[2].time()), Beijing(2021, 2, 19));
}

TEST_F(SweeperTest, CardsCanBeIssuedAndRevokedByHand) {
  const Ticket t = Create(Ticket::INQUIRY, "housing");
  AdvanceTo(Beijing(2021, 2, 20));  // yellow
  std::vector<Card> cards = Cards(bureau());
  ASSERT_EQ(cards.size(), 1u);
  v1::RevokeCardRequest revoke;
  revoke.set_name(cards[0].name());
  revoke.set_reason("春节调休顺延计算有误");
  absl::StatusOr<Card> revoked = bureau().RevokeCard(revoke);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->has_revoke_time());
  EXPECT_EQ(revoked->revoked_by(), "bureau");
  EXPECT_EQ(Get(t).yellow_cards(), 0);
  // Revoking twice is refused; the card stays in history.
  EXPECT_EQ(bureau().RevokeCard(revoke).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ListCardsRequest active;
  active.set_which(v1::ListCardsRequest::ACTIVE);
  EXPECT_TRUE(Cards(bureau(), active).empty());
  v1::ListCardsRequest gone;
  gone.set_which(v1::ListCardsRequest::REVOKED);
  EXPECT_EQ(Cards(bureau(), gone).size(), 1u);
  // The sweeper does not issue it again.
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 25)), 0, 0, 0, 0);

  v1::IssueCardRequest issue;
  issue.set_ticket(t.name());
  issue.set_color(Card::RED);
  issue.set_reason("回复敷衍");
  absl::StatusOr<Card> card = bureau().IssueCard(issue);
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->department(), "departments/housing");
  EXPECT_EQ(card->issuer(), "bureau");
  EXPECT_EQ(Get(t).red_cards(), 1);
  EXPECT_EQ(housing_->IssueCard(issue).status().code(),
            absl::StatusCode::kPermissionDenied);
  issue.set_color(static_cast<Card::Color>(9));
  EXPECT_EQ(bureau().IssueCard(issue).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<Event> history = History(t.name());
  EXPECT_EQ(history.back().type(), Event::CARD_ISSUED);
  EXPECT_EQ(history.back().card(), card->name());
  EXPECT_EQ(history[history.size() - 2].type(), Event::CARD_REVOKED);
}

TEST_F(SweeperTest, SweepingAgainAfterARestartIssuesNothingTwice) {
  Create(Ticket::INQUIRY, "housing");
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 20)), 1, 1, 1, 0);
  RestartServer();
  bureau_ = Connect(bureau_token_);
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 20, 0, 0, 1)), 0, 0, 0, 0);
  EXPECT_EQ(Cards(bureau()).size(), 1u);
}

TEST_F(SweeperTest, PolicyInForceAndNewVersionsApplyOnlyToNewDispatches) {
  absl::StatusOr<v1::Policy> policy = bureau().GetPolicy();
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->version(), "default-1");
  EXPECT_EQ(policy->time_zone(), "Asia/Shanghai");
  EXPECT_EQ(policy->calendar_covered_through(), "2026-12-31");
  const Ticket old_ticket = Create(Ticket::INQUIRY, "housing");

  absl::StatusOr<v1::Policy> v2 = ParsePolicy(
      "version = v2\nreply_working_days.INQUIRY = 3\nred_card_working_days = "
      "1\n",
      "v2");
  ASSERT_TRUE(v2.ok());
  options_.policy = *v2;
  RestartServer();
  bureau_ = Connect(bureau_token_);
  EXPECT_EQ(bureau().GetPolicy()->version(), "v2");
  // The old ticket keeps its deadline and version.
  EXPECT_EQ(FromProtoTime(Get(old_ticket).reply_due_at()),
            Beijing(2021, 2, 20));
  EXPECT_EQ(Get(old_ticket).policy_version(), "default-1");
  // A new dispatch gets the new limits: 3 working days -> end of Feb 20.
  const Ticket new_ticket = Create(Ticket::INQUIRY, "market");
  EXPECT_EQ(FromProtoTime(new_ticket.reply_due_at()), Beijing(2021, 2, 21));
  EXPECT_EQ(new_ticket.policy_version(), "v2");
  // The old ticket's red card follows its own version: 5 working days after
  // Feb 19, not 1.
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 24)), 2, 2, 2, 1);  // new one red
  ExpectCounts(AdvanceTo(Beijing(2021, 2, 26)), 0, 0, 0, 1);  // old one red

  // The same version with other limits is refused at start-up.
  StopServer();
  options_.policy.set_red_card_working_days(2);
  absl::StatusOr<std::unique_ptr<HotlineServer>> refused =
      HotlineServer::Start(options_, &clock_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("new version"), std::string::npos);
}

TEST_F(SweeperTest, AdvanceClockInputsAndRoles) {
  v1::AdvanceClockRequest both;
  both.mutable_by()->set_seconds(60);
  *both.mutable_to() = ToProtoTime(Beijing(2021, 3, 1));
  EXPECT_EQ(bureau().AdvanceClock(both).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::AdvanceClockRequest back;
  *back.mutable_to() = ToProtoTime(Beijing(2021, 1, 1));
  EXPECT_EQ(bureau().AdvanceClock(back).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::AdvanceClockRequest by;
  by.mutable_by()->set_seconds(3600);
  EXPECT_EQ(housing_->AdvanceClock(by).status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<v1::AdvanceClockResponse> moved = bureau().AdvanceClock(by);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(FromProtoTime(moved->now()), Beijing(2021, 2, 10, 10, 0));
  EXPECT_EQ(clock_.Now(), Beijing(2021, 2, 10, 10, 0));
}

TEST_F(SweeperTest, AdvanceClockMovesAtMost400DaysPerCall) {
  const absl::Time start = clock_.Now();
  auto refused = [&](const v1::AdvanceClockRequest& request) {
    absl::Status status = bureau().AdvanceClock(request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find("at most 400 days"), std::string::npos)
        << status;
    EXPECT_EQ(clock_.Now(), start);  // nothing moved
  };
  v1::AdvanceClockRequest huge;  // 292 billion years
  huge.mutable_by()->set_seconds(INT64_MAX);
  refused(huge);
  v1::AdvanceClockRequest far;
  *far.mutable_to() = ToProtoTime(Beijing(9999, 12, 31));
  refused(far);
  v1::AdvanceClockRequest just_over;
  just_over.mutable_by()->set_seconds(400 * 86400 + 1);
  refused(just_over);
  v1::AdvanceClockRequest to_over;
  *to_over.mutable_to() =
      ToProtoTime(start + absl::Hours(400 * 24) + absl::Microseconds(1));
  refused(to_over);

  v1::AdvanceClockRequest most;
  most.mutable_by()->set_seconds(400 * 86400);
  absl::StatusOr<v1::AdvanceClockResponse> moved = bureau().AdvanceClock(most);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(FromProtoTime(moved->now()), start + absl::Hours(400 * 24));
  v1::AdvanceClockRequest to_most;
  *to_most.mutable_to() = ToProtoTime(clock_.Now() + absl::Hours(400 * 24));
  moved = bureau().AdvanceClock(to_most);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(FromProtoTime(moved->now()), start + absl::Hours(800 * 24));
}

// Many tickets in progress at housing, each owing a daily report every
// working day: a long sweep. The server's AdvanceClock batch hook calls
// `hook_` (when set) each time the sweep looks whether to stop, on the
// sweep's thread: a test makes batches slow with it, or acts mid-sweep.
class LongSweepTest : public SweeperTest {
 protected:
  static constexpr int kTickets = 100;

  void SetUp() override {
    options_.advance_clock_batch_hook = [this](const CallLimits& call) {
      std::function<void(const CallLimits&)> hook;
      {
        absl::MutexLock lock(&hook_mutex_);
        hook = hook_;
      }
      if (hook) hook(call);
    };
    SweeperTest::SetUp();
    for (int i = 0; i < kTickets; ++i) {
      tickets_.push_back(Create(Ticket::COMPLAINT, "housing"));
      Ack(*housing_, tickets_.back());
    }
  }

  void SetHook(std::function<void(const CallLimits&)> hook) {
    absl::MutexLock lock(&hook_mutex_);
    hook_ = std::move(hook);
  }

  std::unique_ptr<Client> BureauWithTimeout(absl::Duration timeout) {
    ClientOptions options;
    options.target = server_->address();
    options.token = bureau_token_;
    options.call_timeout = timeout;
    return std::make_unique<Client>(options);
  }

  // Working days that ended (24:00) after `from` and at or before `to`, in
  // the shipped calendar.
  static int WorkingDaysEnded(absl::Time from, absl::Time to) {
    const WorkingDayCalendar& calendar = testing::ShippedCalendar();
    int days = 0;
    for (absl::CivilDay day = calendar.LocalDay(from);; ++day) {
      const absl::Time end = calendar.StartOfDay(day + 1);
      if (end > to) break;
      if (end > from && calendar.IsWorkingDay(day)) ++days;
    }
    return days;
  }

  // After sweeping to `to`, from the acks at the start: every ticket owes
  // each working day exactly once, and has one yellow and one red card.
  void ExpectSweptExactlyOnceThrough(absl::Time from, absl::Time to) {
    const int days = WorkingDaysEnded(from, to);
    for (const Ticket& t : tickets_) {
      const Ticket now = Get(t);
      ASSERT_EQ(now.daily_report_misses(), days) << t.name();
      int misses = 0;
      std::set<std::string> dates;
      for (const Event& e : History(t.name())) {
        if (e.type() != Event::DAILY_REPORT_MISSED) continue;
        ++misses;
        EXPECT_LE(FromProtoTime(e.time()), to);
      }
      EXPECT_EQ(misses, days) << t.name();
    }
    v1::ListCardsRequest all;
    std::multiset<std::string> expected;
    for (const Ticket& t : tickets_) {
      expected.insert(t.name() + " YELLOW");
      expected.insert(t.name() + " RED");
    }
    EXPECT_EQ(Summary(Cards(bureau(), all)), expected);
  }

  std::vector<Ticket> tickets_;
  absl::Mutex hook_mutex_;
  std::function<void(const CallLimits&)> hook_ ABSL_GUARDED_BY(hook_mutex_);
};

// However fast the machine, the sweep outlasts the caller's deadline: each
// look between batches takes 100 ms (the hook), and 400 days are a few
// hundred looks. The server stops in time to answer itself, saying where the
// clock stands; the call after it goes on from there.
TEST_F(LongSweepTest, AdvanceClockAnswersWithinTheCallersDeadline) {
  const absl::Time start = clock_.Now();
  // The most one call may ask for, and more than any machine sweeps within
  // the call's deadline here: the sweep looks whether to stop at least once
  // a 7-day step, 58 times, and the hook sleeps 200 ms at each look (11.6 s,
  // past the 8 s the server may use).
  const absl::Time target = start + absl::Hours(400 * 24);
  // Health is asked from inside the sweep (the sweep's thread waits for the
  // answer): it is answered while a long AdvanceClock is under way.
  absl::Mutex mutex;
  int looks = 0;
  int health_checks = 0;
  std::vector<std::string> health_failures;
  std::unique_ptr<Client> health = [&] {
    ClientOptions options;
    options.target = server_->address();
    options.call_timeout = absl::Seconds(30);
    return std::make_unique<Client>(options);
  }();
  SetHook([&](const CallLimits&) {
    bool ask;
    {
      absl::MutexLock lock(&mutex);
      ask = looks++ % 5 == 0;
    }
    if (ask) {
      absl::Status status = health->CheckHealth();
      absl::MutexLock lock(&mutex);
      ++health_checks;
      if (!status.ok()) health_failures.push_back(status.ToString());
    }
    absl::SleepFor(absl::Milliseconds(200));
  });

  // Enough time that a loaded machine still gets the server's own answer:
  // the server keeps a fifth of it, at most kAdvanceClockAnswerMargin (2 s),
  // to stop and answer in. (With 5 s, and so 1 s kept, a sanitized build
  // beside the browser tests once got its own timeout first.)
  std::unique_ptr<Client> hurried = BureauWithTimeout(absl::Seconds(10));
  v1::AdvanceClockRequest request;
  *request.mutable_to() = ToProtoTime(target);
  absl::Status status = hurried->AdvanceClock(request).status();
  SetHook(nullptr);
  // The server's own answer, not the client's timeout: where the clock
  // stands now (the sweep had stopped before the answer was sent), and how
  // to go on.
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  const absl::Time stood = clock_.Now();
  EXPECT_GT(stood, start);
  EXPECT_LT(stood, target);
  const absl::TimeZone zone = testing::ShippedCalendar().zone();
  EXPECT_NE(status.message().find(absl::StrCat(
                "the clock stands at ",
                absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", stood, zone))),
            std::string::npos)
      << status;
  EXPECT_NE(status.message().find("call AdvanceClock again"), std::string::npos)
      << status;
  {
    absl::MutexLock lock(&mutex);
    EXPECT_GT(health_checks, 0);
    EXPECT_TRUE(health_failures.empty())
        << health_failures.size()
        << " failed health checks, first: " << health_failures.front();
  }

  // Going on from there sweeps the rest; nothing is swept twice.
  std::unique_ptr<Client> patient = BureauWithTimeout(absl::Seconds(120));
  absl::StatusOr<v1::AdvanceClockResponse> rest =
      patient->AdvanceClock(request);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(FromProtoTime(rest->now()), target);
  ExpectSweptExactlyOnceThrough(start, target);
}

TEST_F(LongSweepTest, AdvanceClockStopsWhenTheCallerCancels) {
  const absl::Time start = clock_.Now();
  const absl::Time target = start + absl::Hours(400 * 24);
  auto channel = grpc::CreateChannel(server_->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::HotlineService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + bureau_token_);
  v1::AdvanceClockRequest request;
  *request.mutable_to() = ToProtoTime(target);
  // A few batches in, the caller cancels; the hook returns once the server
  // has heard of it, so the sweep's next look sees the caller gone. The
  // clock then stands at the end of the step under way.
  absl::Mutex mutex;
  int looks = 0;
  bool heard = false;
  absl::Time stood_at_cancel = absl::InfiniteFuture();
  SetHook([&](const CallLimits& call) {
    {
      absl::MutexLock lock(&mutex);
      if (++looks != 10) return;
    }
    context.TryCancel();
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (!call.cancelled() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    absl::MutexLock lock(&mutex);
    heard = call.cancelled();
    stood_at_cancel = clock_.Now();
  });
  v1::AdvanceClockResponse response;
  grpc::Status status = stub->AdvanceClock(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // The next call runs after the cancelled one has returned (one at a time):
  // its first look finds the clock where the cancelled call left it.
  absl::Time stood_at_next = absl::InfinitePast();
  bool first_look = true;
  SetHook([&](const CallLimits&) {
    absl::MutexLock lock(&mutex);
    if (first_look) stood_at_next = clock_.Now();
    first_look = false;
  });
  std::unique_ptr<Client> patient = BureauWithTimeout(absl::Seconds(120));
  absl::StatusOr<v1::AdvanceClockResponse> rest =
      patient->AdvanceClock(request);
  SetHook(nullptr);
  ASSERT_TRUE(rest.ok()) << rest.status();
  {
    absl::MutexLock lock(&mutex);
    ASSERT_TRUE(heard) << "the server never heard of the cancellation";
    EXPECT_GT(stood_at_cancel, start);
    EXPECT_LT(stood_at_cancel, target);
    // The cancelled call stopped there: it moved the clock no further.
    EXPECT_EQ(stood_at_next, stood_at_cancel);
  }
  ExpectSweptExactlyOnceThrough(start, target);
}

TEST(RealClockServer, RefusesAdvanceClockAndBadCalendars) {
  testing::TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string token = testing::BootstrapToken(db, "bureau");
  RealClock clock;
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = db;
  {
    absl::StatusOr<std::unique_ptr<HotlineServer>> server =
        HotlineServer::Start(options, &clock);
    ASSERT_TRUE(server.ok()) << server.status();
    ClientOptions client_options;
    client_options.target = (*server)->address();
    client_options.token = token;
    Client client(client_options);
    v1::AdvanceClockRequest by;
    by.mutable_by()->set_seconds(60);
    absl::Status status = client.AdvanceClock(by).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(status.message().find("--clock=manual"), std::string::npos);
  }
  const std::string bad = dir.File("bad.csv");
  FILE* file = std::fopen(bad.c_str(), "w");
  std::fputs("date,kind,holiday\n2021-02-30,off,x\n", file);
  std::fclose(file);
  options.calendar_path = bad;
  absl::StatusOr<std::unique_ptr<HotlineServer>> refused =
      HotlineServer::Start(options, &clock);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("bad.csv:2"), std::string::npos)
      << refused.status();
}

// The background thread that serves the real clock: it wakes when told that
// something committed and sweeps what is due by the service's clock.
TEST(SweeperThread, WakesAndSweepsOnItsOwn) {
  testing::TempDir dir;
  storage::StoreOptions store_options;
  store_options.path = dir.File("hotline.db");
  std::unique_ptr<storage::Store> store = *storage::OpenStore(store_options);
  Executor executor(2);
  ManualClock clock(testing::SpringFestivalEve());
  std::unique_ptr<PolicyRegistry> policies = *PolicyRegistry::Open(
      *store, testing::ShippedCalendar(), DefaultPolicy(), clock.Now());
  AdminService admin(store.get(), &clock, policies.get(), nullptr, nullptr,
                     &executor);
  TicketService tickets(store.get(), &clock, policies.get(), &executor);
  v1::CreateDepartmentRequest department;
  department.set_department_id("housing");
  department.mutable_department()->set_display_name("住建局");
  std::promise<absl::Status> created_department;
  admin.CreateDepartment(Principal::Bureau(), department,
                         [&](absl::StatusOr<v1::Department> d) {
                           created_department.set_value(d.status());
                         });
  ASSERT_TRUE(created_department.get_future().get().ok());
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = ServerTest::Draft(Ticket::INQUIRY);
  create.set_dispatch_to("departments/housing");
  std::promise<absl::Status> created;
  tickets.CreateTicket(
      Principal::Bureau(), create,
      [&](absl::StatusOr<Ticket> t) { created.set_value(t.status()); });
  ASSERT_TRUE(created.get_future().get().ok());

  Sweeper sweeper(store.get(), &clock, policies.get());
  store->SetCommitListener(
      [&sweeper](const std::vector<v1::Event>&) { sweeper.Notify(); });
  sweeper.Start();
  clock.Set(Beijing(2021, 2, 20));  // past the reply deadline
  sweeper.Notify();
  // It sweeps on its own time: wait for the card (generously, for a loaded
  // machine).
  int cards = 0;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (cards == 0 && absl::Now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cards = static_cast<int>(store->QueryCards(storage::CardQuery())->size());
  }
  sweeper.Stop();
  EXPECT_EQ(cards, 1);
}

// The real binary in rehearsal mode, killed after the sweep: after a
// restart the same deadlines issue nothing again.
TEST(SweeperProcess, NoDuplicateCardsAfterACrash) {
  testing::TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string token = testing::BootstrapToken(db, "bureau");
  const std::vector<std::string> flags = {
      "--clock=manual", "--start_time=2021-02-10T09:00:00+08:00"};
  auto connect = [&token](const std::string& address) {
    ClientOptions options;
    options.target = address;
    options.token = token;
    return std::make_unique<Client>(options);
  };
  {
    testing::ServerProcess server(db, "", flags);
    std::unique_ptr<Client> client = connect(server.address());
    v1::CreateDepartmentRequest department;
    department.set_department_id("housing");
    department.mutable_department()->set_display_name("住建局");
    ASSERT_TRUE(client->CreateDepartment(department).ok());
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft(Ticket::INQUIRY);
    create.set_dispatch_to("departments/housing");
    ASSERT_TRUE(client->CreateTicket(create).ok());
    v1::AdvanceClockRequest advance;
    *advance.mutable_to() = ToProtoTime(Beijing(2021, 2, 20));
    absl::StatusOr<v1::AdvanceClockResponse> swept =
        client->AdvanceClock(advance);
    ASSERT_TRUE(swept.ok()) << swept.status();
    EXPECT_EQ(swept->yellow_cards(), 1);
    server.Kill();
  }
  testing::ServerProcess server(db, "", flags);  // the clock starts over
  std::unique_ptr<Client> client = connect(server.address());
  v1::AdvanceClockRequest advance;
  *advance.mutable_to() = ToProtoTime(Beijing(2021, 2, 21));
  absl::StatusOr<v1::AdvanceClockResponse> again =
      client->AdvanceClock(advance);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->yellow_cards(), 0);
  EXPECT_EQ(again->warnings(), 0);
  absl::StatusOr<v1::ListCardsResponse> cards =
      client->ListCards(v1::ListCardsRequest());
  ASSERT_TRUE(cards.ok());
  EXPECT_EQ(cards->cards_size(), 1);
}

}  // namespace
}  // namespace hotline

namespace hotline {
namespace {

// One sweep that settles several kinds of rule (cards, missed daily
// reports) keeps the ticket's history in the order they fell due.
TEST_F(SweeperTest, OneLongSweepKeepsHistoryInTimeOrder) {
  AdvanceTo(Beijing(2021, 3, 10, 9));
  const Ticket ticket = Create(Ticket::INQUIRY, "housing");
  Ack(*housing_, ticket);
  AdvanceTo(Beijing(2021, 3, 20, 9));
  const std::vector<Event> history = History(ticket.name());
  ASSERT_GT(history.size(), 6u);
  int cards = 0;
  for (size_t i = 1; i < history.size(); ++i) {
    cards += history[i].type() == Event::CARD_ISSUED ? 1 : 0;
    EXPECT_GE(FromProtoTime(history[i].time()),
              FromProtoTime(history[i - 1].time()))
        << "seq " << history[i].seq() << " "
        << Event::Type_Name(history[i].type()) << " comes before seq "
        << history[i - 1].seq() << " "
        << Event::Type_Name(history[i - 1].type());
  }
  EXPECT_EQ(cards, 2);
}

}  // namespace
}  // namespace hotline
