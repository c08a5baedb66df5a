// Urging notices (催办通知) and the supervision ladder as pure rules: the
// bureau's notice and its refusals, the department's sign-for and answer,
// the escalation of an unanswered notice at its deadline up to the
// policy's top level, the notice that lapses when the ticket leaves the
// department, the policy's own notices at the warning and with the yellow
// card, and what notices count in the figures.
#include "workflow/notice_rules.h"

#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/policy.h"
#include "workflow/stat_facts.h"
#include "workflow/sweep_rules.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::DefaultRules;
using v1::Event;
using v1::Notice;
using v1::Ticket;

// Friday 2021-03-05, 10:00; a notice issued then is due by the end of the
// next working day, Monday 03-08 (24:00 = Tuesday 00:00).
const absl::Time kIssued = Beijing(2021, 3, 5, 10, 0);
const absl::Time kDue = Beijing(2021, 3, 9);

Ticket InProgress() {
  Ticket t;
  t.set_name("tickets/3");
  t.set_etag("4");
  t.set_state(Ticket::IN_PROGRESS);
  t.set_type(Ticket::COMPLAINT);
  t.set_topic("噪音");
  t.set_department("departments/housing");
  t.set_dispatch_count(1);
  *t.mutable_received_at() = ToProtoTime(Beijing(2021, 3, 1, 8, 0));
  *t.mutable_update_time() = ToProtoTime(Beijing(2021, 3, 1, 9, 0));
  *t.mutable_acknowledged_at() = ToProtoTime(Beijing(2021, 3, 1, 9, 0));
  *t.mutable_reply_due_at() = ToProtoTime(Beijing(2021, 3, 23));
  return t;
}

ActionContext Bureau(absl::Time at) { return {Principal::Bureau(), at}; }
ActionContext Housing(absl::Time at) {
  return {Principal::Department("housing"), at};
}

// `t` with a bureau's notice at `level`, issued at kIssued.
Ticket Urged(const Ticket& t = InProgress(),
             Notice::Level level = Notice::URGING) {
  absl::StatusOr<TicketChange> urged =
      IssueNotice(t, level, "请加快办理", "分管副局长", "", Bureau(kIssued),
                  DefaultRules());
  EXPECT_TRUE(urged.ok()) << urged.status();
  return urged->ticket;
}

// The default policy with `edit` applied, as rules.
struct EditedRules {
  explicit EditedRules(void (*edit)(v1::Policy&))
      : policy(*DefaultRules().policy) {
    edit(policy);
  }
  DeadlineRules rules() const { return {&policy, DefaultRules().calendar}; }
  v1::Policy policy;
};

std::vector<Event::Type> TypesOf(const SweepResult& swept) {
  std::vector<Event::Type> types;
  for (const SweepStep& step : swept.steps) {
    if (step.event) types.push_back(step.event->type());
  }
  return types;
}

