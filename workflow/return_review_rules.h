// Review of returns (派单异议审核): a department's return (退单) waits in
// RETURNED for the bureau, which either accepts it, by dispatching the
// ticket again (ticket_rules.h, Dispatch), or refuses it (不当退单): the
// ticket goes back to the department that returned it, in the state it
// left (DISPATCHED or IN_PROGRESS), with its first dispatch's deadlines and
// flags. Those deadlines kept running while the ticket was RETURNED: one
// that passed meanwhile falls due at the next sweep, at its own instant.
// Daily reports (一日一报) are owed again from the refusal on: the days the
// ticket spent with the bureau owe none.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_RETURN_REVIEW_RULES_H_
#define HOTLINE_WORKFLOW_RETURN_REVIEW_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// The assignment `ticket` (DISPATCHED or IN_PROGRESS) has, as a return made
// at `now` for `reason` leaves it for review.
v1::PendingReturn SaveAssignment(const v1::Ticket& ticket,
                                 absl::string_view reason, absl::Time now);

// RETURNED -> the saved state, for the department that returned it.
// FAILED_PRECONDITION (RETURN_NOT_REVIEWABLE) for a ticket returned before
// returns were kept for review.
absl::StatusOr<TicketChange> RefuseReturn(const v1::Ticket& ticket,
                                          absl::string_view reason,
                                          absl::string_view etag,
                                          const ActionContext& context,
                                          const DeadlineRules& rules);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_RETURN_REVIEW_RULES_H_
