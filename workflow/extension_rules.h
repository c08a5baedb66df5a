// Extensions (延期): a department asks for more working days before its reply
// deadline; the bureau approves (the deadline moves) or rejects. Limits come
// from the policy that set the ticket's deadlines. Each step is an event; the
// ticket's state does not change.
//
// A request made in time holds the verdict while the bureau decides: no
// yellow card falls while it is pending (sweep_rules.h). Approval applies
// the new deadline as if granted in time (the old deadline's passing leaves
// no card and no overdue interval); rejection after the deadline lets the
// card fall at the rejection instant, while the figures count the ticket
// overdue from the original deadline.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_EXTENSION_RULES_H_
#define HOTLINE_WORKFLOW_EXTENSION_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// INVALID_ARGUMENT for a number of days outside 1..extension_max_working_days;
// FAILED_PRECONDITION when the deadline has passed, one is pending, or the
// maximum number was approved already.
absl::StatusOr<TicketChange> RequestExtension(const v1::Ticket& ticket,
                                              int working_days,
                                              absl::string_view reason,
                                              absl::string_view etag,
                                              const ActionContext& context,
                                              const DeadlineRules& rules);

// Moves reply_due_at by the pending extension's working days, counted from
// the deadline it replaces (even when the bureau decides after it).
absl::StatusOr<TicketChange> ApproveExtension(const v1::Ticket& ticket,
                                              absl::string_view etag,
                                              const ActionContext& context,
                                              const DeadlineRules& rules);

absl::StatusOr<TicketChange> RejectExtension(const v1::Ticket& ticket,
                                             absl::string_view reason,
                                             absl::string_view etag,
                                             const ActionContext& context);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_EXTENSION_RULES_H_
