// Deadlines, warnings, cards, extensions and policies as pure rules, on the
// shipped calendar. Expected instants are hand-computed (see calendar_test).
#include <string>

#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/extension_rules.h"
#include "workflow/policy.h"
#include "workflow/sweep_rules.h"
#include "workflow/ticket_rules.h"

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

Ticket Dispatched(Ticket::Type type, absl::Time at,
                  Ticket::Urgency urgency = Ticket::NORMAL) {
  Ticket ticket;
  ticket.set_name("tickets/1");
  ticket.set_etag("1");
  ticket.set_state(Ticket::RECEIVED);
  ticket.set_type(type);
  ticket.set_urgency(urgency);
  absl::StatusOr<TicketChange> change = Dispatch(
      ticket, "departments/housing", "", "", BureauAt(at), DefaultRules());
  EXPECT_TRUE(change.ok()) << change.status();
  return change->ticket;
}

absl::Time T(const google::protobuf::Timestamp& timestamp) {
  return FromProtoTime(timestamp);
}

// The worked example of docs/workflow.md ("Deadlines, warnings and cards"):
// the eve of the 2021 Spring Festival. Working days after
// Feb 10: Feb 18, 19, 20 (调休), 22-26, Mar 1-5, 8, 9.
TEST(Deadlines, EveryTypeDispatchedOnSpringFestivalEve) {
  const absl::Time eve = Beijing(2021, 2, 10, 9, 0);
  struct Case {
    Ticket::Type type;
    absl::Time reply_due;  // 24:00 of the Nth working day
    absl::Time warning;    // 00:00 of the last working day
  };
  const Case cases[] = {
      {Ticket::INQUIRY, Beijing(2021, 2, 20), Beijing(2021, 2, 19)},   // 2
      {Ticket::HELP, Beijing(2021, 3, 3), Beijing(2021, 3, 2)},        // 10
      {Ticket::SUGGESTION, Beijing(2021, 3, 3), Beijing(2021, 3, 2)},  // 10
      {Ticket::COMPLAINT, Beijing(2021, 3, 10), Beijing(2021, 3, 9)},  // 15
      {Ticket::REPORT, Beijing(2021, 3, 10), Beijing(2021, 3, 9)},     // 15
      {Ticket::OTHER, Beijing(2021, 3, 10), Beijing(2021, 3, 9)},      // 15
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(Ticket::Type_Name(c.type));
    const Ticket t = Dispatched(c.type, eve);
    EXPECT_EQ(T(t.ack_due_at()), Beijing(2021, 2, 19));     // 1 working day
    EXPECT_EQ(T(t.return_due_at()), Beijing(2021, 2, 19));  // 1 working day
    EXPECT_EQ(T(t.reply_due_at()), c.reply_due);
    EXPECT_EQ(T(t.warning_at()), c.warning);
    EXPECT_EQ(t.policy_version(), "default-1");
    EXPECT_EQ(T(t.next_due_at()), Beijing(2021, 2, 19));
    EXPECT_FALSE(t.has_red_card_due_at());
  }
}

TEST(Deadlines, UrgentAndCriticalRunOnClockHoursAcrossMidnight) {
  const absl::Time late = Beijing(2021, 2, 10, 23, 0);
  const Ticket urgent = Dispatched(Ticket::COMPLAINT, late, Ticket::URGENT);
  EXPECT_EQ(T(urgent.reply_due_at()), Beijing(2021, 2, 11, 23, 0));
  EXPECT_EQ(T(urgent.ack_due_at()), Beijing(2021, 2, 11, 1, 0));
  EXPECT_EQ(T(urgent.warning_at()), Beijing(2021, 2, 11, 17, 0));  // 75%
  const Ticket critical = Dispatched(Ticket::HELP, late, Ticket::CRITICAL);
  EXPECT_EQ(T(critical.reply_due_at()), Beijing(2021, 2, 11, 1, 0));
  EXPECT_EQ(T(critical.ack_due_at()), Beijing(2021, 2, 10, 23, 30));
  EXPECT_EQ(T(critical.warning_at()), Beijing(2021, 2, 11, 0, 30));
}

// Sweeps `ticket` at `now` and returns the event types, in order.
std::vector<Event::Type> SweepTypes(Ticket& ticket, absl::Time now) {
  SweepResult result = Sweep(ticket, now, DefaultRules());
  std::vector<Event::Type> types;
  for (const SweepStep& step : result.steps) {
    if (step.event) types.push_back(step.event->type());
  }
  ticket = result.ticket;
  return types;
}

