// The edge of the working-day calendar: the shipped schedule ends
// 2026-12-31, so a ticket dispatched late in December 2026 gets deadlines
// computed past it (provisional), the server and GetPolicy warn, and a
// calendar that covers 2027 moves those deadlines at the next start.
#include "workflow/calendar_coverage.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

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

}  // namespace
}  // namespace hotline
