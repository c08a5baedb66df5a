// Suspension of the time limit (挂起) as pure rules, and the calendar's
// MoveByPause. Instants are hand-computed on the shipped calendar: March
// 2021 has working days Mon-Fri; Apr 3-5 2021 are off (清明节).
#include "workflow/suspension_rules.h"

#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/stat_facts.h"
#include "workflow/statistics.h"
#include "workflow/sweep_rules.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::DefaultRules;
using v1::Event;
using v1::Ticket;

ActionContext BureauAt(absl::Time now) { return {Principal::Bureau(), now}; }
ActionContext HousingAt(absl::Time now) {
  return {Principal::Department("housing"), now};
}

absl::Time T(const google::protobuf::Timestamp& timestamp) {
  return FromProtoTime(timestamp);
}

const WorkingDayCalendar& Calendar() { return testing::ShippedCalendar(); }

// Signed for at 10:00 of Mon 2021-03-01, dispatched at 09:00. A COMPLAINT
// (15 working days) is due 24:00 Mar 22, warned from 00:00 Mar 22.
Ticket InProgress(Ticket::Type type = Ticket::COMPLAINT,
                  Ticket::Urgency urgency = Ticket::NORMAL) {
  Ticket ticket;
  ticket.set_name("tickets/1");
  ticket.set_state(Ticket::RECEIVED);
  ticket.set_type(type);
  ticket.set_urgency(urgency);
  absl::StatusOr<TicketChange> dispatched =
      Dispatch(ticket, "departments/housing", "", "",
               BureauAt(Beijing(2021, 3, 1, 9, 0)), DefaultRules());
  EXPECT_TRUE(dispatched.ok()) << dispatched.status();
  absl::StatusOr<TicketChange> signed_for =
      Acknowledge(dispatched->ticket, "", HousingAt(Beijing(2021, 3, 1, 10, 0)),
                  DefaultRules());
  EXPECT_TRUE(signed_for.ok()) << signed_for.status();
  return signed_for->ticket;
}

// Asked at 10:00 and approved at 11:00 of Wed Mar 10, until `end`.
Ticket Suspended(const Ticket& ticket, absl::Time end) {
  absl::StatusOr<TicketChange> asked =
      RequestSuspension(ticket, "等待法院判决", end, "",
                        HousingAt(Beijing(2021, 3, 10, 10, 0)), DefaultRules());
  EXPECT_TRUE(asked.ok()) << asked.status();
  absl::StatusOr<TicketChange> approved = ApproveSuspension(
      asked->ticket, "", BureauAt(Beijing(2021, 3, 10, 11, 0)));
  EXPECT_TRUE(approved.ok()) << approved.status();
  return approved->ticket;
}

TEST(MoveByPause, WorkingDaysLeftCountFromTheDayAfterThePause) {
  // Paused Tue Feb 9 2021; due 24:00 Feb 10 (one working day left); resumed
  // on Feb 11, in the Spring Festival: the next working day is Feb 18.
  EXPECT_EQ(
      Calendar().MoveByPause(Beijing(2021, 2, 11), Beijing(2021, 2, 9, 10, 0),
                             Beijing(2021, 2, 11, 9, 0)),
      Beijing(2021, 2, 19));
  // Paused on the deadline's own day: only the rest of that day was left,
  // so the end of the first working day from the resumption on.
  EXPECT_EQ(
      Calendar().MoveByPause(Beijing(2021, 2, 11), Beijing(2021, 2, 10, 10, 0),
                             Beijing(2021, 2, 13, 9, 0)),
      Beijing(2021, 2, 19));
  // A deadline that had passed when the clock stopped stays.
  EXPECT_EQ(
      Calendar().MoveByPause(Beijing(2021, 2, 9), Beijing(2021, 2, 9, 10, 0),
                             Beijing(2021, 3, 1)),
      Beijing(2021, 2, 9));
  // A clock-hour deadline keeps its clock time.
  EXPECT_EQ(Calendar().MoveByPause(Beijing(2021, 3, 2, 9, 0),
                                   Beijing(2021, 3, 1, 21, 0),
                                   Beijing(2021, 3, 3, 10, 0)),
            Beijing(2021, 3, 3, 22, 0));
}

