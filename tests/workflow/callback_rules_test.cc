// Callbacks (回访) and appeals of a rating (申诉) as pure rules: attempts on a
// replied ticket, the close as unreachable after the policy's attempts,
// the dissatisfaction reasons, the department's appeal within its window,
// the bureau's decision (a rating set aside, or standing and reopened when
// the policy says so), and what they count in the figures.
#include "workflow/callback_rules.h"

#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/reply_review_rules.h"
#include "workflow/stat_facts.h"
#include "workflow/statistics.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::DefaultRules;
using v1::CallbackAttempt;
using v1::Event;
using v1::RatingAppeal;
using v1::Ticket;

// Replied on Friday 2021-03-05, 10:00.
const absl::Time kReplied = Beijing(2021, 3, 5, 10, 0);

Ticket Replied() {
  Ticket t;
  t.set_name("tickets/3");
  t.set_etag("6");
  t.set_state(Ticket::REPLIED);
  t.set_type(Ticket::COMPLAINT);
  t.set_topic("噪音");
  t.set_department("departments/housing");
  t.set_dispatch_count(1);
  *t.mutable_received_at() = ToProtoTime(Beijing(2021, 3, 1, 8, 0));
  *t.mutable_acknowledged_at() = ToProtoTime(Beijing(2021, 3, 1, 9, 0));
  *t.mutable_reply_due_at() = ToProtoTime(Beijing(2021, 3, 23));
  *t.mutable_replied_at() = ToProtoTime(kReplied);
  *t.mutable_update_time() = ToProtoTime(kReplied);
  t.set_reply_text("已处理");
  t.set_outcome(Ticket::RESOLVED);
  return t;
}

ActionContext Bureau(absl::Time at) { return {Principal::Bureau(), at}; }
ActionContext Housing(absl::Time at) {
  return {Principal::Department("housing"), at};
}

struct EditedRules {
  explicit EditedRules(void (*edit)(v1::Policy&))
      : policy(*DefaultRules().policy) {
    edit(policy);
  }
  DeadlineRules rules() const { return {&policy, DefaultRules().calendar}; }
  v1::Policy policy;
};

absl::StatusOr<TicketChange> Attempt(const Ticket& t,
                                     CallbackAttempt::Result result,
                                     absl::Time at) {
  return RecordCallback(t, CallbackAttempt::PHONE, result, "拨打两次", "",
                        Bureau(at), DefaultRules());
}

// Closed DISSATISFIED on Monday 03-08, 10:00.
Ticket Dissatisfied() {
  absl::StatusOr<TicketChange> closed = Close(
      Replied(), Ticket::DISSATISFIED, "", Bureau(Beijing(2021, 3, 8, 10, 0)));
  EXPECT_TRUE(closed.ok()) << closed.status();
  SetDissatisfactionReasons(*closed, {v1::PROBLEM_UNSOLVED});
  return closed->ticket;
}

Ticket Appealed() {
  absl::StatusOr<TicketChange> appealed =
      AppealRating(Dissatisfied(), "已按规定处理, 诉求人要求超出政策", "",
                   Housing(Beijing(2021, 3, 9, 9, 0)), DefaultRules());
  EXPECT_TRUE(appealed.ok()) << appealed.status();
  return appealed->ticket;
}

TEST(Callback, AnAttemptIsRecordedOnTheRepliedTicket) {
  absl::StatusOr<TicketChange> reached =
      Attempt(Replied(), CallbackAttempt::REACHED, kReplied + absl::Hours(2));
  ASSERT_TRUE(reached.ok()) << reached.status();
  EXPECT_EQ(reached->ticket.state(), Ticket::REPLIED);
  ASSERT_EQ(reached->ticket.callback_attempts_size(), 1);
  const CallbackAttempt& attempt = reached->ticket.callback_attempts(0);
  EXPECT_EQ(attempt.channel(), CallbackAttempt::PHONE);
  EXPECT_EQ(attempt.result(), CallbackAttempt::REACHED);
  EXPECT_EQ(attempt.note(), "拨打两次");
  EXPECT_EQ(attempt.recorded_by(), "bureau");
  EXPECT_EQ(reached->event.type(), Event::CALLBACK_ATTEMPT);
  EXPECT_EQ(reached->event.callback_result(), CallbackAttempt::REACHED);
}

