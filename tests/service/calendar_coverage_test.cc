// The edge of the working-day calendar: the shipped schedule ends
// 2026-12-31, so a ticket dispatched late in December 2026 gets deadlines
// computed past it (provisional), the server and GetPolicy warn, and a
// calendar that covers 2027 moves those deadlines at the next start:
// before serving in rehearsal, behind the start on the real clock, and in
// any step or sweep that reaches a ticket first.
#include "workflow/calendar_coverage.h"

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "app/admin_service.h"
#include "app/calendar_update.h"
#include "app/executor.h"
#include "app/policy_registry.h"
#include "app/sweeper.h"
#include "app/ticket_service.h"
#include "client/hotline_client.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "server/hotline_server.h"
#include "storage/open_store.h"
#include "tests/support/test_support.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Event;
using v1::Ticket;

std::string ShippedCalendarText() {
  std::ifstream in(std::string(HOTLINE_DATA_DIR_FOR_TESTS) +
                   "/cn-holidays-2021-2026.csv");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shipped schedule plus New Year's Day 2027 off and a make-up working
// Saturday in February 2027 (not the official 2027 schedule: a test's).
constexpr char k2027Lines[] =
    "2027-01-01,off,元旦\n"
    "2027-02-20,workday,春节\n";

WorkingDayCalendar Calendar(const std::string& text) {
  absl::StatusOr<WorkingDayCalendar> calendar = WorkingDayCalendar::Parse(
      text, "test", testing::ShippedCalendar().zone());
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return *std::move(calendar);
}

TEST(CalendarCoverage, WarnsWithinSixtyDaysOfTheEnd) {
  const WorkingDayCalendar& shipped = testing::ShippedCalendar();
  EXPECT_EQ(CoverageWarning(shipped, Beijing(2026, 11, 1, 12)), "");
  const std::string soon = CoverageWarning(shipped, Beijing(2026, 11, 27, 12));
  EXPECT_TRUE(absl::StrContains(soon, "ends on 2026-12-31, in 34 day(s)"))
      << soon;
  const std::string past = CoverageWarning(shipped, Beijing(2027, 1, 5));
  EXPECT_TRUE(absl::StrContains(past, "ended on 2026-12-31")) << past;
}

TEST(CalendarCoverage, RecountsOnlyTheWorkingDaysPastTheOldEnd) {
  const WorkingDayCalendar old_calendar = Calendar(ShippedCalendarText());
  const WorkingDayCalendar new_calendar =
      Calendar(ShippedCalendarText() + k2027Lines);
  const v1::Policy policy = *testing::DefaultRules().policy;
  const DeadlineRules old_rules{&policy, &old_calendar};
  const DeadlineRules new_rules{&policy, &new_calendar};

  Ticket ticket;
  ticket.set_name("tickets/1");
  ticket.set_state(Ticket::DISPATCHED);
  ticket.set_type(Ticket::COMPLAINT);
  ticket.set_urgency(Ticket::NORMAL);
  ticket.set_department("departments/housing");
  const absl::Time dispatched = Beijing(2026, 12, 21, 9);
  const Deadlines deadlines =
      ComputeDeadlines(ticket.type(), ticket.urgency(), dispatched, old_rules);
  *ticket.mutable_ack_due_at() = ToProtoTime(deadlines.ack_due);
  *ticket.mutable_reply_due_at() = ToProtoTime(deadlines.reply_due);
  *ticket.mutable_warning_at() = ToProtoTime(deadlines.warning);
  *ticket.mutable_return_due_at() = ToProtoTime(deadlines.return_due);
  // 15 working days: 12-22 … 12-31 (8), 2027-01-01 taken as working, 01-04
  // … 01-08, 01-11.
  ASSERT_EQ(deadlines.reply_due, Beijing(2027, 1, 12));
  MarkProvisionalDeadlines(ticket, old_calendar);
  EXPECT_EQ(ticket.deadlines_provisional_after(), "2026-12-31");
  // Looking at the deadlines sets none that was not set.
  EXPECT_FALSE(ticket.has_red_card_due_at());
  EXPECT_FALSE(ticket.has_daily_report_due_at());

  // The new calendar knows 2027-01-01 is a day off: one day later.
  std::optional<TicketChange> moved =
      RecomputeProvisionalDeadlines(ticket, dispatched, new_rules);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(FromProtoTime(moved->ticket.reply_due_at()), Beijing(2027, 1, 13));
  EXPECT_EQ(FromProtoTime(moved->ticket.warning_at()), Beijing(2027, 1, 12));
  // The sign-for deadline (12-22 24:00) was covered: it stays.
  EXPECT_EQ(FromProtoTime(moved->ticket.ack_due_at()), deadlines.ack_due);
  EXPECT_EQ(moved->ticket.deadlines_provisional_after(), "");
  EXPECT_FALSE(moved->ticket.has_red_card_due_at());
  EXPECT_FALSE(moved->ticket.has_daily_report_due_at());
  EXPECT_EQ(moved->event.type(), Event::DEADLINES_RECOMPUTED);
  EXPECT_TRUE(absl::StrContains(
      moved->event.reason(), "reply 2027-01-12 24:00 (was 2027-01-11 24:00)"))
      << moved->event.reason();

  // Nothing to do with the same calendar, or for a ticket not marked.
  EXPECT_FALSE(
      RecomputeProvisionalDeadlines(ticket, dispatched, old_rules).has_value());
  EXPECT_FALSE(
      RecomputeProvisionalDeadlines(moved->ticket, dispatched, new_rules)
          .has_value());
}

class CalendarCoverageServerTest : public ServerTest {
 protected:
  void SetUp() override {
    clock_.Set(Beijing(2026, 12, 21, 9));
    ServerTest::SetUp();
    CreateDepartment("housing");
  }

  Ticket Get(const std::string& name) {
    v1::GetTicketRequest get;
    get.set_name(name);
    absl::StatusOr<Ticket> ticket = bureau().GetTicket(get);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }
};

TEST_F(CalendarCoverageServerTest, ANewScheduleMovesProvisionalDeadlines) {
  absl::StatusOr<v1::Policy> policy = bureau().GetPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(absl::StrContains(policy->calendar_warning(), "2026-12-31"))
      << policy->calendar_warning();

  const Ticket created = CreateTicket("housing");
  EXPECT_EQ(created.deadlines_provisional_after(), "2026-12-31");
  EXPECT_EQ(FromProtoTime(created.reply_due_at()), Beijing(2027, 1, 12));
  const Ticket covered = CreateTicket();  // not dispatched: no deadline
  EXPECT_EQ(covered.deadlines_provisional_after(), "");

  // The bureau adds 2027's schedule and restarts.
  const std::string path = dir_.File("calendar-2027.csv");
  std::ofstream(path) << ShippedCalendarText() << k2027Lines;
  options_.calendar_path = path;
  RestartServer();

  const Ticket moved = Get(created.name());
  EXPECT_EQ(FromProtoTime(moved.reply_due_at()), Beijing(2027, 1, 13));
  EXPECT_EQ(moved.deadlines_provisional_after(), "");
  const std::vector<Event> history = History(created.name());
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type(), Event::DEADLINES_RECOMPUTED);
  EXPECT_EQ(history.back().actor(), kCalendarActor);

  // Another restart with the same calendar recomputes nothing again.
  RestartServer();
  EXPECT_EQ(History(created.name()).size(), history.size());

  // The old deadline (2027-01-11 24:00) passes: no card; the figures agree.
  v1::AdvanceClockResponse advanced = AdvanceTo(Beijing(2027, 1, 12, 10));
  EXPECT_EQ(advanced.yellow_cards(), 0);
  v1::GetStatisticsRequest statistics;
  statistics.set_from_date("2026-12-01");
  statistics.set_to_date("2027-01-01");
  *statistics.mutable_as_of() = ToProtoTime(Beijing(2027, 1, 12, 10));
  absl::StatusOr<v1::Statistics> figures = bureau().GetStatistics(statistics);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->total().pending_overdue(), 0);
  // The new one passes: the card falls then.
  advanced = AdvanceTo(Beijing(2027, 1, 13, 10));
  EXPECT_EQ(advanced.yellow_cards(), 1);
}