TEST(Suspension, ARequestIsCheckedAndStopsNothing) {
  const Ticket ticket = InProgress();
  const absl::Time now = Beijing(2021, 3, 10, 10, 0);
  for (absl::Time end : {now, now - absl::Hours(1),
                         now + absl::Hours(24 * 180) + absl::Seconds(1)}) {
    absl::StatusOr<TicketChange> change =
        RequestSuspension(ticket, "x", end, "", HousingAt(now), DefaultRules());
    EXPECT_EQ(change.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(change.status()), v1::SUSPENSION_TOO_LONG);
    EXPECT_NE(change.status().message().find("180"), std::string::npos)
        << change.status();
  }
  absl::StatusOr<TicketChange> asked =
      RequestSuspension(ticket, "等待征地", now + absl::Hours(24 * 180), "",
                        HousingAt(now), DefaultRules());
  ASSERT_TRUE(asked.ok()) << asked.status();
  EXPECT_EQ(asked->ticket.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(asked->ticket.reply_due_at().seconds(),
            ticket.reply_due_at().seconds());
  EXPECT_EQ(asked->ticket.pending_suspension().reason(), "等待征地");
  EXPECT_EQ(asked->ticket.pending_suspension().requested_by(),
            "department/housing");
  EXPECT_EQ(asked->event.type(), Event::SUSPENSION_REQUESTED);
  EXPECT_EQ(T(asked->event.suspension_end()), now + absl::Hours(24 * 180));
  // One at a time.
  absl::StatusOr<TicketChange> again =
      RequestSuspension(asked->ticket, "x", now + absl::Hours(48), "",
                        HousingAt(now), DefaultRules());
  EXPECT_EQ(ReasonOf(again.status()), v1::SUSPENSION_PENDING);
  // Only a ticket signed for.
  Ticket dispatched = ticket;
  dispatched.set_state(Ticket::DISPATCHED);
  again = RequestSuspension(dispatched, "x", now + absl::Hours(48), "",
                            HousingAt(now), DefaultRules());
  EXPECT_EQ(ReasonOf(again.status()), v1::TICKET_STATE);
}

TEST(Suspension, ARequestEndsWithTheAssignmentOrTheReply) {
  absl::StatusOr<TicketChange> asked =
      RequestSuspension(InProgress(), "等待法院判决", Beijing(2021, 4, 30), "",
                        HousingAt(Beijing(2021, 3, 10, 10, 0)), DefaultRules());
  ASSERT_TRUE(asked.ok());
  const ActionContext later = BureauAt(Beijing(2021, 3, 10, 11, 0));
  // Reassigned: the new department does not inherit housing's request.
  absl::StatusOr<TicketChange> moved = Dispatch(
      asked->ticket, "departments/market", "", "", later, DefaultRules());
  ASSERT_TRUE(moved.ok());
  EXPECT_FALSE(moved->ticket.has_pending_suspension());
  // Replied: no clock is left to suspend.
  absl::StatusOr<TicketChange> replied =
      Reply(asked->ticket, "已处理", Ticket::RESOLVED, "",
            HousingAt(Beijing(2021, 3, 10, 11, 0)));
  ASSERT_TRUE(replied.ok());
  EXPECT_FALSE(replied->ticket.has_pending_suspension());
}

TEST(Suspension, ApprovalStopsTheClock) {
  const absl::Time end = Beijing(2021, 3, 31);
  const Ticket t = Suspended(InProgress(), end);
  EXPECT_EQ(t.state(), Ticket::SUSPENDED);
  EXPECT_FALSE(t.has_pending_suspension());
  EXPECT_EQ(T(t.suspension().start_time()), Beijing(2021, 3, 10, 11, 0));
  EXPECT_EQ(T(t.suspension().expected_end()), end);
  EXPECT_EQ(t.suspension().approved_by(), "bureau");
  EXPECT_EQ(t.suspension_count(), 1);
  EXPECT_FALSE(t.has_daily_report_due_at());
  EXPECT_EQ(T(t.next_due_at()), end);
  // Past the old deadline (24:00 Mar 22) nothing falls.
  const SweepResult swept = Sweep(t, Beijing(2021, 3, 30), DefaultRules());
  EXPECT_TRUE(swept.steps.empty());
  // Nothing but resuming is allowed.
  EXPECT_EQ(ReasonOf(Reply(t, "done", Ticket::RESOLVED, "",
                           HousingAt(Beijing(2021, 3, 11)))
                         .status()),
            v1::TICKET_STATE);
  EXPECT_EQ(
      ReasonOf(Return(t, "x", "", HousingAt(Beijing(2021, 3, 11))).status()),
      v1::TICKET_STATE);
}

TEST(Suspension, DecisionsNeedAPendingRequest) {
  const Ticket ticket = InProgress();
  const ActionContext bureau = BureauAt(Beijing(2021, 3, 10, 11, 0));
  EXPECT_EQ(ReasonOf(ApproveSuspension(ticket, "", bureau).status()),
            v1::SUSPENSION_NOT_PENDING);
  EXPECT_EQ(ReasonOf(RejectSuspension(ticket, "x", "", bureau).status()),
            v1::SUSPENSION_NOT_PENDING);
  absl::StatusOr<TicketChange> asked =
      RequestSuspension(ticket, "x", Beijing(2021, 3, 12), "",
                        HousingAt(Beijing(2021, 3, 10, 10, 0)), DefaultRules());
  ASSERT_TRUE(asked.ok());
  // Decided after its expected end, the request has lapsed.
  absl::StatusOr<TicketChange> late =
      ApproveSuspension(asked->ticket, "", BureauAt(Beijing(2021, 3, 12)));
  EXPECT_EQ(ReasonOf(late.status()), v1::SUSPENSION_NOT_PENDING);
  EXPECT_NE(late.status().message().find("lapsed"), std::string::npos);
  absl::StatusOr<TicketChange> rejected =
      RejectSuspension(asked->ticket, "理由不充分", "", bureau);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->ticket.state(), Ticket::IN_PROGRESS);
  EXPECT_FALSE(rejected->ticket.has_pending_suspension());
  EXPECT_EQ(rejected->event.type(), Event::SUSPENSION_REJECTED);
  EXPECT_EQ(rejected->event.reason(), "理由不充分");
}

