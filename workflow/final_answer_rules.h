// Final answers (最终答复): for a demand that has been lawfully and fully
// answered, the department that holds the ticket gives a final answer with
// its basis; the bureau approves or rejects it (the ticket's state does not
// change; each step is an event). A later ticket from the same caller on
// the same matter, not dispatched yet (RECEIVED or RETURNED), the bureau
// may then close with a reference to the approved answer instead of
// dispatching it: it is CLOSED, its reply the final answer's text, and it
// counts as closed by final answer — never as replied, pending or late
// (stat_facts.h). "The same caller" is checked as the same caller phone
// (both set); "the same matter" is the bureau's judgment.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_FINAL_ANSWER_RULES_H_
#define HOTLINE_WORKFLOW_FINAL_ANSWER_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// On an IN_PROGRESS or REPLIED ticket; FAILED_PRECONDITION
// (FINAL_ANSWER_EXISTS) while one waits or once one was approved.
absl::StatusOr<TicketChange> SubmitFinalAnswer(const v1::Ticket& ticket,
                                               absl::string_view answer,
                                               absl::string_view basis,
                                               absl::string_view etag,
                                               const ActionContext& context);

// FAILED_PRECONDITION (FINAL_ANSWER_NOT_APPROVED) when none waits.
absl::StatusOr<TicketChange> ApproveFinalAnswer(const v1::Ticket& ticket,
                                                absl::string_view etag,
                                                const ActionContext& context);
absl::StatusOr<TicketChange> RejectFinalAnswer(const v1::Ticket& ticket,
                                               absl::string_view reason,
                                               absl::string_view etag,
                                               const ActionContext& context);

// Closes `ticket` (RECEIVED or RETURNED) with the approved final answer of
// `answered`. FAILED_PRECONDITION: FINAL_ANSWER_NOT_APPROVED when
// `answered` carries no approved final answer, NOT_THE_SAME_CALLER when
// the caller phones differ or one is missing.
absl::StatusOr<TicketChange> CloseByFinalAnswer(const v1::Ticket& ticket,
                                                const v1::Ticket& answered,
                                                absl::string_view note,
                                                absl::string_view etag,
                                                const ActionContext& context);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_FINAL_ANSWER_RULES_H_