// The answer of a use case that answers through a callback.
template <typename T, typename Call>
absl::StatusOr<T> Await(Call call) {
  std::promise<absl::StatusOr<T>> promise;
  call([&promise](absl::StatusOr<T> answer) {
    promise.set_value(std::move(answer));
  });
  return promise.get_future().get();
}

// Before the walk behind the start reaches a ticket, a step on it or a
// sweep of it counts its deadlines on the new calendar first: nothing acts
// on a deadline the new calendar moved.
TEST(CalendarCoverageCatchUp, AStepOrASweepCountsOnTheNewCalendarFirst) {
  testing::TempDir dir;
  storage::StoreOptions store_options;
  store_options.path = dir.File("hotline.db");
  std::unique_ptr<storage::Store> store = *storage::OpenStore(store_options);
  Executor executor(2);
  ManualClock clock(Beijing(2026, 12, 21, 9));
  std::vector<std::string> names;
  {
    std::unique_ptr<PolicyRegistry> policies = *PolicyRegistry::Open(
        *store, Calendar(ShippedCalendarText()), DefaultPolicy(), clock.Now());
    AdminService admin(store.get(), &clock, policies.get(), nullptr, nullptr,
                       &executor);
    v1::CreateDepartmentRequest department;
    department.set_department_id("housing");
    department.mutable_department()->set_display_name("住建局");
    ASSERT_TRUE(Await<v1::Department>([&](auto done) {
                  admin.CreateDepartment(Principal::Bureau(), department,
                                         std::move(done));
                }).ok());
    TicketService tickets(store.get(), &clock, policies.get(), &executor);
    for (int i = 0; i < 2; ++i) {
      v1::CreateTicketRequest create;
      *create.mutable_ticket() = ServerTest::Draft();
      create.set_dispatch_to("departments/housing");
      absl::StatusOr<Ticket> created = Await<Ticket>([&](auto done) {
        tickets.CreateTicket(Principal::Bureau(), create, std::move(done));
      });
      ASSERT_TRUE(created.ok()) << created.status();
      ASSERT_EQ(created->deadlines_provisional_after(), "2026-12-31");
      ASSERT_EQ(FromProtoTime(created->reply_due_at()), Beijing(2027, 1, 12));
      names.push_back(created->name());
    }
  }

  // The bureau's 2027 schedule is in force; nothing has walked the tickets.
  std::unique_ptr<PolicyRegistry> policies = *PolicyRegistry::Open(
      *store, Calendar(ShippedCalendarText() + k2027Lines), DefaultPolicy(),
      clock.Now());
  TicketService tickets(store.get(), &clock, policies.get(), &executor);
  v1::AcknowledgeTicketRequest acknowledge;
  acknowledge.set_name(names[0]);
  // With the etag the department read: the catch-up is the server's own
  // change, not one the caller missed.
  absl::StatusOr<std::optional<Ticket>> read =
      store->LoadTicket(storage::TicketIdOfName(names[0]));
  ASSERT_TRUE(read.ok() && read->has_value());
  acknowledge.set_etag((*read)->etag());
  absl::StatusOr<Ticket> signed_for = Await<Ticket>([&](auto done) {
    tickets.AcknowledgeTicket(Principal::Department("housing"), acknowledge,
                              std::move(done));
  });
  ASSERT_TRUE(signed_for.ok()) << signed_for.status();
  EXPECT_EQ(FromProtoTime(signed_for->reply_due_at()), Beijing(2027, 1, 13));
  EXPECT_EQ(signed_for->deadlines_provisional_after(), "");
  absl::StatusOr<std::vector<Event>> history =
      store->QueryTicketEvents(storage::TicketIdOfName(names[0]), 0, 100);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_GE(history->size(), 2u);
  EXPECT_EQ((*history)[history->size() - 2].type(),
            Event::DEADLINES_RECOMPUTED);
  EXPECT_EQ(history->back().type(), Event::ACKNOWLEDGED);

  // The second ticket, never stepped on: the old deadline (2027-01-11
  // 24:00) passes without a card, the new one (01-12 24:00) gives one.
  Sweeper sweeper(store.get(), &clock, policies.get());
  absl::StatusOr<Sweeper::Counts> swept =
      sweeper.SweepDue(Beijing(2027, 1, 12, 10));
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->yellow_cards, 0);
  absl::StatusOr<std::optional<Ticket>> second =
      store->LoadTicket(storage::TicketIdOfName(names[1]));
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ(FromProtoTime((*second)->reply_due_at()), Beijing(2027, 1, 13));
  swept = sweeper.SweepDue(Beijing(2027, 1, 13, 10));
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->yellow_cards, 2);

  // The walk finds nothing left to move, and records the coverage.
  absl::StatusOr<int> moved = ApplyCalendarCoverage(*store, *policies);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, 0);
  EXPECT_EQ(*store->LoadSetting(storage::kCalendarCoverageSetting),
            "2027-12-31");
}

