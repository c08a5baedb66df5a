// Links between tickets (关联): the bureau records that two tickets belong
// together (the same place, the same cause) without merging them; each
// keeps its own department, deadlines and figures. A link is recorded on
// both tickets (Ticket.links), each step an event on both (LINKED,
// UNLINKED). Links change no state and no figure; any two tickets may be
// linked, whatever their states, except a merged ticket (it follows its
// main: link the main).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_LINK_RULES_H_
#define HOTLINE_WORKFLOW_LINK_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/merge_rules.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// INVALID_ARGUMENT when they are the same ticket; FAILED_PRECONDITION
// ALREADY_LINKED, or TICKET_MERGED for a merged `other`.
absl::StatusOr<TicketPairChange> Link(const v1::Ticket& ticket,
                                      const v1::Ticket& other,
                                      absl::string_view reason,
                                      absl::string_view etag,
                                      const ActionContext& context);

// FAILED_PRECONDITION NOT_LINKED when they are not linked.
absl::StatusOr<TicketPairChange> Unlink(const v1::Ticket& ticket,
                                        const v1::Ticket& other,
                                        absl::string_view reason,
                                        absl::string_view etag,
                                        const ActionContext& context);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_LINK_RULES_H_