TEST(Sweep, EveryRuleAtExactlyItsInstant) {
  const absl::Duration tick = absl::Microseconds(1);
  Ticket t = Dispatched(Ticket::COMPLAINT, Beijing(2021, 2, 10, 9, 0));
  // Sign-for deadline: end of Feb 18.
  EXPECT_TRUE(SweepTypes(t, Beijing(2021, 2, 19) - tick).empty());
  EXPECT_EQ(SweepTypes(t, Beijing(2021, 2, 19)),
            std::vector<Event::Type>{Event::ACK_OVERDUE});
  EXPECT_TRUE(t.ack_overdue());
  // Warning: 00:00 Mar 9.
  EXPECT_TRUE(SweepTypes(t, Beijing(2021, 3, 9) - tick).empty());
  EXPECT_EQ(SweepTypes(t, Beijing(2021, 3, 9)),
            std::vector<Event::Type>{Event::DUE_SOON});
  EXPECT_TRUE(t.due_soon());
  // Yellow card: 24:00 Mar 9.
  EXPECT_TRUE(SweepTypes(t, Beijing(2021, 3, 10) - tick).empty());
  SweepResult yellow = Sweep(t, Beijing(2021, 3, 10), DefaultRules());
  ASSERT_EQ(yellow.steps.size(), 1u);
  ASSERT_TRUE(yellow.steps[0].card.has_value());
  EXPECT_EQ(yellow.steps[0].card->color(), Card::YELLOW);
  EXPECT_EQ(yellow.steps[0].card->department(), "departments/housing");
  EXPECT_EQ(T(yellow.steps[0].card->issue_time()), Beijing(2021, 3, 10));
  EXPECT_EQ(yellow.steps[0].event->actor(), "sweeper");
  // Reasons state the deadline as the rule does: 24:00 of its last day.
  EXPECT_EQ(yellow.steps[0].card->reason(),
            "no reply by the deadline 2021-03-09 24:00");
  t = yellow.ticket;
  EXPECT_EQ(t.yellow_cards(), 1);
  // Red card: 5 working days after the deadline: Mar 10, 11, 12, 15, 16.
  EXPECT_EQ(T(t.red_card_due_at()), Beijing(2021, 3, 17));
  EXPECT_TRUE(SweepTypes(t, Beijing(2021, 3, 17) - tick).empty());
  SweepResult red = Sweep(t, Beijing(2021, 3, 17), DefaultRules());
  ASSERT_EQ(red.steps.size(), 1u);
  EXPECT_EQ(red.steps[0].card->color(), Card::RED);
  t = red.ticket;
  EXPECT_EQ(t.red_cards(), 1);
  // Nothing more, ever.
  EXPECT_FALSE(t.has_next_due_at());
  EXPECT_TRUE(SweepTypes(t, Beijing(2022, 1, 1)).empty());
}

TEST(Sweep, ALateSweepAppliesEverythingDueWithItsOwnInstants) {
  Ticket t = Dispatched(Ticket::INQUIRY, Beijing(2021, 2, 10, 9, 0));
  SweepResult result = Sweep(t, Beijing(2021, 6, 1), DefaultRules());
  ASSERT_EQ(result.steps.size(), 4u);
  EXPECT_EQ(result.steps[0].event->type(), Event::ACK_OVERDUE);
  EXPECT_EQ(T(result.steps[0].event->time()), Beijing(2021, 2, 19));
  EXPECT_EQ(result.steps[1].event->type(), Event::DUE_SOON);
  EXPECT_EQ(result.steps[2].card->color(), Card::YELLOW);
  EXPECT_EQ(T(result.steps[2].card->issue_time()), Beijing(2021, 2, 20));
  EXPECT_EQ(result.steps[3].card->color(), Card::RED);
  // The deadline closes Feb 19; five working days after: Feb 20 (the 调休
  // Saturday), 22, 23, 24, 25.
  EXPECT_EQ(T(result.steps[3].card->issue_time()), Beijing(2021, 2, 26));
  // Sweeping the result again finds nothing: at most once per assignment.
  EXPECT_TRUE(
      Sweep(result.ticket, Beijing(2021, 6, 2), DefaultRules()).steps.empty());
}

