// Suspension of the time limit (挂起): a department that has signed for a
// ticket (IN_PROGRESS) asks to stop its clock for a stated reason until an
// expected end, at most the policy's suspension_max_days calendar days
// ahead (long-cycle matters: a court ruling, a land acquisition); the
// bureau approves or rejects, as with extensions.
//
// A request stops nothing: deadlines run and cards fall until the bureau
// approves it. Approved, the ticket is SUSPENDED: no deadline runs, no
// card falls, no daily report (一日一报) is owed; cards that fell already
// stay. It resumes (IN_PROGRESS) by ResumeTicket (the department or the
// bureau) or, at the approved end, by the sweeper: every deadline still
// pending when the clock stopped keeps the working time it had left then
// (WorkingDayCalendar::MoveByPause), and daily reports are owed again from
// the resumption's working day on. Each step is an event.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_SUSPENSION_RULES_H_
#define HOTLINE_WORKFLOW_SUSPENSION_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// INVALID_ARGUMENT (SUSPENSION_TOO_LONG) for an expected end not after now
// or more than suspension_max_days ahead; FAILED_PRECONDITION when the
// ticket is not IN_PROGRESS or a request is pending already.
absl::StatusOr<TicketChange> RequestSuspension(const v1::Ticket& ticket,
                                               absl::string_view reason,
                                               absl::Time expected_end,
                                               absl::string_view etag,
                                               const ActionContext& context,
                                               const DeadlineRules& rules);

// IN_PROGRESS -> SUSPENDED until the request's expected end.
// FAILED_PRECONDITION (SUSPENSION_NOT_PENDING) with no request pending, or
// when its expected end has passed (it lapsed: reject it).
absl::StatusOr<TicketChange> ApproveSuspension(const v1::Ticket& ticket,
                                               absl::string_view etag,
                                               const ActionContext& context);

absl::StatusOr<TicketChange> RejectSuspension(const v1::Ticket& ticket,
                                              absl::string_view reason,
                                              absl::string_view etag,
                                              const ActionContext& context);

// SUSPENDED -> IN_PROGRESS at `context.now`, the deadlines moved past the
// pause.
absl::StatusOr<TicketChange> Resume(const v1::Ticket& ticket,
                                    absl::string_view note,
                                    absl::string_view etag,
                                    const ActionContext& context,
                                    const DeadlineRules& rules);

// For the sweeper: when a SUSPENDED ticket resumes by itself (its approved
// end, or its last change if that came later); InfiniteFuture otherwise.
absl::Time SuspensionEnd(const v1::Ticket& ticket);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_SUSPENSION_RULES_H_
