#include "workflow/deadlines.h"

#include <algorithm>

#include "common/proto_time.h"
#include "workflow/assist_rules.h"
#include "workflow/notice_rules.h"

namespace hotline {
namespace {

bool IsClockLimited(v1::Ticket::Urgency urgency) {
  return urgency == v1::Ticket::URGENT || urgency == v1::Ticket::CRITICAL;
}

int ReplyWorkingDays(v1::Ticket::Type type, const v1::Policy& policy) {
  auto it = policy.reply_working_days().find(v1::Ticket::Type_Name(type));
  return it != policy.reply_working_days().end() ? it->second : 15;
}

}  // namespace

Deadlines ComputeReplyDeadline(v1::Ticket::Type type,
                               v1::Ticket::Urgency urgency, absl::Time start,
                               const DeadlineRules& rules) {
  const v1::Policy& policy = *rules.policy;
  Deadlines deadlines;
  if (IsClockLimited(urgency)) {
    const absl::Duration limit = absl::Hours(
        urgency == v1::Ticket::URGENT ? policy.urgent_reply_clock_hours()
                                      : policy.critical_reply_clock_hours());
    deadlines.reply_due = start + limit;
    deadlines.warning = start + limit * policy.clock_warning_percent() / 100;
  } else {
    deadlines.reply_due =
        rules.calendar->EndOfWorkingDays(start, ReplyWorkingDays(type, policy));
    deadlines.warning =
        std::max(start, WarningBefore(deadlines.reply_due, rules));
  }
  return deadlines;
}

Deadlines ComputeDeadlines(v1::Ticket::Type type, v1::Ticket::Urgency urgency,
                           absl::Time start, const DeadlineRules& rules) {
  const v1::Policy& policy = *rules.policy;
  Deadlines deadlines = ComputeReplyDeadline(type, urgency, start, rules);
  if (IsClockLimited(urgency)) {
    deadlines.ack_due =
        start + absl::Minutes(urgency == v1::Ticket::URGENT
                                  ? policy.urgent_ack_clock_minutes()
                                  : policy.critical_ack_clock_minutes());
  } else {
    deadlines.ack_due =
        rules.calendar->EndOfWorkingDays(start, policy.ack_working_days());
  }
  deadlines.return_due = rules.calendar->EndOfWorkingDays(
      start, policy.return_window_working_days());
  return deadlines;
}

absl::Time WarningBefore(absl::Time reply_due, const DeadlineRules& rules) {
  return rules.calendar->StartOfLastWorkingDays(
      reply_due, rules.policy->warning_working_days());
}

absl::Time RedCardPoint(absl::Time reply_due, const DeadlineRules& rules) {
  return rules.calendar->ExtendByWorkingDays(
      reply_due, rules.policy->red_card_working_days());
}

absl::Time NextDue(const v1::Ticket& ticket) {
  absl::Time next = absl::InfiniteFuture();
  if (ticket.state() == v1::Ticket::SUSPENDED) {
    // Only the approved end of the suspension runs (suspension_rules.h).
    return IsSet(ticket.suspension().expected_end())
               ? FromProtoTime(ticket.suspension().expected_end())
               : next;
  }
  const bool open = ticket.state() == v1::Ticket::DISPATCHED ||
                    ticket.state() == v1::Ticket::IN_PROGRESS;
  if (!open) return next;
  auto consider = [&next](const google::protobuf::Timestamp& at, bool pending) {
    if (pending && IsSet(at)) next = std::min(next, FromProtoTime(at));
  };
  consider(ticket.ack_due_at(),
           ticket.state() == v1::Ticket::DISPATCHED && !ticket.ack_overdue());
  consider(ticket.warning_at(), !ticket.due_soon());
  // A pending extension was asked before the deadline: it holds the
  // verdict until the bureau decides.
  consider(ticket.reply_due_at(),
           !ticket.reply_overdue() && !ticket.has_pending_extension());
  consider(ticket.red_card_due_at(),
           ticket.reply_overdue() && !ticket.long_overdue());
  consider(ticket.daily_report_due_at(),
           ticket.state() == v1::Ticket::IN_PROGRESS);
  return std::min({next, NextAssistDue(ticket), NextNoticeDue(ticket)});
}

}  // namespace hotline