// A clock that is not the rehearsal's (so the server runs as on the real
// clock) standing at one instant.
class StillClock final : public Clock {
 public:
  explicit StillClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override { return now_; }

 private:
  const absl::Time now_;
};

// On the real clock the server serves at once and moves the deadlines
// behind the start, each open ticket once, and records the coverage (so
// the next start walks nothing).
TEST(CalendarCoverageBehindTheStart, TheServerMovesDeadlinesWhileServing) {
  testing::TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string token = testing::BootstrapToken(db, "bureau");
  StillClock clock(Beijing(2026, 12, 21, 9));
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = db;
  auto connect = [&token](const HotlineServer& server) {
    ClientOptions client_options;
    client_options.target = server.address();
    client_options.token = token;
    return std::make_unique<Client>(client_options);
  };
  std::vector<std::string> names;
  {
    std::unique_ptr<HotlineServer> server =
        *HotlineServer::Start(options, &clock);
    std::unique_ptr<Client> bureau = connect(*server);
    v1::CreateDepartmentRequest department;
    department.set_department_id("housing");
    department.mutable_department()->set_display_name("住建局");
    ASSERT_TRUE(bureau->CreateDepartment(department).ok());
    for (int i = 0; i < 3; ++i) {
      v1::CreateTicketRequest create;
      *create.mutable_ticket() = ServerTest::Draft();
      create.set_dispatch_to("departments/housing");
      absl::StatusOr<Ticket> created = bureau->CreateTicket(create);
      ASSERT_TRUE(created.ok()) << created.status();
      ASSERT_EQ(created->deadlines_provisional_after(), "2026-12-31");
      names.push_back(created->name());
    }
  }

  const std::string path = dir.File("calendar-2027.csv");
  std::ofstream(path) << ShippedCalendarText() << k2027Lines;
  options.calendar_path = path;
  auto history_of = [](Client& client, const std::string& name) {
    v1::ListTicketEventsRequest list;
    list.set_parent(name);
    list.set_page_size(100);
    absl::StatusOr<v1::ListTicketEventsResponse> events =
        client.ListTicketEvents(list);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? std::vector<Event>(events->events().begin(),
                                            events->events().end())
                       : std::vector<Event>();
  };
  {
    std::unique_ptr<HotlineServer> server =
        *HotlineServer::Start(options, &clock);
    std::unique_ptr<Client> bureau = connect(*server);
    // Served while the walk goes on; wait for it (generously, for a loaded
    // machine) by the last ticket it reaches.
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    for (const std::string& name : names) {
      Ticket ticket;
      do {
        v1::GetTicketRequest get;
        get.set_name(name);
        absl::StatusOr<Ticket> read = bureau->GetTicket(get);
        ASSERT_TRUE(read.ok()) << read.status();
        ticket = *read;
        if (ticket.deadlines_provisional_after().empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } while (absl::Now() < give_up);
      EXPECT_EQ(FromProtoTime(ticket.reply_due_at()), Beijing(2027, 1, 13))
          << name;
      const std::vector<Event> history = history_of(*bureau, name);
      ASSERT_FALSE(history.empty());
      EXPECT_EQ(history.back().type(), Event::DEADLINES_RECOMPUTED);
      EXPECT_EQ(history.back().actor(), kCalendarActor);
    }
  }
  // The walk recorded the coverage when it ended (so the next start walks
  // nothing) and moved each ticket once.
  storage::StoreOptions store_options;
  store_options.path = db;
  std::unique_ptr<storage::Store> store = *storage::OpenStore(store_options);
  EXPECT_EQ(*store->LoadSetting(storage::kCalendarCoverageSetting),
            "2027-12-31");
  for (const std::string& name : names) {
    absl::StatusOr<std::vector<Event>> events =
        store->QueryTicketEvents(storage::TicketIdOfName(name), 0, 100);
    ASSERT_TRUE(events.ok()) << events.status();
    int recomputed = 0;
    for (const Event& e : *events) {
      recomputed += e.type() == Event::DEADLINES_RECOMPUTED;
    }
    EXPECT_EQ(recomputed, 1) << name;
  }
}

}  // namespace
}  // namespace hotline
