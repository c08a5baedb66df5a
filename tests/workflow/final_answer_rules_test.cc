// Final answers (最终答复) as pure rules: given, decided, and closing a
// repeat of an answered demand without a dispatch; and what such a ticket
// counts as in the figures.
#include "workflow/final_answer_rules.h"

#include <string>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/stat_facts.h"
#include "workflow/statistics.h"

namespace hotline {
namespace {

using testing::Beijing;
using v1::Event;
using v1::FinalAnswer;
using v1::Ticket;

const absl::Time kNow = Beijing(2021, 3, 10, 10, 0);
ActionContext Bureau() { return {Principal::Bureau(), kNow}; }
ActionContext Housing() { return {Principal::Department("housing"), kNow}; }

// Ticket 1: housing's, replied; the caller is 138 0000 0000.
Ticket Answered() {
  Ticket t;
  t.set_name("tickets/1");
  t.set_etag("4");
  t.set_state(Ticket::REPLIED);
  t.set_department("departments/housing");
  t.set_caller_phone("138 0000 0000");
  return t;
}

// Ticket 2: the same caller again, not dispatched.
Ticket Repeat(const std::string& phone = "138 0000 0000") {
  Ticket t;
  t.set_name("tickets/2");
  t.set_etag("1");
  t.set_state(Ticket::RECEIVED);
  t.set_type(Ticket::COMPLAINT);
  t.set_caller_phone(phone);
  *t.mutable_received_at() = ToProtoTime(kNow - absl::Hours(1));
  *t.mutable_create_time() = ToProtoTime(kNow - absl::Hours(1));
  return t;
}

Ticket Approved() {
  absl::StatusOr<TicketChange> given =
      SubmitFinalAnswer(Answered(), "已依法答复完毕",
                        "《信访工作条例》第三十五条", "", Housing());
  EXPECT_TRUE(given.ok()) << given.status();
  absl::StatusOr<TicketChange> approved =
      ApproveFinalAnswer(given->ticket, "", Bureau());
  EXPECT_TRUE(approved.ok()) << approved.status();
  return approved->ticket;
}

TEST(FinalAnswer, GivenThenDecided) {
  absl::StatusOr<TicketChange> given =
      SubmitFinalAnswer(Answered(), "已依法答复完毕",
                        "《信访工作条例》第三十五条", "", Housing());
  ASSERT_TRUE(given.ok()) << given.status();
  const FinalAnswer& f = given->ticket.final_answer();
  EXPECT_EQ(f.state(), FinalAnswer::PENDING);
  EXPECT_EQ(f.department(), "departments/housing");
  EXPECT_EQ(f.submitted_by(), "department/housing");
  EXPECT_EQ(given->ticket.state(), Ticket::REPLIED);
  EXPECT_EQ(given->event.type(), Event::FINAL_ANSWER_SUBMITTED);
  EXPECT_EQ(given->event.reply_text(), "已依法答复完毕");
  // One at a time.
  EXPECT_EQ(
      ReasonOf(
          SubmitFinalAnswer(given->ticket, "x", "y", "", Housing()).status()),
      v1::FINAL_ANSWER_EXISTS);
  // Rejected, another may be given.
  absl::StatusOr<TicketChange> rejected =
      RejectFinalAnswer(given->ticket, "依据不充分", "", Bureau());
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->ticket.final_answer().state(), FinalAnswer::REJECTED);
  EXPECT_EQ(rejected->ticket.final_answer().reject_reason(), "依据不充分");
  EXPECT_EQ(rejected->event.type(), Event::FINAL_ANSWER_REJECTED);
  EXPECT_EQ(
      ReasonOf(ApproveFinalAnswer(rejected->ticket, "", Bureau()).status()),
      v1::FINAL_ANSWER_NOT_APPROVED);
  absl::StatusOr<TicketChange> again = SubmitFinalAnswer(
      rejected->ticket, "补充答复", "《条例》", "", Housing());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ticket.final_answer().state(), FinalAnswer::PENDING);
  EXPECT_EQ(again->ticket.final_answer().reject_reason(), "");
  // Approved, it stays.
  const Ticket approved = Approved();
  EXPECT_EQ(approved.final_answer().state(), FinalAnswer::APPROVED);
  EXPECT_EQ(approved.final_answer().decided_by(), "bureau");
  EXPECT_EQ(
      ReasonOf(SubmitFinalAnswer(approved, "x", "y", "", Housing()).status()),
      v1::FINAL_ANSWER_EXISTS);
}