TEST(Sweep, NothingForTicketsRepliedReturnedOrClosedInTime) {
  const absl::Time eve = Beijing(2021, 2, 10, 9, 0);
  Ticket replied = Dispatched(Ticket::INQUIRY, eve);
  replied =
      Acknowledge(replied, "", HousingAt(eve + absl::Hours(1)), DefaultRules())
          ->ticket;
  replied = Reply(replied, "ok", Ticket::RESOLVED, "",
                  HousingAt(Beijing(2021, 2, 18, 10, 0)))
                ->ticket;
  EXPECT_FALSE(replied.has_next_due_at());
  EXPECT_TRUE(
      Sweep(replied, Beijing(2021, 6, 1), DefaultRules()).steps.empty());

  Ticket returned = Dispatched(Ticket::COMPLAINT, eve);
  returned =
      Return(returned, "not ours", "", HousingAt(eve + absl::Hours(2)))->ticket;
  EXPECT_FALSE(returned.has_reply_due_at());
  EXPECT_TRUE(
      Sweep(returned, Beijing(2021, 6, 1), DefaultRules()).steps.empty());
}

TEST(Deadlines, ReturnWindowIsEnforced) {
  Ticket t = Dispatched(Ticket::COMPLAINT, Beijing(2021, 2, 10, 9, 0));
  EXPECT_TRUE(Return(t, "not ours", "",
                     HousingAt(Beijing(2021, 2, 19) - absl::Seconds(1)))
                  .ok());
  absl::StatusOr<TicketChange> late =
      Return(t, "not ours", "", HousingAt(Beijing(2021, 2, 19, 9, 0)));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("return window"), std::string::npos);
  EXPECT_NE(late.status().message().find("2021-02-19 00:00:00"),
            std::string::npos)
      << late.status();
}

TEST(Deadlines, RedispatchGivesAFreshClockAndClearsFlags) {
  Ticket t = Dispatched(Ticket::INQUIRY, Beijing(2021, 2, 10, 9, 0));
  t = Sweep(t, Beijing(2021, 2, 20), DefaultRules()).ticket;  // yellow card
  ASSERT_TRUE(t.reply_overdue());
  absl::StatusOr<TicketChange> moved =
      Dispatch(t, "departments/market", "", "",
               BureauAt(Beijing(2021, 2, 22, 10, 0)), DefaultRules());
  ASSERT_TRUE(moved.ok());
  const Ticket& m = moved->ticket;
  EXPECT_FALSE(m.reply_overdue());
  EXPECT_FALSE(m.due_soon());
  EXPECT_FALSE(m.ack_overdue());
  // Counting restarts from Feb 23: 2 working days -> end of Feb 24.
  EXPECT_EQ(T(m.reply_due_at()), Beijing(2021, 2, 25));
  // The card stays with the ticket's history.
  EXPECT_EQ(m.yellow_cards(), 1);
}

TEST(Deadlines, ReopenRestartsTheReplyClock) {
  Ticket t = Dispatched(Ticket::HELP, Beijing(2021, 2, 10, 9, 0));
  t = Acknowledge(t, "", HousingAt(Beijing(2021, 2, 18, 9, 0)), DefaultRules())
          ->ticket;
  t = Reply(t, "done", Ticket::RESOLVED, "",
            HousingAt(Beijing(2021, 2, 19, 9, 0)))
          ->ticket;
  absl::StatusOr<TicketChange> reopened = Reopen(
      t, "again", "", BureauAt(Beijing(2021, 3, 1, 10, 0)), DefaultRules());
  ASSERT_TRUE(reopened.ok());
  // 10 working days from Mar 2: Mar 2-5, 8-12, 15 -> end of Mar 15.
  EXPECT_EQ(T(reopened->ticket.reply_due_at()), Beijing(2021, 3, 16));
  // The nearest pending instant is now the first daily report: end of Mar 1.
  EXPECT_EQ(T(reopened->ticket.next_due_at()), Beijing(2021, 3, 2));
  EXPECT_EQ(T(reopened->ticket.daily_report_due_at()), Beijing(2021, 3, 2));
}