TEST(Notice, TheBureauUrgesTheDepartmentHoldingTheTicket) {
  absl::StatusOr<TicketChange> urged =
      IssueNotice(InProgress(), Notice::LEVEL_UNSPECIFIED, "请加快办理",
                  "分管副局长", "4", Bureau(kIssued), DefaultRules());
  ASSERT_TRUE(urged.ok()) << urged.status();
  ASSERT_EQ(urged->ticket.notices_size(), 1);
  const Notice& notice = urged->ticket.notices(0);
  EXPECT_EQ(notice.name(), "tickets/3/notices/1");
  EXPECT_EQ(notice.number(), 1);
  EXPECT_EQ(notice.level(), Notice::URGING);
  EXPECT_EQ(notice.state(), Notice::ISSUED);
  EXPECT_EQ(notice.trigger(), Notice::BY_HAND);
  EXPECT_EQ(notice.department(), "departments/housing");
  EXPECT_EQ(notice.copy_to(), "分管副局长");
  EXPECT_EQ(notice.issued_by(), "bureau");
  EXPECT_EQ(FromProtoTime(notice.answer_due_at()), kDue);
  EXPECT_EQ(urged->ticket.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(urged->event.type(), Event::NOTICE_ISSUED);
  EXPECT_EQ(urged->event.notice(), "tickets/3/notices/1");
  EXPECT_EQ(urged->event.notice_level(), Notice::URGING);
  EXPECT_EQ(urged->event.reason(), "请加快办理");
  EXPECT_EQ(urged->event.department(), "departments/housing");
  // The sweeper wakes for the answer's deadline (before the reply's).
  EXPECT_EQ(FromProtoTime(urged->ticket.next_due_at()), kDue);
}

TEST(Notice, IssueRefusals) {
  Ticket replied = InProgress();
  replied.set_state(Ticket::REPLIED);
  EXPECT_EQ(ReasonOf(IssueNotice(replied, Notice::URGING, "r", "", "",
                                 Bureau(kIssued), DefaultRules())
                         .status()),
            v1::TICKET_STATE);
  EXPECT_EQ(ReasonOf(IssueNotice(InProgress(), Notice::URGING, "r", "", "9",
                                 Bureau(kIssued), DefaultRules())
                         .status()),
            v1::ETAG_MISMATCH);
  // One open at a time: the same level again is refused, naming it.
  const Ticket urged = Urged();
  absl::StatusOr<TicketChange> again = IssueNotice(
      urged, Notice::URGING, "再催", "", "", Bureau(kIssued), DefaultRules());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(again.status()), v1::NOTICE_OPEN);
  EXPECT_NE(again.status().message().find("tickets/3/notices/1"),
            std::string::npos);
  Ticket full = InProgress();
  for (int i = 0; i < kMaxNoticesPerTicket; ++i) {
    Notice& n = *full.add_notices();
    n.set_number(i + 1);
    n.set_state(Notice::ANSWERED);
  }
  EXPECT_EQ(ReasonOf(IssueNotice(full, Notice::URGING, "r", "", "",
                                 Bureau(kIssued), DefaultRules())
                         .status()),
            v1::NOTICE_LIMIT);
}

TEST(Notice, AHigherLevelByHandReplacesTheOpenNotice) {
  absl::StatusOr<TicketChange> up =
      IssueNotice(Urged(), Notice::SUPERVISION, "督办", "", "",
                  Bureau(kIssued + absl::Hours(2)), DefaultRules());
  ASSERT_TRUE(up.ok()) << up.status();
  ASSERT_EQ(up->ticket.notices_size(), 2);
  const Notice& replaced = up->ticket.notices(0);
  EXPECT_EQ(replaced.state(), Notice::ESCALATED);
  EXPECT_FALSE(replaced.overdue());
  EXPECT_EQ(FromProtoTime(replaced.end_time()), kIssued + absl::Hours(2));
  const Notice& supervision = up->ticket.notices(1);
  EXPECT_EQ(supervision.level(), Notice::SUPERVISION);
  EXPECT_EQ(supervision.escalated_from(), 1);
  EXPECT_EQ(supervision.state(), Notice::ISSUED);
}

