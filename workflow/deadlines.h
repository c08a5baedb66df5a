// Deadlines of one assignment of a ticket, from the policy and the calendar
// (docs/workflow.md, "Deadlines, warnings and cards"):
//   sign-for   N working days after dispatch (urgent/critical: clock minutes)
//   reply      N working days by type (urgent/critical: clock hours)
//   warning    the start of the last `warning_working_days` working days
//              before the reply deadline (clock limits: a share of the time)
//   return     `return_window_working_days` after dispatch
//   red card   `red_card_working_days` working days after the reply deadline
// "N working days" ends at 24:00 local time of the Nth working day, counting
// from the day after the start.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_DEADLINES_H_
#define HOTLINE_WORKFLOW_DEADLINES_H_

#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/calendar.h"

namespace hotline {

// What deadline rules need: the policy in force and the calendar. Both must
// outlive the rules that use them.
struct DeadlineRules {
  const v1::Policy* policy;
  const WorkingDayCalendar* calendar;
};

struct Deadlines {
  absl::Time ack_due;
  absl::Time reply_due;
  absl::Time warning;
  absl::Time return_due;
};

// The deadlines of a ticket of this type and urgency dispatched at `start`.
Deadlines ComputeDeadlines(v1::Ticket::Type type, v1::Ticket::Urgency urgency,
                           absl::Time start, const DeadlineRules& rules);

// The reply deadline and warning of a ticket whose clock restarts at `start`
// (reopen).
Deadlines ComputeReplyDeadline(v1::Ticket::Type type,
                               v1::Ticket::Urgency urgency, absl::Time start,
                               const DeadlineRules& rules);

// The warning for a reply deadline that an extension moved.
absl::Time WarningBefore(absl::Time reply_due, const DeadlineRules& rules);

// When the red card falls for a ticket whose reply deadline is `reply_due`.
absl::Time RedCardPoint(absl::Time reply_due, const DeadlineRules& rules);

// The nearest instant at which the sweeper has something to do for the
// ticket in its current state and flags (for a SUSPENDED ticket: the
// suspension's approved end), or absl::InfiniteFuture().
absl::Time NextDue(const v1::Ticket& ticket);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_DEADLINES_H_
