// Review of returns (派单异议审核) as pure rules: a refused return gives the
// ticket back with its first dispatch's deadlines; what fell due meanwhile
// falls at the refusal. Instants are hand-computed on the shipped calendar
// (2021-03: Mon 1 .. Fri 5, Mon 8 .. Fri 12 are working days).
#include "workflow/return_review_rules.h"

#include <string>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/daily_report_rules.h"
#include "workflow/stat_facts.h"
#include "workflow/sweep_rules.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::DefaultRules;
using v1::Card;
using v1::Event;
using v1::Ticket;

ActionContext BureauAt(absl::Time now) { return {Principal::Bureau(), now}; }
ActionContext HousingAt(absl::Time now) {
  return {Principal::Department("housing"), now};
}

absl::Time T(const google::protobuf::Timestamp& timestamp) {
  return FromProtoTime(timestamp);
}

// An INQUIRY (2 working days) dispatched to housing Mon 2021-03-01 09:00:
// sign-for and return window until 24:00 Mar 2, warning from 00:00 Mar 3,
// reply until 24:00 Mar 3.
Ticket Dispatched() {
  Ticket ticket;
  ticket.set_name("tickets/1");
  ticket.set_state(Ticket::RECEIVED);
  ticket.set_type(Ticket::INQUIRY);
  ticket.set_urgency(Ticket::NORMAL);
  absl::StatusOr<TicketChange> change =
      Dispatch(ticket, "departments/housing", "", "",
               BureauAt(Beijing(2021, 3, 1, 9, 0)), DefaultRules());
  EXPECT_TRUE(change.ok()) << change.status();
  return change->ticket;
}

// The same, signed for at 10:00 and returned at 11:00.
Ticket SignedForAndReturned() {
  absl::StatusOr<TicketChange> signed_for = Acknowledge(
      Dispatched(), "", HousingAt(Beijing(2021, 3, 1, 10, 0)), DefaultRules());
  EXPECT_TRUE(signed_for.ok()) << signed_for.status();
  absl::StatusOr<TicketChange> returned =
      Return(signed_for->ticket, "属于市场监管局", "",
             HousingAt(Beijing(2021, 3, 1, 11, 0)));
  EXPECT_TRUE(returned.ok()) << returned.status();
  return returned->ticket;
}