TEST(Notice, SignForThenAnswerAndTheRefusalsOutOfOrder) {
  const Ticket urged = Urged();
  absl::StatusOr<TicketChange> early =
      AnswerNotice(urged, 1, "已安排", "", Housing(kIssued + absl::Hours(1)));
  EXPECT_EQ(ReasonOf(early.status()), v1::NOTICE_STATE);
  EXPECT_NE(early.status().message().find("sign for it first"),
            std::string::npos);
  EXPECT_EQ(AcknowledgeNotice(urged, 2, "", Housing(kIssued)).status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<TicketChange> signed_for =
      AcknowledgeNotice(urged, 1, "", Housing(kIssued + absl::Hours(1)));
  ASSERT_TRUE(signed_for.ok()) << signed_for.status();
  EXPECT_EQ(signed_for->ticket.notices(0).state(), Notice::ACKNOWLEDGED);
  EXPECT_EQ(signed_for->event.type(), Event::NOTICE_ACKNOWLEDGED);
  EXPECT_EQ(signed_for->event.state_after(), Ticket::IN_PROGRESS);
  EXPECT_EQ(ReasonOf(AcknowledgeNotice(signed_for->ticket, 1, "",
                                       Housing(kIssued + absl::Hours(2)))
                         .status()),
            v1::NOTICE_STATE);

  absl::StatusOr<TicketChange> answered =
      AnswerNotice(signed_for->ticket, 1, "已安排人员现场处理", "",
                   Housing(kIssued + absl::Hours(3)));
  ASSERT_TRUE(answered.ok()) << answered.status();
  const Notice& notice = answered->ticket.notices(0);
  EXPECT_EQ(notice.state(), Notice::ANSWERED);
  EXPECT_EQ(notice.answer(), "已安排人员现场处理");
  EXPECT_EQ(notice.answered_by(), "department/housing");
  EXPECT_FALSE(notice.overdue());
  EXPECT_EQ(answered->event.type(), Event::NOTICE_ANSWERED);
  EXPECT_EQ(answered->event.reply_text(), "已安排人员现场处理");
  // Nothing is owed any more: the sweeper wakes for the reply's deadline.
  EXPECT_EQ(FromProtoTime(answered->ticket.next_due_at()),
            Beijing(2021, 3, 23));
  EXPECT_EQ(ReasonOf(AnswerNotice(answered->ticket, 1, "again", "",
                                  Housing(kIssued + absl::Hours(4)))
                         .status()),
            v1::NOTICE_STATE);
}

TEST(Notice, AnUnansweredNoticeEscalatesAtItsDeadline) {
  const Ticket urged = Urged();
  EXPECT_TRUE(
      Sweep(urged, kDue - absl::Microseconds(1), DefaultRules()).steps.empty());
  const SweepResult swept = Sweep(urged, kDue, DefaultRules());
  EXPECT_EQ(TypesOf(swept), (std::vector<Event::Type>{Event::NOTICE_OVERDUE,
                                                      Event::NOTICE_ISSUED}));
  for (const SweepStep& step : swept.steps) {
    EXPECT_EQ(FromProtoTime(step.event->time()), kDue);
    EXPECT_EQ(step.event->actor(), kSweeperActor);
  }
  EXPECT_EQ(swept.steps[0].event->notice(), "tickets/3/notices/1");
  EXPECT_EQ(swept.steps[1].event->notice(), "tickets/3/notices/2");
  EXPECT_EQ(swept.steps[1].event->notice_level(), Notice::SUPERVISION);
  const Notice& first = swept.ticket.notices(0);
  EXPECT_EQ(first.state(), Notice::ESCALATED);
  EXPECT_TRUE(first.overdue());
  EXPECT_EQ(FromProtoTime(first.end_time()), kDue);
  const Notice& second = swept.ticket.notices(1);
  EXPECT_EQ(second.level(), Notice::SUPERVISION);
  EXPECT_EQ(second.trigger(), Notice::ESCALATION);
  EXPECT_EQ(second.escalated_from(), 1);
  EXPECT_EQ(second.issued_by(), kSweeperActor);
  EXPECT_EQ(second.copy_to(), "分管副局长");
  EXPECT_EQ(second.department(), "departments/housing");
  // Issued Tuesday 00:00: due by the end of Tuesday.
  EXPECT_EQ(FromProtoTime(second.answer_due_at()), Beijing(2021, 3, 10));
  EXPECT_EQ(FromProtoTime(swept.ticket.next_due_at()), Beijing(2021, 3, 10));
}

TEST(Notice, ALateSweepClimbsTheWholeLadderInOrder) {
  // The sweeper down for a week: each level falls at its own deadline.
  const SweepResult swept =
      Sweep(Urged(), Beijing(2021, 3, 16), DefaultRules());
  ASSERT_EQ(swept.ticket.notices_size(), 4);
  EXPECT_EQ(swept.ticket.notices(3).level(), Notice::CIRCULATED_CRITICISM);
  EXPECT_EQ(swept.ticket.notices(3).state(), Notice::UNANSWERED);
  EXPECT_TRUE(swept.ticket.notices(3).overdue());
  const std::vector<absl::Time> due = {
      kDue, Beijing(2021, 3, 10), Beijing(2021, 3, 11), Beijing(2021, 3, 12)};
  ASSERT_EQ(swept.steps.size(), 7u);
  for (size_t i = 0; i < swept.steps.size(); ++i) {
    EXPECT_EQ(FromProtoTime(swept.steps[i].event->time()), due[i / 2]) << i;
  }
  // The top: nothing more is due for the notices.
  EXPECT_EQ(FromProtoTime(swept.ticket.next_due_at()), Beijing(2021, 3, 23));
}

TEST(Notice, ThePolicysTopLevelEndsTheLadder) {
  const EditedRules two([](v1::Policy& p) { p.set_notice_top_level(2); });
  const SweepResult swept = Sweep(Urged(), Beijing(2021, 3, 16), two.rules());
  ASSERT_EQ(swept.ticket.notices_size(), 2);
  EXPECT_EQ(swept.ticket.notices(0).state(), Notice::ESCALATED);
  EXPECT_EQ(swept.ticket.notices(1).state(), Notice::UNANSWERED);
  EXPECT_EQ(swept.steps.back().event->type(), Event::NOTICE_OVERDUE);
  EXPECT_NE(swept.steps.back().event->reason().find("top of the ladder"),
            std::string::npos);
}

TEST(Notice, AnUnansweredNoticeAtTheTopMayBeAnsweredLate) {
  const EditedRules one([](v1::Policy& p) { p.set_notice_top_level(1); });
  const SweepResult swept = Sweep(Urged(), kDue, one.rules());
  ASSERT_EQ(swept.ticket.notices(0).state(), Notice::UNANSWERED);
  absl::StatusOr<TicketChange> late = AnswerNotice(
      swept.ticket, 1, "已处理", "", Housing(kDue + absl::Hours(9)));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->ticket.notices(0).state(), Notice::ANSWERED);
  EXPECT_TRUE(late->ticket.notices(0).overdue());
  const std::vector<StatFacts> facts =
      NoticeFacts(late->ticket, absl::FixedTimeZone(8 * 3600));
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].counts[kNotices], 1);
  EXPECT_EQ(facts[0].counts[kNoticesAnsweredOnTime], 0);
  EXPECT_EQ(facts[0].counts[kNoticesOverdue], 1);
  EXPECT_EQ(facts[0].counts[kNoticesEscalated], 0);
  // Not the department it was addressed to: another holder may not answer.
  Ticket moved = swept.ticket;
  moved.set_department("departments/transport");
  EXPECT_EQ(ReasonOf(AnswerNotice(moved, 1, "x", "",
                                  {Principal::Department("transport"), kDue})
                         .status()),
            v1::NOTICE_STATE);
}