TEST(FinalAnswer, OnlyOnATicketBeingOrAlreadyAnswered) {
  for (Ticket::State state :
       {Ticket::RECEIVED, Ticket::DISPATCHED, Ticket::RETURNED,
        Ticket::SUSPENDED, Ticket::CLOSED}) {
    Ticket t = Answered();
    t.set_state(state);
    EXPECT_EQ(ReasonOf(SubmitFinalAnswer(t, "x", "y", "", Housing()).status()),
              v1::TICKET_STATE)
        << Ticket::State_Name(state);
  }
}

TEST(FinalAnswer, ARepeatIsClosedWithoutADispatch) {
  absl::StatusOr<TicketChange> closed =
      CloseByFinalAnswer(Repeat(), Approved(), "重复诉求", "", Bureau());
  ASSERT_TRUE(closed.ok()) << closed.status();
  const Ticket& t = closed->ticket;
  EXPECT_EQ(t.state(), Ticket::CLOSED);
  EXPECT_EQ(t.closed_by_final_answer(), "tickets/1");
  EXPECT_EQ(t.reply_text(), "已依法答复完毕");
  EXPECT_EQ(t.department(), "");
  EXPECT_EQ(FromProtoTime(t.closed_at()), kNow);
  EXPECT_EQ(closed->event.type(), Event::CLOSED_BY_FINAL_ANSWER);
  EXPECT_EQ(closed->event.final_answer_ticket(), "tickets/1");
  EXPECT_EQ(closed->event.reason(), "重复诉求");

  // Counted as closed by final answer: not replied, not pending.
  const StatFacts facts = TicketFacts(t, testing::ShippedCalendar().zone());
  EXPECT_EQ(facts.counts[kReceived], 1);
  EXPECT_EQ(facts.counts[kClosedByFinalAnswer], 1);
  EXPECT_EQ(facts.counts[kReplied], 0);
  EXPECT_EQ(facts.counts[kRepliedOnTime], 0);
  const v1::Figures figures = MakeFigures(facts.counts, 1);
  EXPECT_EQ(figures.closed_by_final_answer(), 1);
  EXPECT_EQ(figures.pending_not_overdue(), 0);
  EXPECT_FALSE(figures.has_on_time_rate_permille());

  // No department to reopen it at.
  absl::StatusOr<TicketChange> reopened =
      Reopen(t, "again", "", Bureau(), testing::DefaultRules());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(reopened.status().message().find("final answer"),
            std::string::npos);
}

TEST(FinalAnswer, ClosingNeedsAnApprovedAnswerToTheSameCaller) {
  const Ticket approved = Approved();
  EXPECT_EQ(ReasonOf(CloseByFinalAnswer(Repeat("139 1111 1111"), approved, "",
                                        "", Bureau())
                         .status()),
            v1::NOT_THE_SAME_CALLER);
  EXPECT_EQ(
      ReasonOf(
          CloseByFinalAnswer(Repeat(""), approved, "", "", Bureau()).status()),
      v1::NOT_THE_SAME_CALLER);
  EXPECT_EQ(
      ReasonOf(
          CloseByFinalAnswer(Repeat(), Answered(), "", "", Bureau()).status()),
      v1::FINAL_ANSWER_NOT_APPROVED);
  Ticket dispatched = Repeat();
  dispatched.set_state(Ticket::DISPATCHED);
  EXPECT_EQ(
      ReasonOf(
          CloseByFinalAnswer(dispatched, approved, "", "", Bureau()).status()),
      v1::TICKET_STATE);
  // A ticket cannot answer itself.
  Ticket self = approved;
  self.set_state(Ticket::RETURNED);
  EXPECT_EQ(
      ReasonOf(CloseByFinalAnswer(self, approved, "", "", Bureau()).status()),
      v1::FINAL_ANSWER_NOT_APPROVED);
}

}  // namespace
}  // namespace hotline