TEST(ReturnReview, AReturnKeepsTheAssignmentForReview) {
  const Ticket returned = SignedForAndReturned();
  EXPECT_EQ(returned.state(), Ticket::RETURNED);
  EXPECT_EQ(returned.department(), "");
  EXPECT_FALSE(returned.has_reply_due_at());
  const v1::PendingReturn& saved = returned.pending_return();
  EXPECT_EQ(saved.department(), "departments/housing");
  EXPECT_EQ(saved.reason(), "属于市场监管局");
  EXPECT_EQ(saved.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(T(saved.return_time()), Beijing(2021, 3, 1, 11, 0));
  EXPECT_EQ(T(saved.acknowledged_at()), Beijing(2021, 3, 1, 10, 0));
  EXPECT_EQ(T(saved.reply_due_at()), Beijing(2021, 3, 4));
}

TEST(ReturnReview, ARefusalGivesTheTicketBackWithItsFirstDeadlines) {
  const absl::Time refused_at = Beijing(2021, 3, 2, 9, 0);
  absl::StatusOr<TicketChange> change =
      RefuseReturn(SignedForAndReturned(), "属于本单位职责", "",
                   BureauAt(refused_at), DefaultRules());
  ASSERT_TRUE(change.ok()) << change.status();
  const Ticket& t = change->ticket;
  EXPECT_EQ(t.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(t.department(), "departments/housing");
  EXPECT_EQ(T(t.dispatched_at()), Beijing(2021, 3, 1, 9, 0));
  EXPECT_EQ(T(t.acknowledged_at()), Beijing(2021, 3, 1, 10, 0));
  EXPECT_EQ(T(t.reply_due_at()), Beijing(2021, 3, 4));
  EXPECT_EQ(T(t.warning_at()), Beijing(2021, 3, 3));
  EXPECT_EQ(T(t.return_due_at()), Beijing(2021, 3, 3));
  EXPECT_EQ(t.return_count(), 1);
  EXPECT_EQ(t.refused_return_count(), 1);
  EXPECT_EQ(T(t.return_refused_at()), refused_at);
  EXPECT_FALSE(t.has_pending_return());
  // Daily reports are owed again from the refusal's day: 24:00 Mar 2.
  EXPECT_EQ(T(t.daily_report_due_at()), Beijing(2021, 3, 3));
  EXPECT_EQ(T(t.next_due_at()), Beijing(2021, 3, 3));
  const Event& e = change->event;
  EXPECT_EQ(e.type(), Event::RETURN_REFUSED);
  EXPECT_EQ(e.state_before(), Ticket::RETURNED);
  EXPECT_EQ(e.state_after(), Ticket::IN_PROGRESS);
  EXPECT_EQ(e.department(), "departments/housing");
  EXPECT_EQ(e.reason(), "属于本单位职责");
  EXPECT_EQ(e.actor(), "bureau");
}

TEST(ReturnReview, ATicketReturnedBeforeSignForGoesBackUnsigned) {
  absl::StatusOr<TicketChange> returned = Return(
      Dispatched(), "不属于本单位", "", HousingAt(Beijing(2021, 3, 1, 9, 30)));
  ASSERT_TRUE(returned.ok());
  absl::StatusOr<TicketChange> change =
      RefuseReturn(returned->ticket, "请签收办理", "",
                   BureauAt(Beijing(2021, 3, 1, 14, 0)), DefaultRules());
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->ticket.state(), Ticket::DISPATCHED);
  EXPECT_FALSE(change->ticket.has_acknowledged_at());
  EXPECT_EQ(T(change->ticket.ack_due_at()), Beijing(2021, 3, 3));
  EXPECT_FALSE(change->ticket.has_daily_report_due_at());
}

TEST(ReturnReview, DispatchingAReturnedTicketAcceptsTheReturn) {
  absl::StatusOr<TicketChange> change =
      Dispatch(SignedForAndReturned(), "departments/market", "", "",
               BureauAt(Beijing(2021, 3, 1, 14, 0)), DefaultRules());
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_FALSE(change->ticket.has_pending_return());
  EXPECT_EQ(change->ticket.refused_return_count(), 0);
  // Then there is nothing to refuse.
  absl::StatusOr<TicketChange> refused =
      RefuseReturn(change->ticket, "x", "",
                   BureauAt(Beijing(2021, 3, 1, 15, 0)), DefaultRules());
  EXPECT_EQ(ReasonOf(refused.status()), v1::TICKET_STATE);
}

TEST(ReturnReview, RefusalsThatCannotBe) {
  // Returned before returns were kept: nothing to give back.
  Ticket old = SignedForAndReturned();
  old.clear_pending_return();
  absl::StatusOr<TicketChange> change =
      RefuseReturn(old, "x", "", BureauAt(Beijing(2021, 3, 2)), DefaultRules());
  EXPECT_EQ(change.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(change.status()), v1::RETURN_NOT_REVIEWABLE);
  EXPECT_NE(change.status().message().find("DispatchTicket"),
            std::string::npos);
  // A stale etag.
  Ticket returned = SignedForAndReturned();
  returned.set_etag("7");
  change = RefuseReturn(returned, "x", "6", BureauAt(Beijing(2021, 3, 2)),
                        DefaultRules());
  EXPECT_EQ(change.status().code(), absl::StatusCode::kAborted);
  // A ticket that is not RETURNED.
  change = RefuseReturn(Dispatched(), "x", "", BureauAt(Beijing(2021, 3, 2)),
                        DefaultRules());
  EXPECT_EQ(ReasonOf(change.status()), v1::TICKET_STATE);
}

TEST(ReturnReview, WhatFellDueWhileWithTheBureauFallsAtTheRefusal) {
  // Refused on Mon Mar 8, after the warning (Mar 3) and the reply deadline
  // (24:00 Mar 3) passed.
  const absl::Time refused_at = Beijing(2021, 3, 8, 10, 0);
  absl::StatusOr<TicketChange> change =
      RefuseReturn(SignedForAndReturned(), "属于本单位职责", "",
                   BureauAt(refused_at), DefaultRules());
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(T(change->ticket.next_due_at()), Beijing(2021, 3, 3));
  const SweepResult swept =
      Sweep(change->ticket, Beijing(2021, 3, 8, 10, 0, 1), DefaultRules());
  ASSERT_EQ(swept.steps.size(), 2u);
  EXPECT_EQ(swept.steps[0].event->type(), Event::DUE_SOON);
  EXPECT_EQ(T(swept.steps[0].event->time()), refused_at);
  ASSERT_TRUE(swept.steps[1].card.has_value());
  EXPECT_EQ(swept.steps[1].card->color(), Card::YELLOW);
  EXPECT_EQ(T(swept.steps[1].card->issue_time()), refused_at);
  EXPECT_NE(swept.steps[1].card->reason().find("return was refused"),
            std::string::npos)
      << swept.steps[1].card->reason();
  // The red card counts from the deadline itself: 5 working days after
  // Mar 3 (Mar 4, 5, 8, 9, 10).
  EXPECT_EQ(T(swept.ticket.red_card_due_at()), Beijing(2021, 3, 11));

  // The figures count the ticket overdue from the refusal, not from the
  // deadline (it was with the bureau then).
  const std::vector<TimedFacts> stats = TicketStatChanges(
      &change->ticket, swept.ticket, testing::ShippedCalendar().zone());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.front().at, refused_at);
  ASSERT_TRUE(stats.front().after.has_value());
  EXPECT_EQ(stats.front().after->counts[kPendingOverdue], 1);
}

TEST(ReturnReview, ARefusalCountsAgainstTheDepartmentThatReturned) {
  const Ticket returned = SignedForAndReturned();
  absl::StatusOr<TicketChange> change =
      RefuseReturn(returned, "属于本单位职责", "",
                   BureauAt(Beijing(2021, 3, 2, 9, 0)), DefaultRules());
  ASSERT_TRUE(change.ok());
  const std::vector<TimedFacts> stats = TicketStatChanges(
      &returned, change->ticket, testing::ShippedCalendar().zone());
  int refused = 0;
  int returns = 0;
  for (const TimedFacts& f : stats) {
    if (!f.after) continue;
    const int64_t before = f.before ? f.before->counts[kRefusedReturns] : 0;
    if (f.after->counts[kRefusedReturns] - before == 1) {
      ++refused;
      EXPECT_EQ(f.after->department, "departments/housing");
      EXPECT_EQ(f.at, Beijing(2021, 3, 2, 9, 0));
    }
    returns +=
        f.after->counts[kReturns] - (f.before ? f.before->counts[kReturns] : 0);
  }
  EXPECT_EQ(refused, 1);
  // The return itself was counted when it was made, not again.
  EXPECT_EQ(returns, 0);
}

}  // namespace
}  // namespace hotline
