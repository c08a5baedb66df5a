// What a ticket contributes to the statistics, and when: the pure rules of
// workflow/stat_facts.h.
#include "workflow/stat_facts.h"

#include <functional>
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/validation.h"

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

v1::GetStatisticsRequest StatisticsRequest() {
  v1::GetStatisticsRequest request;
  request.set_from_date("2021-02-01");
  request.set_to_date("2021-03-01");
  return request;
}

// A statistics request's checks (workflow/validation.h): the period asked
// for, or INVALID_ARGUMENT naming the first field at fault, in the order
// the API documents.
TEST(StatisticsRequest, ChecksEachFieldAndNamesIt) {
  absl::StatusOr<StatPeriod> period =
      CheckStatisticsRequest(StatisticsRequest());
  ASSERT_TRUE(period.ok()) << period.status();
  EXPECT_EQ(period->from, absl::CivilDay(2021, 2, 1));
  EXPECT_EQ(period->days(), 28);

  struct Case {
    std::function<void(v1::GetStatisticsRequest&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_to_date("2021-01-01"); }, "to_date"},
      {[](auto& r) {
         r.set_department("departments/housing");
         r.set_topic("噪音");
       },
       "department"},
      {[](auto& r) { r.set_type(static_cast<Ticket::Type>(99)); }, "type"},
      {[](auto& r) { r.set_topic(std::string(201, 'x')); }, "topic"},
      {[](auto& r) { r.set_top_topics(101); }, "top_topics"},
      {[](auto& r) { r.set_top_topics(-1); }, "top_topics"},
      {[](auto& r) { r.mutable_as_of()->set_seconds(-1); }, "as_of"},
      {[](auto& r) { r.set_department("housing"); }, "department"},
      // The period is checked first, whatever else is wrong.
      {[](auto& r) {
         r.set_from_date("2021-13-01");
         r.set_top_topics(-1);
       },
       "from_date"},
  };
  for (const Case& c : cases) {
    v1::GetStatisticsRequest request = StatisticsRequest();
    c.change(request);
    absl::Status refused = CheckStatisticsRequest(request).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument)
        << request.ShortDebugString();
    std::vector<google::rpc::BadRequest::FieldViolation> fields =
        FieldViolationsOf(refused);
    ASSERT_EQ(fields.size(), 1u) << refused;
    EXPECT_EQ(fields[0].field(), c.field) << refused;
  }
  v1::GetStatisticsRequest top = StatisticsRequest();
  top.set_top_topics(kMaxTopTopics);
  top.set_type(Ticket::COMPLAINT);
  EXPECT_TRUE(CheckStatisticsRequest(top).ok());
}

}  // namespace
}  // namespace hotline
