#include "workflow/sweep_rules.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "workflow/assist_rules.h"
#include "workflow/calendar_coverage.h"
#include "workflow/daily_report_rules.h"
#include "workflow/notice_rules.h"
#include "workflow/suspension_rules.h"
#include "workflow/ticket_rules.h"

namespace hotline {
namespace {

using v1::Card;
using v1::Event;
using v1::Ticket;

std::string Local(absl::Time time, const DeadlineRules& rules) {
  return rules.calendar->FormatDeadline(time);
}

Event MakeEvent(const Ticket& ticket, Event::Type type, absl::Time at) {
  Event event;
  event.set_ticket(ticket.name());
  event.set_type(type);
  event.set_actor(kSweeperActor);
  *event.mutable_time() = ToProtoTime(at);
  event.set_state_before(ticket.state());
  event.set_state_after(ticket.state());
  event.set_department(ticket.department());
  for (std::string& department : AssistingDepartments(ticket)) {
    event.add_assisting_departments(std::move(department));
  }
  return event;
}

SweepStep CardStep(Ticket& ticket, Card::Color color, absl::Time at,
                   std::string reason) {
  SweepStep step{MakeEvent(ticket, Event::CARD_ISSUED, at), Card(),
                 std::nullopt};
  Card& card = *step.card;
  card.set_ticket(ticket.name());
  card.set_department(ticket.department());
  card.set_color(color);
  card.set_reason(reason);
  card.set_issuer(kSweeperActor);
  *card.mutable_issue_time() = ToProtoTime(at);
  step.event->set_card_color(color);
  step.event->set_reason(std::move(reason));
  if (color == Card::YELLOW) {
    ticket.set_yellow_cards(ticket.yellow_cards() + 1);
  } else {
    ticket.set_red_cards(ticket.red_cards() + 1);
  }
  return step;
}

// A card of CardStep charged to the assisting department of a part.
void AssignToPart(SweepStep& card, const std::string& department) {
  card.card->set_department(department);
  card.card->set_assist(true);
  card.event->set_assist_department(department);
}

// What fell due of the notices by `until` (notice_rules.h): unanswered
// at their deadline, and the escalations that follow.
void SettleNotices(Ticket& t, absl::Time until, const DeadlineRules& rules,
                   std::vector<SweepStep>& steps) {
  for (NoticeFall& fall : SweepNotices(t, until, kSweeperActor, rules)) {
    SweepStep step{MakeEvent(t, fall.type, fall.at), std::nullopt,
                   std::nullopt};
    DescribeNotice(t.notices(fall.index), *step.event);
    step.event->set_reason(std::move(fall.reason));
    steps.push_back(std::move(step));
  }
}

// The NOTICE_ISSUED step of the policy's own notice (urge_at_warning,
// urge_at_yellow_card) at `at`, unless one is still open then.
void UrgeByPolicy(Ticket& t, v1::Notice::Trigger trigger, absl::Time at,
                  std::string reason, const DeadlineRules& rules,
                  std::vector<SweepStep>& steps) {
  SettleNotices(t, at, rules, steps);
  if (OpenNotice(t) != nullptr) return;
  const v1::Notice& notice = AddNotice(t, v1::Notice::URGING, trigger, reason,
                                       "", kSweeperActor, at, rules);
  SweepStep step{MakeEvent(t, Event::NOTICE_ISSUED, at), std::nullopt,
                 std::nullopt};
  DescribeNotice(notice, *step.event);
  step.event->set_reason(std::move(reason));
  steps.push_back(std::move(step));
}

}  // namespace

SweepResult Sweep(const Ticket& ticket, absl::Time now,
                  const DeadlineRules& rules) {
  SweepResult result{ticket, {}};
  Ticket& t = result.ticket;
  if (t.state() == Ticket::SUSPENDED) {
    // At its approved end the suspension ends by itself: a step of its own,
    // stored as made at that instant (its update_time), so that the
    // figures count the ticket resumed from then on. What falls due after
    // it is the next sweep's (the ticket is due again at once if so).
    const absl::Time end = SuspensionEnd(t);
    if (end > now) return result;
    absl::StatusOr<TicketChange> resumed =
        Resume(t, "the approved suspension (挂起) ended", "",
               ActionContext{Principal::Bureau(), end}, rules);
    if (!resumed.ok()) return result;
    resumed->event.set_actor(kSweeperActor);
    t = std::move(resumed->ticket);
    result.steps.push_back(
        SweepStep{std::move(resumed->event), std::nullopt, std::nullopt});
    return result;
  }
  const bool open =
      t.state() == Ticket::DISPATCHED || t.state() == Ticket::IN_PROGRESS;
  if (!open) return result;

  auto due = [now](const google::protobuf::Timestamp& at) {
    return IsSet(at) && FromProtoTime(at) <= now;
  };
  // What fell due while the ticket was with the bureau (a refused return,
  // return_review_rules.h) falls at the refusal.
  const absl::Time floor = IsSet(t.return_refused_at())
                               ? FromProtoTime(t.return_refused_at())
                               : absl::InfinitePast();
  auto fell = [floor](const google::protobuf::Timestamp& at) {
    return std::max(FromProtoTime(at), floor);
  };
  if (t.state() == Ticket::DISPATCHED && !t.ack_overdue() &&
      due(t.ack_due_at())) {
    t.set_ack_overdue(true);
    SweepStep step{MakeEvent(t, Event::ACK_OVERDUE, fell(t.ack_due_at())),
                   std::nullopt, std::nullopt};
    step.event->set_reason(absl::StrCat(
        "not signed for by ", Local(FromProtoTime(t.ack_due_at()), rules)));
    result.steps.push_back(std::move(step));
  }
  if (!t.due_soon() && due(t.warning_at())) {
    t.set_due_soon(true);
    SweepStep step{MakeEvent(t, Event::DUE_SOON, fell(t.warning_at())),
                   std::nullopt, std::nullopt};
    step.event->set_reason(absl::StrCat(
        "reply due by ", Local(FromProtoTime(t.reply_due_at()), rules)));
    result.steps.push_back(std::move(step));
    if (rules.policy->urge_at_warning()) {
      UrgeByPolicy(t, v1::Notice::AT_WARNING, fell(t.warning_at()),
                   absl::StrCat("答复期限将至: reply due by ",
                                Local(FromProtoTime(t.reply_due_at()), rules)),
                   rules, result.steps);
    }
  }
  // A pending extension (asked before the deadline) holds the yellow card
  // until the bureau decides; a card held back falls at the decision.
  if (!t.reply_overdue() && !t.has_pending_extension() &&
      due(t.reply_due_at())) {
    const absl::Time deadline = FromProtoTime(t.reply_due_at());
    const absl::Time falls =
        IsSet(t.extension_decided_at())
            ? std::max(fell(t.reply_due_at()),
                       FromProtoTime(t.extension_decided_at()))
            : fell(t.reply_due_at());
    t.set_reply_overdue(true);
    *t.mutable_red_card_due_at() = ToProtoTime(RedCardPoint(deadline, rules));
    SweepStep card = CardStep(
        t, Card::YELLOW, falls,
        absl::StrCat("no reply by the deadline ", Local(deadline, rules)));
    if (falls > deadline) {
      card.card->set_reason(absl::StrCat(
          card.card->reason(),
          falls == floor ? " (the ticket was with the bureau until its return "
                           "was refused at "
                         : " (held until the extension was rejected at ",
          Local(falls, rules), ")"));
      card.event->set_reason(card.card->reason());
    }
    std::string urge = absl::StrCat("已超期: ", card.card->reason());
    result.steps.push_back(std::move(card));
    if (rules.policy->urge_at_yellow_card()) {
      UrgeByPolicy(t, v1::Notice::AT_YELLOW_CARD, falls, std::move(urge), rules,
                   result.steps);
    }
  }
  if (t.reply_overdue() && !t.long_overdue() && due(t.red_card_due_at())) {
    // Never before the yellow card, whose fall a pending extension may have
    // held past this point.
    absl::Time point = fell(t.red_card_due_at());
    if (IsSet(t.extension_decided_at())) {
      point = std::max(point, FromProtoTime(t.extension_decided_at()));
    }
    t.set_long_overdue(true);
    result.steps.push_back(CardStep(
        t, Card::RED, point,
        absl::StrCat("still no reply ", rules.policy->red_card_working_days(),
                     " working days after the deadline ",
                     Local(FromProtoTime(t.reply_due_at()), rules))));
  }
  // Assisting parts (协办, assist_rules.h): the sign-for deadline, and the
  // opinion's cards, charged to the assisting department.
  for (int i = 0; i < t.assists_size(); ++i) {
    v1::Assist& part = *t.mutable_assists(i);
    const bool owing = part.state() == v1::Assist::DISPATCHED ||
                       part.state() == v1::Assist::ACKNOWLEDGED;
    if (!owing) continue;
    if (part.state() == v1::Assist::DISPATCHED && !part.ack_overdue() &&
        due(part.ack_due_at())) {
      part.set_ack_overdue(true);
      SweepStep step{
          MakeEvent(t, Event::ASSIST_ACK_OVERDUE, fell(part.ack_due_at())),
          std::nullopt, std::nullopt};
      step.event->set_assist_department(part.department());
      step.event->set_reason(
          absl::StrCat("the assisting part (协办) was not signed for by ",
                       Local(FromProtoTime(part.ack_due_at()), rules)));
      result.steps.push_back(std::move(step));
    }
    if (!part.opinion_overdue() && due(part.opinion_due_at())) {
      const absl::Time deadline = FromProtoTime(part.opinion_due_at());
      part.set_opinion_overdue(true);
      *part.mutable_red_card_due_at() =
          ToProtoTime(RedCardPoint(deadline, rules));
      SweepStep card = CardStep(
          t, Card::YELLOW, fell(part.opinion_due_at()),
          absl::StrCat("no assisting opinion (协办意见) by the deadline ",
                       Local(deadline, rules)));
      AssignToPart(card, part.department());
      result.steps.push_back(std::move(card));
    }
    if (part.opinion_overdue() && !part.long_overdue() &&
        due(part.red_card_due_at())) {
      part.set_long_overdue(true);
      SweepStep card = CardStep(
          t, Card::RED, fell(part.red_card_due_at()),
          absl::StrCat("still no assisting opinion (协办意见) ",
                       rules.policy->red_card_working_days(),
                       " working days after the deadline ",
                       Local(FromProtoTime(part.opinion_due_at()), rules)));
      AssignToPart(card, part.department());
      result.steps.push_back(std::move(card));
    }
  }
  SettleNotices(t, now, rules, result.steps);
  // Daily reports: settle every working day that has ended.
  while (t.state() == Ticket::IN_PROGRESS && due(t.daily_report_due_at())) {
    const absl::Time end = FromProtoTime(t.daily_report_due_at());
    const std::string date = absl::FormatCivilTime(
        rules.calendar->LocalDay(end - absl::Microseconds(1)));
    SweepStep step{
        std::nullopt, std::nullopt,
        DailyObligation{date, t.department(), t.last_report_date() == date}};
    if (!step.obligation->reported) {
      t.set_daily_report_misses(t.daily_report_misses() + 1);
      step.event = MakeEvent(t, Event::DAILY_REPORT_MISSED, end);
      step.event->set_report_date(date);
      step.event->set_reason(
          absl::StrCat("no daily report (一日一报) for ", date));
    }
    result.steps.push_back(std::move(step));
    *t.mutable_daily_report_due_at() =
        ToProtoTime(NextDailyReportDue(end, *rules.calendar));
  }
  // The rules are applied one kind after another; history is kept in the
  // order things fell due (a card at 03-13 after the daily report missed on
  // 03-11), so that no ticket's history runs backwards.
  auto fell_due = [&rules](const SweepStep& step) {
    if (step.event) return FromProtoTime(step.event->time());
    absl::CivilDay day;
    absl::ParseCivilTime(step.obligation->date, &day);
    return rules.calendar->StartOfDay(day + 1);
  };
  std::stable_sort(result.steps.begin(), result.steps.end(),
                   [&](const SweepStep& a, const SweepStep& b) {
                     return fell_due(a) < fell_due(b);
                   });
  if (!result.steps.empty()) {
    MarkProvisionalDeadlines(t, *rules.calendar);
    *t.mutable_update_time() = ToProtoTime(now);
    const absl::Time next = NextDue(t);
    if (next == absl::InfiniteFuture()) {
      t.clear_next_due_at();
    } else {
      *t.mutable_next_due_at() = ToProtoTime(next);
    }
  }
  return result;
}

}  // namespace hotline
