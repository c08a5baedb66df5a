// What a ticket contributes to the statistics, and when: the pure rules of
// workflow/stat_facts.h.
#include "workflow/stat_facts.h"

#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"

namespace hotline {
namespace {

using testing::Beijing;
using v1::Ticket;

absl::TimeZone Zone() { return testing::ShippedCalendar().zone(); }

// An INQUIRY received and dispatched Feb 1, due 24:00 Feb 3, signed for.
Ticket InProgress() {
  Ticket t;
  t.set_name("tickets/1");
  t.set_type(Ticket::INQUIRY);
  t.set_topic("物业管理");
  t.set_state(Ticket::IN_PROGRESS);
  t.set_department("departments/housing");
  t.set_dispatch_count(1);
  *t.mutable_received_at() = ToProtoTime(Beijing(2021, 1, 31, 23, 59, 59));
  *t.mutable_create_time() = ToProtoTime(Beijing(2021, 2, 1, 9, 0));
  *t.mutable_update_time() = ToProtoTime(Beijing(2021, 2, 1, 9, 0));
  *t.mutable_reply_due_at() = ToProtoTime(Beijing(2021, 2, 4));
  return t;
}

TEST(StatFacts, ATicketCountsOnTheDayItWasReceived) {
  const StatFacts f = TicketFacts(InProgress(), Zone());
  EXPECT_EQ(DayOfNumber(f.day), absl::CivilDay(2021, 1, 31));
  EXPECT_EQ(f.department, "departments/housing");
  EXPECT_EQ(f.type, "INQUIRY");
  EXPECT_EQ(f.counts[kReceived], 1);
  EXPECT_EQ(f.counts[kForwarded], 1);
  EXPECT_EQ(f.counts[kReplied], 0);
  EXPECT_EQ(f.counts[kPendingOverdue], 0);

  // A new ticket counts from when it was received.
  const std::vector<TimedFacts> created =
      TicketStatChanges(nullptr, InProgress(), Zone());
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].at, Beijing(2021, 1, 31, 23, 59, 59));
  EXPECT_FALSE(created[0].before.has_value());
}

TEST(StatFacts, OnTimeMeansByTheDeadlineItself) {
  Ticket t = InProgress();
  t.set_state(Ticket::REPLIED);
  *t.mutable_replied_at() = ToProtoTime(Beijing(2021, 2, 4));  // 24:00 Feb 3
  EXPECT_EQ(TicketFacts(t, Zone()).counts[kRepliedOnTime], 1);
  *t.mutable_replied_at() = ToProtoTime(Beijing(2021, 2, 4, 0, 0, 1));
  EXPECT_EQ(TicketFacts(t, Zone()).counts[kRepliedOnTime], 0);
  EXPECT_EQ(TicketFacts(t, Zone()).counts[kReplied], 1);
  // Closed: the rating counts too; reopened: nothing replied any more.
  t.set_state(Ticket::CLOSED);
  t.set_satisfaction(Ticket::DISSATISFIED);
  EXPECT_EQ(TicketFacts(t, Zone()).counts[kDissatisfied], 1);
  t.set_state(Ticket::IN_PROGRESS);
  EXPECT_TRUE((StatVector(TicketFacts(t, Zone()).counts) -=
               TicketFacts(InProgress(), Zone()).counts)
                  .IsZero());
}

TEST(StatFacts, OverdueCountsFromTheDeadlineHoweverLateTheSweep) {
  // The sweeper marks the deadline passed only on Feb 6.
  Ticket swept = InProgress();
  swept.set_reply_overdue(true);
  *swept.mutable_update_time() = ToProtoTime(Beijing(2021, 2, 6, 8, 0));
  const Ticket open = InProgress();
  std::vector<TimedFacts> changes = TicketStatChanges(&open, swept, Zone());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].at, Beijing(2021, 2, 4));
  EXPECT_EQ(changes[0].after->counts[kPendingOverdue], 1);

  // A late reply stored together with the sweep that preceded it: overdue
  // from the deadline, then replied late at the reply.
  Ticket replied = swept;
  replied.set_state(Ticket::REPLIED);
  *replied.mutable_replied_at() = ToProtoTime(Beijing(2021, 2, 6, 8, 0));
  changes = TicketStatChanges(&open, replied, Zone());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].at, Beijing(2021, 2, 4));
  EXPECT_EQ(changes[0].after->counts[kPendingOverdue], 1);
  EXPECT_EQ(changes[1].at, Beijing(2021, 2, 6, 8, 0));
  EXPECT_EQ(changes[1].after->counts[kPendingOverdue], 0);
  EXPECT_EQ(changes[1].after->counts[kReplied], 1);
  EXPECT_EQ(changes[1].after->counts[kRepliedOnTime], 0);
}

TEST(StatFacts, AChangeThatCountsNothingNewRecordsNothing) {
  Ticket reported = InProgress();
  reported.set_last_report_date("2021-02-01");
  *reported.mutable_update_time() = ToProtoTime(Beijing(2021, 2, 1, 17, 0));
  const Ticket open = InProgress();
  EXPECT_TRUE(TicketStatChanges(&open, reported, Zone()).empty());
}

// A return (退单) is the returning department's act: it counts in housing's
// row, from the moment of the return, on the day the ticket was received;
// the ticket itself moves to nobody's row with no return of its own.
TEST(StatFacts, AReturnCountsForTheDepartmentThatReturned) {
  const Ticket held = InProgress();
  Ticket returned = held;
  returned.set_state(Ticket::RETURNED);
  returned.clear_department();
  returned.set_return_count(1);
  *returned.mutable_update_time() = ToProtoTime(Beijing(2021, 2, 2, 10, 0));
  const std::vector<TimedFacts> changes =
      TicketStatChanges(&held, returned, Zone());
  int64_t housing_returns = 0, nobody_returns = 0;
  for (const TimedFacts& change : changes) {
    EXPECT_EQ(change.at, Beijing(2021, 2, 2, 10, 0));
    for (const auto& [facts, sign] :
         {std::make_pair(change.before, -1), std::make_pair(change.after, 1)}) {
      if (!facts) continue;
      EXPECT_EQ(DayOfNumber(facts->day), absl::CivilDay(2021, 1, 31));
      (facts->department == "departments/housing" ? housing_returns
                                                  : nobody_returns) +=
          sign * facts->counts[kReturns];
    }
  }
  EXPECT_EQ(housing_returns, 1);
  EXPECT_EQ(nobody_returns, 0);
  EXPECT_EQ(TicketFacts(returned, Zone()).counts[kReturns], 0);
}

TEST(StatFacts, ARevokedCardCountsNothing) {
  v1::Card card;
  card.set_department("departments/market");
  card.set_color(v1::Card::RED);
  *card.mutable_issue_time() = ToProtoTime(Beijing(2021, 2, 10));
  std::optional<StatFacts> active =
      CardFacts(card, Ticket::HELP, "道路交通", Zone());
  ASSERT_TRUE(active.has_value());
  EXPECT_EQ(DayOfNumber(active->day), absl::CivilDay(2021, 2, 10));
  EXPECT_EQ(active->counts[kRedCards], 1);
  EXPECT_EQ(active->counts[kYellowCards], 0);
  *card.mutable_revoke_time() = ToProtoTime(Beijing(2021, 2, 11));
  EXPECT_FALSE(CardFacts(card, Ticket::HELP, "道路交通", Zone()).has_value());
}

}  // namespace
}  // namespace hotline