TEST(Notice, TheOpenNoticeLapsesWhenTheTicketLeavesTheDepartment) {
  absl::StatusOr<TicketChange> replied =
      Reply(Urged(), "已处理", Ticket::RESOLVED, "",
            Housing(kIssued + absl::Hours(5)));
  ASSERT_TRUE(replied.ok()) << replied.status();
  const Notice& notice = replied->ticket.notices(0);
  EXPECT_EQ(notice.state(), Notice::LAPSED);
  EXPECT_FALSE(notice.overdue());
  EXPECT_EQ(FromProtoTime(notice.end_time()), kIssued + absl::Hours(5));
  EXPECT_NE(notice.end_reason().find("REPLIED"), std::string::npos);
  // Nothing escalates on a lapsed notice.
  EXPECT_TRUE(Sweep(replied->ticket, Beijing(2021, 3, 16), DefaultRules())
                  .steps.empty());

  absl::StatusOr<TicketChange> elsewhere =
      Dispatch(Urged(), "departments/transport", "", "",
               Bureau(kIssued + absl::Hours(1)), DefaultRules());
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  EXPECT_EQ(elsewhere->ticket.notices(0).state(), Notice::LAPSED);
  // The next holder owes nothing of it.
  EXPECT_EQ(ReasonOf(AcknowledgeNotice(elsewhere->ticket, 1, "",
                                       {Principal::Department("transport"),
                                        kIssued + absl::Hours(2)})
                         .status()),
            v1::NOTICE_STATE);
}