TEST(Callback, ThePolicysLastFailedAttemptClosesAsUnreachable) {
  Ticket t = Replied();
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<TicketChange> missed = Attempt(
        t, i == 0 ? CallbackAttempt::UNREACHABLE : CallbackAttempt::REFUSED,
        kReplied + absl::Hours(1 + i));
    ASSERT_TRUE(missed.ok()) << missed.status();
    EXPECT_EQ(missed->ticket.state(), Ticket::REPLIED);
    t = missed->ticket;
  }
  absl::StatusOr<TicketChange> third =
      Attempt(t, CallbackAttempt::UNREACHABLE, kReplied + absl::Hours(5));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->ticket.state(), Ticket::CLOSED);
  EXPECT_TRUE(third->ticket.closed_unreachable());
  EXPECT_EQ(third->ticket.satisfaction(), Ticket::SATISFACTION_UNSPECIFIED);
  EXPECT_EQ(FromProtoTime(third->ticket.closed_at()),
            kReplied + absl::Hours(5));
  EXPECT_EQ(third->event.type(), Event::CLOSED);
  EXPECT_NE(third->event.reason().find("closed as unreachable"),
            std::string::npos);
  const StatFacts facts =
      TicketFacts(third->ticket, DefaultRules().calendar->zone());
  EXPECT_EQ(facts.counts[kCallbacksUnreachable], 1);
  EXPECT_EQ(facts.counts[kDissatisfied], 0);
  // A policy of one attempt closes at the first.
  const EditedRules one([](v1::Policy& p) { p.set_callback_max_attempts(1); });
  absl::StatusOr<TicketChange> first = RecordCallback(
      Replied(), CallbackAttempt::SMS, CallbackAttempt::UNREACHABLE, "", "",
      Bureau(kReplied + absl::Hours(1)), one.rules());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->ticket.state(), Ticket::CLOSED);
}

TEST(Callback, RefusedOutOfOrder) {
  Ticket in_progress = Replied();
  in_progress.set_state(Ticket::IN_PROGRESS);
  EXPECT_EQ(
      ReasonOf(
          Attempt(in_progress, CallbackAttempt::REACHED, kReplied).status()),
      v1::TICKET_STATE);
  Ticket waiting = Replied();
  waiting.mutable_reply_review()->set_state(v1::ReplyReview::PENDING);
  EXPECT_EQ(
      ReasonOf(Attempt(waiting, CallbackAttempt::REACHED, kReplied).status()),
      v1::REPLY_NOT_REVIEWED);
}

TEST(Callback, ReopeningStartsANewCallback) {
  absl::StatusOr<TicketChange> missed =
      Attempt(Replied(), CallbackAttempt::UNREACHABLE, kReplied);
  ASSERT_TRUE(missed.ok());
  absl::StatusOr<TicketChange> reopened = Reopen(
      missed->ticket, "市民再次来电", "", Bureau(kReplied), DefaultRules());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->ticket.callback_attempts_size(), 0);
}

TEST(Appeal, TheDepartmentAppealsADissatisfiedRatingInTime) {
  const Ticket appealed = Appealed();
  const RatingAppeal& appeal = appealed.rating_appeal();
  EXPECT_EQ(appeal.state(), RatingAppeal::PENDING);
  EXPECT_EQ(appeal.department(), "departments/housing");
  EXPECT_EQ(appeal.appealed_by(), "department/housing");
  // Closed Monday 03-08: three working days, by Thursday 03-11 24:00.
  EXPECT_EQ(FromProtoTime(appeal.appeal_due_at()), Beijing(2021, 3, 12));
  EXPECT_EQ(appealed.dissatisfaction_reasons_size(), 1);

  EXPECT_EQ(
      ReasonOf(AppealRating(appealed, "again", "",
                            Housing(Beijing(2021, 3, 9, 10, 0)), DefaultRules())
                   .status()),
      v1::APPEAL_EXISTS);
  absl::StatusOr<TicketChange> late =
      AppealRating(Dissatisfied(), "grounds", "", Housing(Beijing(2021, 3, 12)),
                   DefaultRules());
  EXPECT_TRUE(late.ok()) << late.status();  // 24:00 itself is in time
  late = AppealRating(Dissatisfied(), "grounds", "",
                      Housing(Beijing(2021, 3, 12) + absl::Microseconds(1)),
                      DefaultRules());
  EXPECT_EQ(ReasonOf(late.status()), v1::APPEAL_TOO_LATE);
  absl::StatusOr<TicketChange> satisfied =
      Close(Replied(), Ticket::SATISFIED, "", Bureau(kReplied));
  ASSERT_TRUE(satisfied.ok());
  EXPECT_EQ(ReasonOf(AppealRating(satisfied->ticket, "g", "", Housing(kReplied),
                                  DefaultRules())
                         .status()),
            v1::NOT_DISSATISFIED);
  EXPECT_EQ(ReasonOf(DecideAppeal(Dissatisfied(), true, "", "",
                                  Bureau(kReplied), DefaultRules())
                         .status()),
            v1::APPEAL_NOT_PENDING);
}

