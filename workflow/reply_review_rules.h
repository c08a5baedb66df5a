// Reply review (办结审核): when the policy says so (Policy.review_replies),
// a department's reply waits for the bureau before the callback and close:
//
//   Reply -> REPLIED, review PENDING
//     -AcceptReply-> REPLIED, review ACCEPTED (CloseTicket may follow)
//     -SendBackReply (退回重办, reasons from the catalogue SendBackReason,
//      a note)-> IN_PROGRESS, the same department, a new reply deadline
//      of send_back_reply_working_days working days from the send-back
//
// CloseTicket is refused while the review is PENDING (REPLY_NOT_REVIEWED).
// A send-back is not a reopen (重办 by the bureau after the close): it
// counts in its own figure, for the department that replied, by reason
// (stat_facts.h). Without review every reply goes on as before.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_REPLY_REVIEW_RULES_H_
#define HOTLINE_WORKFLOW_REPLY_REVIEW_RULES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// After a Reply step: the reply waits for the bureau's review when
// `policy` reviews replies; nothing changes otherwise.
void RequireReview(TicketChange& reply, const v1::Policy& policy);

// The bureau's decisions on a REPLIED ticket whose review is PENDING;
// FAILED_PRECONDITION (REVIEW_NOT_PENDING) otherwise. `reasons` are
// checked by the caller (CheckSendBackReasons, validation.h).
absl::StatusOr<TicketChange> AcceptReply(const v1::Ticket& ticket,
                                         absl::string_view etag,
                                         const ActionContext& context);
absl::StatusOr<TicketChange> SendBackReply(
    const v1::Ticket& ticket, const std::vector<v1::SendBackReason>& reasons,
    absl::string_view note, absl::string_view etag,
    const ActionContext& context, const DeadlineRules& rules);

// OK unless the reply of `ticket` waits for the review (REPLY_NOT_REVIEWED),
// for CloseTicket.
absl::Status CheckReviewedForClose(const v1::Ticket& ticket);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_REPLY_REVIEW_RULES_H_