TEST(Notice, ThePolicyUrgesAtTheWarningAndWithTheYellowCard) {
  Ticket t = InProgress();
  *t.mutable_warning_at() = ToProtoTime(Beijing(2021, 3, 22));
  const EditedRules warning([](v1::Policy& p) { p.set_urge_at_warning(true); });
  const SweepResult warned =
      Sweep(t, Beijing(2021, 3, 22, 1, 0), warning.rules());
  ASSERT_EQ(TypesOf(warned),
            (std::vector<Event::Type>{Event::DUE_SOON, Event::NOTICE_ISSUED}));
  const Notice& at_warning = warned.ticket.notices(0);
  EXPECT_EQ(at_warning.trigger(), Notice::AT_WARNING);
  EXPECT_EQ(at_warning.issued_by(), kSweeperActor);
  EXPECT_EQ(FromProtoTime(at_warning.issue_time()), Beijing(2021, 3, 22));
  // Without the switch, the warning alone.
  EXPECT_EQ(TypesOf(Sweep(t, Beijing(2021, 3, 22, 1, 0), DefaultRules())),
            (std::vector<Event::Type>{Event::DUE_SOON}));

  const EditedRules card(
      [](v1::Policy& p) { p.set_urge_at_yellow_card(true); });
  t.set_due_soon(true);
  const SweepResult overdue =
      Sweep(t, Beijing(2021, 3, 23, 1, 0), card.rules());
  ASSERT_EQ(TypesOf(overdue), (std::vector<Event::Type>{Event::CARD_ISSUED,
                                                        Event::NOTICE_ISSUED}));
  EXPECT_EQ(overdue.ticket.notices(0).trigger(), Notice::AT_YELLOW_CARD);
  EXPECT_EQ(FromProtoTime(overdue.ticket.notices(0).issue_time()),
            Beijing(2021, 3, 23));
  // None while one is open then: a notice of 03-22, due by 03-23 24:00.
  absl::StatusOr<TicketChange> open =
      IssueNotice(t, Notice::URGING, "请加快办理", "", "",
                  Bureau(Beijing(2021, 3, 22, 10, 0)), DefaultRules());
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(
      TypesOf(Sweep(open->ticket, Beijing(2021, 3, 23, 1, 0), card.rules())),
      (std::vector<Event::Type>{Event::CARD_ISSUED}));
  // A ladder that ended before the card (the sweeper down since 03-05)
  // leaves none open then: the policy urges anew, after the ladder's steps.
  const SweepResult late =
      Sweep(Urged(t), Beijing(2021, 3, 23, 1, 0), card.rules());
  EXPECT_EQ(TypesOf(late).size(), 7u + 2u);
  ASSERT_EQ(late.ticket.notices_size(), 5);
  EXPECT_EQ(late.ticket.notices(4).trigger(), Notice::AT_YELLOW_CARD);
  EXPECT_EQ(late.steps.back().event->type(), Event::NOTICE_ISSUED);
}

TEST(Notice, AnOverdueNoticeCountsFromItsDeadline) {
  const Ticket urged = Urged();
  const SweepResult swept = Sweep(urged, kDue + absl::Hours(3), DefaultRules());
  const std::vector<TimedFacts> changes =
      TicketStatChanges(&urged, swept.ticket, DefaultRules().calendar->zone());
  bool found = false;
  for (const TimedFacts& change : changes) {
    if (!change.after || change.after->counts[kNoticesOverdue] == 0) continue;
    found = true;
    EXPECT_EQ(change.at, kDue);
    EXPECT_EQ(change.after->department, "departments/housing");
    EXPECT_EQ(change.after->counts[kNotices], 2);
    EXPECT_EQ(change.after->counts[kNoticesEscalated], 1);
  }
  EXPECT_TRUE(found);
}

TEST(NoticePolicy, SwitchesAndTheTopLevelAreChecked) {
  absl::StatusOr<v1::Policy> on = ParsePolicy(
      "version = t\nurge_at_warning = 1\nurge_at_yellow_card = 1\n"
      "notice_answer_working_days = 2\nnotice_top_level = 3\n",
      "test");
  ASSERT_TRUE(on.ok()) << on.status();
  EXPECT_TRUE(on->urge_at_warning());
  EXPECT_TRUE(on->urge_at_yellow_card());
  EXPECT_EQ(on->notice_answer_working_days(), 2);
  EXPECT_EQ(on->notice_top_level(), 3);
  absl::StatusOr<v1::Policy> defaults = ParsePolicy("version = t\n", "test");
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->urge_at_warning());
  EXPECT_EQ(defaults->notice_answer_working_days(), 1);
  EXPECT_EQ(defaults->notice_top_level(), 4);
  EXPECT_FALSE(ParsePolicy("version = t\nnotice_top_level = 5\n", "t").ok());
  absl::StatusOr<v1::Policy> two =
      ParsePolicy("version = t\nurge_at_warning = 2\n", "t");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("urge_at_warning must be 0"),
            std::string::npos);
}

}  // namespace
}  // namespace hotline