TEST(Appeal, AnUpheldAppealSetsTheRatingAsideInTheRate) {
  absl::StatusOr<TicketChange> upheld =
      DecideAppeal(Appealed(), true, "诉求超出政策规定, 不合理差评", "",
                   Bureau(Beijing(2021, 3, 10, 9, 0)), DefaultRules());
  ASSERT_TRUE(upheld.ok()) << upheld.status();
  EXPECT_EQ(upheld->ticket.state(), Ticket::CLOSED);
  EXPECT_EQ(upheld->ticket.rating_appeal().state(), RatingAppeal::UPHELD);
  EXPECT_EQ(upheld->event.type(), Event::APPEAL_UPHELD);
  const StatFacts facts =
      TicketFacts(upheld->ticket, DefaultRules().calendar->zone());
  EXPECT_EQ(facts.counts[kDissatisfied], 1);
  EXPECT_EQ(facts.counts[kAppeals], 1);
  EXPECT_EQ(facts.counts[kAppealsUpheld], 1);
  // With a satisfied ticket beside it: 1 of 1 rating that counts.
  StatVector sums = facts.counts;
  sums[kReceived] += 1;
  sums[kSatisfied] += 1;
  const v1::Figures figures = MakeFigures(sums, 31);
  EXPECT_EQ(figures.satisfaction_rate_permille(), 1000);
  EXPECT_EQ(figures.appeals_upheld(), 1);
}

TEST(Appeal, AReasonableRatingStandsAndReopensWhenThePolicySays) {
  absl::StatusOr<TicketChange> stands =
      DecideAppeal(Appealed(), false, "未解决", "",
                   Bureau(Beijing(2021, 3, 10, 9, 0)), DefaultRules());
  ASSERT_TRUE(stands.ok()) << stands.status();
  EXPECT_EQ(stands->ticket.state(), Ticket::CLOSED);
  EXPECT_EQ(stands->ticket.rating_appeal().state(), RatingAppeal::REJECTED);
  EXPECT_EQ(stands->event.type(), Event::APPEAL_REJECTED);
  StatVector sums =
      TicketFacts(stands->ticket, DefaultRules().calendar->zone()).counts;
  sums[kSatisfied] += 1;
  EXPECT_EQ(MakeFigures(sums, 31).satisfaction_rate_permille(), 500);

  const EditedRules reopening(
      [](v1::Policy& p) { p.set_reopen_on_reasonable_dissatisfaction(true); });
  absl::StatusOr<TicketChange> reopened =
      DecideAppeal(Appealed(), false, "未解决", "",
                   Bureau(Beijing(2021, 3, 10, 9, 0)), reopening.rules());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->ticket.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(reopened->ticket.reopen_count(), 1);
  EXPECT_EQ(reopened->event.type(), Event::REOPENED);
  EXPECT_EQ(reopened->event.reason(), "合理差评: 未解决");
  EXPECT_EQ(reopened->ticket.rating_appeal().state(), RatingAppeal::REJECTED);
  EXPECT_EQ(reopened->ticket.satisfaction(), Ticket::SATISFACTION_UNSPECIFIED);
}

}  // namespace
}  // namespace hotline