TEST(Suspension, ResumingKeepsTheWorkingDaysThatWereLeft) {
  const Ticket t = Suspended(InProgress(), Beijing(2021, 4, 30));
  // Stopped Wed Mar 10 with 8 working days left to 24:00 Mar 22 (Mar 11,
  // 12, 15-19, 22); resumed Mon Mar 29: Mar 30, 31, Apr 1, 2, 6, 7, 8, 9.
  absl::StatusOr<TicketChange> resumed =
      Resume(t, "判决已下达", "", HousingAt(Beijing(2021, 3, 29, 15, 0)),
             DefaultRules());
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  const Ticket& r = resumed->ticket;
  EXPECT_EQ(r.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(T(r.reply_due_at()), Beijing(2021, 4, 10));
  // The warning had 7 working days left (to 24:00 Mar 21).
  EXPECT_EQ(T(r.warning_at()), Beijing(2021, 4, 9));
  EXPECT_FALSE(r.has_suspension());
  EXPECT_EQ(T(r.daily_report_due_at()), Beijing(2021, 3, 30));
  EXPECT_EQ(resumed->event.type(), Event::RESUMED);
  EXPECT_EQ(resumed->event.state_before(), Ticket::SUSPENDED);
  EXPECT_EQ(resumed->event.reason(), "判决已下达");
}

TEST(Suspension, TheSweeperResumesAtTheApprovedEnd) {
  const absl::Time end = Beijing(2021, 3, 15, 9, 0);
  const Ticket t = Suspended(InProgress(), end);
  EXPECT_TRUE(
      Sweep(t, end - absl::Microseconds(1), DefaultRules()).steps.empty());
  const SweepResult swept = Sweep(t, end, DefaultRules());
  ASSERT_EQ(swept.steps.size(), 1u);
  const Event& e = *swept.steps[0].event;
  EXPECT_EQ(e.type(), Event::RESUMED);
  EXPECT_EQ(e.actor(), kSweeperActor);
  EXPECT_EQ(T(e.time()), end);
  EXPECT_EQ(swept.ticket.state(), Ticket::IN_PROGRESS);
  // 8 working days from Mon Mar 15: Mar 16-19, 22-25.
  EXPECT_EQ(T(swept.ticket.reply_due_at()), Beijing(2021, 3, 26));
  EXPECT_EQ(T(swept.ticket.next_due_at()), Beijing(2021, 3, 16));
  // Stored as changed at the resumption, however late the sweep ran.
  const SweepResult late = Sweep(t, Beijing(2021, 3, 16, 9), DefaultRules());
  ASSERT_EQ(late.steps.size(), 1u);
  EXPECT_EQ(T(late.ticket.update_time()), end);
  // The next sweep settles what fell due after it: Mar 15's daily report.
  const SweepResult next =
      Sweep(late.ticket, Beijing(2021, 3, 16, 9), DefaultRules());
  ASSERT_EQ(next.steps.size(), 1u);
  EXPECT_EQ(next.steps[0].obligation->date, "2021-03-15");
}

TEST(Suspension, CardsThatFellStayAndTheRedCardPointMoves) {
  // An INQUIRY (due 24:00 Mar 3) whose yellow card fell; the red card
  // would fall at 24:00 Mar 10.
  Ticket late = InProgress(Ticket::INQUIRY);
  const SweepResult swept =
      Sweep(late, Beijing(2021, 3, 4, 1, 0), DefaultRules());
  ASSERT_TRUE(swept.ticket.reply_overdue());
  ASSERT_EQ(swept.ticket.yellow_cards(), 1);
  ASSERT_EQ(T(swept.ticket.red_card_due_at()), Beijing(2021, 3, 11));
  const Ticket t = Suspended(swept.ticket, Beijing(2021, 4, 30));
  EXPECT_EQ(t.yellow_cards(), 1);
  // The figures: suspended, never pending-overdue.
  const StatFacts facts = TicketFacts(t, Calendar().zone());
  EXPECT_EQ(facts.counts[kSuspended], 1);
  EXPECT_EQ(facts.counts[kPendingOverdue], 0);
  const v1::Figures figures = MakeFigures(facts.counts, 1);
  EXPECT_EQ(figures.suspended(), 1);
  EXPECT_EQ(figures.pending_overdue(), 0);
  EXPECT_EQ(figures.pending_not_overdue(), 0);

  // Stopped Wed Mar 10 with none of the red card's days left but the rest
  // of Mar 10: resumed Mon Mar 15, it falls at 24:00 Mar 15.
  absl::StatusOr<TicketChange> resumed =
      Resume(t, "", "", BureauAt(Beijing(2021, 3, 15, 9, 0)), DefaultRules());
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(T(resumed->ticket.reply_due_at()), Beijing(2021, 3, 4));
  EXPECT_EQ(T(resumed->ticket.red_card_due_at()), Beijing(2021, 3, 16));
  EXPECT_EQ(resumed->ticket.yellow_cards(), 1);
  EXPECT_TRUE(resumed->ticket.reply_overdue());
  EXPECT_EQ(
      TicketFacts(resumed->ticket, Calendar().zone()).counts[kPendingOverdue],
      1);
}

TEST(Suspension, AClockHourLimitKeepsItsClockTime) {
  // URGENT: 24 clock hours, due 09:00 Mar 2. Stopped 21:00 Mar 1 with 12
  // hours left; resumed 10:00 Mar 3: due 22:00 Mar 3.
  absl::StatusOr<TicketChange> asked =
      RequestSuspension(InProgress(Ticket::HELP, Ticket::URGENT),
                        "等待检测结果", Beijing(2021, 3, 5), "",
                        HousingAt(Beijing(2021, 3, 1, 20, 0)), DefaultRules());
  ASSERT_TRUE(asked.ok());
  absl::StatusOr<TicketChange> approved = ApproveSuspension(
      asked->ticket, "", BureauAt(Beijing(2021, 3, 1, 21, 0)));
  ASSERT_TRUE(approved.ok());
  absl::StatusOr<TicketChange> resumed =
      Resume(approved->ticket, "", "", HousingAt(Beijing(2021, 3, 3, 10, 0)),
             DefaultRules());
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(T(resumed->ticket.reply_due_at()), Beijing(2021, 3, 3, 22, 0));
}

}  // namespace
}  // namespace hotline
