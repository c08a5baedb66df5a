#include "workflow/calendar_coverage.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/proto_time.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Ticket;

bool IsOpen(const Ticket& t) {
  return t.state() == Ticket::DISPATCHED || t.state() == Ticket::IN_PROGRESS;
}

// The ticket's deadlines still pending in its state and flags (those set):
// each one a later calendar may move. Never sets a field.
std::vector<const google::protobuf::Timestamp*> PendingDeadlines(
    const Ticket& t) {
  std::vector<const google::protobuf::Timestamp*> pending;
  if (!IsOpen(t)) return pending;
  auto add = [&pending](bool has, const google::protobuf::Timestamp& at,
                        bool still_pending) {
    if (has && still_pending) pending.push_back(&at);
  };
  add(t.has_ack_due_at(), t.ack_due_at(),
      t.state() == Ticket::DISPATCHED && !t.ack_overdue());
  add(t.has_return_due_at(), t.return_due_at(), true);
  add(t.has_warning_at(), t.warning_at(), !t.due_soon());
  add(t.has_reply_due_at(), t.reply_due_at(), !t.reply_overdue());
  add(t.has_red_card_due_at(), t.red_card_due_at(),
      t.reply_overdue() && !t.long_overdue());
  add(t.has_daily_report_due_at(), t.daily_report_due_at(),
      t.state() == Ticket::IN_PROGRESS);
  return pending;
}

// Monday to Friday in (after, through]: the working days a calendar counts
// past the last date it covers.
int WeekdaysAfter(absl::CivilDay after, absl::CivilDay through) {
  int count = 0;
  for (absl::CivilDay day = after + 1; day <= through; ++day) {
    const absl::Weekday weekday = absl::GetWeekday(day);
    if (weekday != absl::Weekday::saturday &&
        weekday != absl::Weekday::sunday) {
      ++count;
    }
  }
  return count;
}

// A deadline that ends a working day past `old_last`, counted again on
// `calendar`: the same number of working days after `old_last`.
absl::Time Recount(absl::Time deadline, absl::CivilDay old_last,
                   const WorkingDayCalendar& calendar) {
  if (deadline <= calendar.StartOfDay(old_last + 1)) return deadline;
  const absl::CivilDay ends =
      calendar.LocalDay(deadline - absl::Microseconds(1));
  if (calendar.StartOfDay(ends + 1) != deadline)
    return deadline;  // clock hours
  const int working_days = WeekdaysAfter(old_last, ends);
  if (working_days == 0) return deadline;
  return calendar.EndOfWorkingDays(calendar.StartOfDay(old_last), working_days);
}

}  // namespace

void MarkProvisionalDeadlines(Ticket& ticket,
                              const WorkingDayCalendar& calendar) {
  const absl::Time end = calendar.StartOfDay(calendar.covered_through() + 1);
  for (const google::protobuf::Timestamp* at : PendingDeadlines(ticket)) {
    if (IsSet(*at) && FromProtoTime(*at) > end) {
      ticket.set_deadlines_provisional_after(
          absl::FormatCivilTime(calendar.covered_through()));
      return;
    }
  }
  ticket.clear_deadlines_provisional_after();
}

std::optional<TicketChange> RecomputeProvisionalDeadlines(
    const Ticket& ticket, absl::Time now, const DeadlineRules& rules) {
  absl::CivilDay old_last;
  if (!IsOpen(ticket) || ticket.deadlines_provisional_after().empty() ||
      !absl::ParseCivilTime(ticket.deadlines_provisional_after(), &old_last) ||
      rules.calendar->covered_through() <= old_last) {
    return std::nullopt;
  }
  const WorkingDayCalendar& calendar = *rules.calendar;
  TicketChange change{ticket, Event()};
  Ticket& t = change.ticket;
  struct Named {
    const char* what;
    bool has;
    google::protobuf::Timestamp* (Ticket::*at)();
    bool pending;
  };
  const Named deadlines[] = {
      {"sign-for", t.has_ack_due_at(), &Ticket::mutable_ack_due_at,
       t.state() == Ticket::DISPATCHED && !t.ack_overdue()},
      {"return window", t.has_return_due_at(), &Ticket::mutable_return_due_at,
       true},
      {"reply", t.has_reply_due_at(), &Ticket::mutable_reply_due_at,
       !t.reply_overdue()},
      {"red card", t.has_red_card_due_at(), &Ticket::mutable_red_card_due_at,
       t.reply_overdue() && !t.long_overdue()},
      {"daily report", t.has_daily_report_due_at(),
       &Ticket::mutable_daily_report_due_at, t.state() == Ticket::IN_PROGRESS},
  };
  std::vector<std::string> moved;
  for (const Named& d : deadlines) {
    // Only deadlines that are set: a mutable accessor would create the rest.
    if (!d.pending || !d.has) continue;
    google::protobuf::Timestamp* at = (t.*d.at)();
    const absl::Time was = FromProtoTime(*at);
    if (was <= now) continue;
    const absl::Time is = Recount(was, old_last, calendar);
    if (is == was) continue;
    *at = ToProtoTime(is);
    moved.push_back(absl::StrCat(d.what, " ", calendar.FormatDeadline(is),
                                 " (was ", calendar.FormatDeadline(was), ")"));
  }
  if (!t.due_soon() && t.has_reply_due_at() &&
      FromProtoTime(t.reply_due_at()) != FromProtoTime(ticket.reply_due_at())) {
    *t.mutable_warning_at() =
        ToProtoTime(WarningBefore(FromProtoTime(t.reply_due_at()), rules));
  }
  MarkProvisionalDeadlines(t, calendar);
  *t.mutable_update_time() = ToProtoTime(now);
  const absl::Time next = NextDue(t);
  if (next == absl::InfiniteFuture()) {
    t.clear_next_due_at();
  } else {
    *t.mutable_next_due_at() = ToProtoTime(next);
  }
  Event& event = change.event;
  event.set_ticket(t.name());
  event.set_type(Event::DEADLINES_RECOMPUTED);
  event.set_actor(kCalendarActor);
  *event.mutable_time() = ToProtoTime(now);
  event.set_state_before(t.state());
  event.set_state_after(t.state());
  event.set_department(t.department());
  event.set_reason(absl::StrCat(
      "the working-day calendar now covers through ",
      absl::FormatCivilTime(calendar.covered_through()), " (was ",
      ticket.deadlines_provisional_after(),
      "): ", moved.empty() ? "no deadline moved" : absl::StrJoin(moved, "; ")));
  return change;
}

std::string CoverageWarning(const WorkingDayCalendar& calendar,
                            absl::Time now) {
  const absl::CivilDay today = calendar.LocalDay(now);
  const absl::CivilDay last = calendar.covered_through();
  const int64_t days_left = last - today;
  if (days_left >= kCoverageWarningDays) return "";
  const std::string when =
      days_left >= 0 ? absl::StrCat("ends on ", absl::FormatCivilTime(last),
                                    ", in ", days_left, " day(s)")
                     : absl::StrCat("ended on ", absl::FormatCivilTime(last));
  return absl::StrCat(
      "the working-day calendar ", when,
      ": deadlines after it count every weekday as a working day and are "
      "marked provisional; add the next year's official holiday schedule "
      "to the calendar file (--calendar) and restart, and they are computed "
      "again");
}

}  // namespace hotline