TEST(Extensions, RequestApproveMovesTheDeadline) {
  Ticket t = Dispatched(Ticket::COMPLAINT, Beijing(2021, 2, 10, 9, 0));
  t = Acknowledge(t, "", HousingAt(Beijing(2021, 2, 18, 9, 0)), DefaultRules())
          ->ticket;
  absl::StatusOr<TicketChange> asked =
      RequestExtension(t, 5, "需现场核查", "",
                       HousingAt(Beijing(2021, 3, 8, 9, 0)), DefaultRules());
  ASSERT_TRUE(asked.ok()) << asked.status();
  EXPECT_EQ(asked->event.type(), Event::EXTENSION_REQUESTED);
  EXPECT_EQ(asked->ticket.pending_extension().working_days(), 5);
  // A second request while one is pending is refused.
  EXPECT_EQ(
      RequestExtension(asked->ticket, 2, "more", "",
                       HousingAt(Beijing(2021, 3, 8, 10, 0)), DefaultRules())
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<TicketChange> approved = ApproveExtension(
      asked->ticket, "", BureauAt(Beijing(2021, 3, 8, 15, 0)), DefaultRules());
  ASSERT_TRUE(approved.ok()) << approved.status();
  // Mar 9 + 5 working days: Mar 10, 11, 12, 15, 16 -> end of Mar 16.
  EXPECT_EQ(T(approved->ticket.reply_due_at()), Beijing(2021, 3, 17));
  EXPECT_EQ(T(approved->ticket.warning_at()), Beijing(2021, 3, 16));
  EXPECT_EQ(approved->ticket.extension_count(), 1);
  EXPECT_FALSE(approved->ticket.has_pending_extension());
  // The old deadline passes without a card; the new one brings it. (The
  // sweeps also settle the unreported days, which are not cards.)
  auto cards = [](const SweepResult& result) {
    std::vector<Card::Color> colors;
    for (const SweepStep& step : result.steps) {
      if (step.card) colors.push_back(step.card->color());
    }
    return colors;
  };
  SweepResult at_old_deadline =
      Sweep(approved->ticket, Beijing(2021, 3, 10), DefaultRules());
  EXPECT_TRUE(cards(at_old_deadline).empty());
  SweepResult late =
      Sweep(at_old_deadline.ticket, Beijing(2021, 3, 17), DefaultRules());
  EXPECT_EQ(cards(late), std::vector<Card::Color>{Card::YELLOW});
}

TEST(Extensions, Limits) {
  const DeadlineRules rules = DefaultRules();
  Ticket t = Dispatched(Ticket::COMPLAINT, Beijing(2021, 2, 10, 9, 0));
  const absl::Time before = Beijing(2021, 3, 1, 9, 0);
  EXPECT_EQ(RequestExtension(t, 11, "r", "", HousingAt(before), rules)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      RequestExtension(t, 0, "r", "", HousingAt(before), rules).status().code(),
      absl::StatusCode::kInvalidArgument);
  // After the deadline: refused.
  absl::StatusOr<TicketChange> late =
      RequestExtension(t, 3, "r", "", HousingAt(Beijing(2021, 3, 10)), rules);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("deadline has passed"),
            std::string::npos);
  // At most three.
  for (int i = 0; i < 3; ++i) {
    t = RequestExtension(t, 1, "r", "", HousingAt(before), rules)->ticket;
    t = ApproveExtension(t, "", BureauAt(before), rules)->ticket;
  }
  absl::StatusOr<TicketChange> fourth =
      RequestExtension(t, 1, "r", "", HousingAt(before), rules);
  EXPECT_EQ(fourth.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(fourth.status().message().find("at most 3"), std::string::npos);
  // Nothing pending: nothing to decide.
  EXPECT_EQ(RejectExtension(t, "no", "", BureauAt(before)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Policy, ChangedLimitsAreNotTheSame) {
  absl::StatusOr<v1::Policy> changed =
      ParsePolicy("version = x\nreply_working_days.INQUIRY = 3\n", "p");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->reply_working_days().at("INQUIRY"), 3);
  EXPECT_EQ(changed->reply_working_days().at("COMPLAINT"), 15);  // default
  EXPECT_FALSE(SameLimits(*changed, DefaultPolicy()));
}

TEST(Policy, MistakesAreRefusedWithTheLine) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"ack_working_days = 1\n", "needs a version"},
      {"version = v\ncolour = 3\n", "p:2: unknown key"},
      {"version = v\nack_working_days = -1\n", "p:2: the value must be"},
      {"version = v\nack_working_days = two\n", "p:2: the value must be"},
      {"version = v\nclock_warning_percent = 100\n", "1 to 99"},
      {"version = v\nreply_working_days.PRAISE = 3\n", "TYPE one of"},
      {"version = v\njust words\n", "p:2: expected key = value"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::Policy> policy = ParsePolicy(c.text, "p");
    ASSERT_FALSE(policy.ok()) << c.text;
    EXPECT_NE(policy.status().message().find(c.says), std::string::npos)
        << policy.status();
  }
}

}  // namespace
}  // namespace hotline
