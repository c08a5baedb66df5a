// Merged duplicates (并单): the bureau merges a ticket that repeats another's
// demand into that main ticket, so that one department answers both.
//
//  RECEIVED | DISPATCHED | IN_PROGRESS | RETURNED -Merge-> MERGED
//  MERGED -(main replied)-> REPLIED -(main closed)-> CLOSED
//  REPLIED | CLOSED -(main reopened)-> MERGED
//  MERGED | REPLIED -Unmerge-> DISPATCHED (to the department it was merged
//                              from, deadlines from now) | RECEIVED
//
// A merged ticket leaves its department's queue: no department, deadline,
// card or daily report of its own (cards that fell before stay). It follows
// its main (FollowMain): the main's reply, close and reopen are recorded on
// it, in the same commit, as events of the same type naming the main, so
// each platform number gets its answer. Following a reply it takes the
// main's department, reply, reply time and reply deadline, so it counts as
// replied, and on time, exactly as its main (stat_facts.h); a callback's
// rating (满意度) stays the main caller's and is not copied.
//
// There are no chains: a main ticket is never merged itself, and a ticket
// with tickets merged into it is not merged. Every step but Unmerge is
// refused on a merged ticket (CheckNotMerged).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_MERGE_RULES_H_
#define HOTLINE_WORKFLOW_MERGE_RULES_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// A step that changes two tickets: the one the request names, and another
// (a merge's main ticket, a link's other end).
struct TicketPairChange {
  TicketChange ticket;
  TicketChange other;
};

// FAILED_PRECONDITION (TICKET_MERGED) when `ticket` is merged: it follows
// its main, and `method` must be taken on the main (or after an unmerge).
absl::Status CheckNotMerged(const v1::Ticket& ticket, absl::string_view method);

// FAILED_PRECONDITION (NOT_MERGED) when `ticket` is not merged.
absl::Status CheckMerged(const v1::Ticket& ticket);

// Merges `ticket` into `main` for `reason`. INVALID_ARGUMENT when they are
// the same ticket; FAILED_PRECONDITION: TICKET_STATE for a ticket not
// RECEIVED, DISPATCHED, IN_PROGRESS or RETURNED, or a main already replied
// or closed; MERGE_CHAIN when `main` is merged or `ticket` has tickets
// merged into it.
absl::StatusOr<TicketPairChange> Merge(const v1::Ticket& ticket,
                                       const v1::Ticket& main,
                                       absl::string_view reason,
                                       absl::string_view etag,
                                       const ActionContext& context);

// Takes `ticket` out of `main` (its main ticket) for `reason`, under `rules`
// for the deadlines of its new dispatch. FAILED_PRECONDITION: NOT_MERGED,
// or TICKET_STATE when it is CLOSED (its main was closed).
absl::StatusOr<TicketPairChange> Unmerge(const v1::Ticket& ticket,
                                         const v1::Ticket& main,
                                         absl::string_view reason,
                                         absl::string_view etag,
                                         const ActionContext& context,
                                         const DeadlineRules& rules);

// What `merged` becomes after its main took the step `main_step` (the
// main's change): nothing when the step leaves it as it is.
std::optional<TicketChange> FollowMain(const v1::Ticket& merged,
                                       const TicketChange& main_step,
                                       const ActionContext& context);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_MERGE_RULES_H_
