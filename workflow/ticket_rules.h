// The ticket lifecycle as pure functions: (ticket, request, actor, now) ->
// the new ticket and the one event that records the step, or an error. No
// I/O; the caller stores both in one transaction.
//
//  CreateTicket -> RECEIVED -Dispatch-> DISPATCHED -Acknowledge-> IN_PROGRESS
//  IN_PROGRESS -Reply-> REPLIED -Close-> CLOSED
//  DISPATCHED | IN_PROGRESS -Return-> RETURNED -Dispatch-> DISPATCHED
//  RETURNED -RefuseReturn-> DISPATCHED | IN_PROGRESS (return_review_rules.h)
//  IN_PROGRESS -ApproveSuspension-> SUSPENDED -Resume-> IN_PROGRESS
//                                                  (suspension_rules.h)
//  DISPATCHED | IN_PROGRESS -Dispatch (reassign)-> DISPATCHED
//  REPLIED | CLOSED -Reopen-> IN_PROGRESS (same department)
//  REPLIED (review pending) -SendBackReply-> IN_PROGRESS
//                                                  (reply_review_rules.h)
//
// A step not allowed from the ticket's state is FAILED_PRECONDITION naming the
// state; a non-empty etag that differs from the ticket's is ABORTED. The
// caller checks access (access.h) and field syntax (validation.h) first.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_TICKET_RULES_H_
#define HOTLINE_WORKFLOW_TICKET_RULES_H_

#include <initializer_list>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/principal.h"

namespace hotline {

// Who acts, and when.
struct ActionContext {
  Principal actor;
  absl::Time now;
};

// The result of one step. The event's seq, and for a new ticket the names,
// are assigned by the store.
struct TicketChange {
  v1::Ticket ticket;
  v1::Event event;
};

// A new RECEIVED ticket from the caller-settable fields of `draft` (output
// only fields are dropped; received_at defaults to now, urgency to NORMAL).
TicketChange NewTicket(const v1::Ticket& draft, const ActionContext& context);

// Who may learn of a ticket by its source_id (the platform's ticket number,
// unique among tickets): a new ticket whose source_id `existing` already
// carries is ALREADY_EXISTS and nothing is created. The ticket's creator and
// the bureau learn which ticket it is (reason DUPLICATE_SOURCE_ID, with its
// name: a re-sent row); any other caller is not told its name (reason
// ALREADY_EXISTS). OK when `existing` is null (the source_id is free).
absl::Status CheckSourceIdFree(const Principal& caller,
                               absl::string_view source_id,
                               const v1::Ticket* existing);

// Assigns the ticket to `department` ("departments/{id}", known to exist)
// and gives it a fresh set of deadlines and flags under `rules`.
absl::StatusOr<TicketChange> Dispatch(const v1::Ticket& ticket,
                                      absl::string_view department,
                                      absl::string_view note,
                                      absl::string_view etag,
                                      const ActionContext& context,
                                      const DeadlineRules& rules);

// The ticket then owes daily reports (daily_report_rules.h).
absl::StatusOr<TicketChange> Acknowledge(const v1::Ticket& ticket,
                                         absl::string_view etag,
                                         const ActionContext& context,
                                         const DeadlineRules& rules);

// Refused once the return window (return_due_at) has passed. The ticket
// keeps the assignment it leaves as its pending_return, for the bureau's
// review.
absl::StatusOr<TicketChange> Return(const v1::Ticket& ticket,
                                    absl::string_view reason,
                                    absl::string_view etag,
                                    const ActionContext& context);

// With assisting departments (assist_rules.h) whose opinion is not in,
// refused (OPINIONS_MISSING) unless `missing_opinions_reason` says why;
// the reason is kept on the ticket.
absl::StatusOr<TicketChange> Reply(
    const v1::Ticket& ticket, absl::string_view reply_text,
    v1::Ticket::Outcome outcome, absl::string_view etag,
    const ActionContext& context,
    absl::string_view missing_opinions_reason = "");

absl::StatusOr<TicketChange> Close(const v1::Ticket& ticket,
                                   v1::Ticket::Satisfaction satisfaction,
                                   absl::string_view etag,
                                   const ActionContext& context);

// Restarts the department's reply clock under `rules`.
absl::StatusOr<TicketChange> Reopen(const v1::Ticket& ticket,
                                    absl::string_view reason,
                                    absl::string_view etag,
                                    const ActionContext& context,
                                    const DeadlineRules& rules);

// Building blocks for the other rule files (extension, sweep, card rules).
//
// Checks the etag and that the ticket is in one of `allowed` states.
absl::Status CheckStep(const v1::Ticket& ticket, absl::string_view etag,
                       absl::string_view method,
                       std::initializer_list<v1::Ticket::State> allowed);
// Starts a change: the ticket moves to `after` at `now`, with an event of
// `type` by the context's actor.
TicketChange BeginStep(const v1::Ticket& ticket, v1::Event::Type type,
                       v1::Ticket::State after, const ActionContext& context);
// Clears every deadline and flag of the current assignment (the
// department and its sign-for time are the caller's).
void ClearAssignment(v1::Ticket& t);
// Clears what a reply and a close left on a ticket: the result, its times,
// the deadline it was judged by, the rating, a final answer's close.
void ClearReply(v1::Ticket& t);
// Finishes a change: the event records where the ticket is (and was, when
// that changed); the ticket's next_due_at is brought up to date.
void FinishStep(const v1::Ticket& before, TicketChange& change);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_TICKET_RULES_H_
