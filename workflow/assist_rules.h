// Lead and assisting departments (主办/协办): a ticket that crosses
// departments has one lead (Ticket.department), who alone replies, and any
// number of assisting departments (Ticket.assists), each with its own part:
//
//   (added) DISPATCHED -AcknowledgeAssist-> ACKNOWLEDGED
//           -SubmitAssistOpinion-> OPINION_GIVEN
//   DISPATCHED | ACKNOWLEDGED -ReturnAssist (within its window)-> RETURNED
//   any active part -RemoveAssist (bureau)-> REMOVED
//
// A part's deadlines (docs/workflow.md, "Lead and assisting departments"):
//   sign-for   as a lead's, from when the part was added;
//   return     the policy's return window, from when it was added;
//   opinion    assist_opinion_working_days after the sign-for, or after
//              the sign-for deadline when that is earlier (until the
//              sign-for, and for a late sign-for), never after the lead's
//              reply deadline;
//   cards      a yellow card to the assisting department when its opinion
//              deadline passes without an opinion, a red card
//              red_card_working_days later, as the lead's.
// They run while the ticket is DISPATCHED or IN_PROGRESS, stop while it is
// SUSPENDED (moved on resume by the time it stood still), and end with the
// lead's reply. An assisting department owes no daily report (一日一报):
// the lead reports for the ticket.
//
// The parts of an assisting department are steps on the ticket, each one
// event naming the department (Event.assist_department); every event of
// the ticket lists its active assisting departments
// (Event.assisting_departments), who see it on their feed.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_ASSIST_RULES_H_
#define HOTLINE_WORKFLOW_ASSIST_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// A part that is not returned or removed: its department sees the ticket.
bool IsActiveAssist(const v1::Assist& assist);
// The active part of `department` ("departments/{id}"), or null.
const v1::Assist* FindActiveAssist(const v1::Ticket& ticket,
                                   absl::string_view department);
// The departments of the active parts, in the order they were added.
std::vector<std::string> AssistingDepartments(const v1::Ticket& ticket);
// The active parts whose opinion is not in yet.
std::vector<std::string> MissingOpinions(const v1::Ticket& ticket);

// Adds a part for each of `departments` (existing departments, checked by
// the caller) to `t`, as of `context.now`, with the deadlines above.
// INVALID_ARGUMENT (ASSIST_IS_LEAD) for the lead; FAILED_PRECONDITION
// (ALREADY_ASSISTING) for a department already assisting. A department
// whose earlier part was returned or removed is asked again. For use by
// the rules below and by a dispatch that names assisting departments.
absl::Status AddAssistParts(v1::Ticket& t,
                            const std::vector<std::string>& departments,
                            absl::string_view note,
                            const ActionContext& context,
                            const DeadlineRules& rules);

// Dispatch (ticket_rules.h) to `department`, adding `assisting` parts in
// the same step (one DISPATCHED event). Dispatching to a department that
// assists the ticket is FAILED_PRECONDITION (ALREADY_ASSISTING): the
// bureau removes that part first.
absl::StatusOr<TicketChange> DispatchWithAssists(
    const v1::Ticket& ticket, absl::string_view department,
    const std::vector<std::string>& assisting, absl::string_view note,
    absl::string_view etag, const ActionContext& context,
    const DeadlineRules& rules);

// The bureau's steps, on a DISPATCHED or IN_PROGRESS ticket (an added
// part) or on one not closed (a removal). A removal of a department whose
// opinion the lead's reply rests on (the ticket is REPLIED or CLOSED and
// the opinion is in) is FAILED_PRECONDITION (OPINION_RELIED_ON).
absl::StatusOr<TicketChange> AddAssist(const v1::Ticket& ticket,
                                       absl::string_view department,
                                       absl::string_view note,
                                       absl::string_view etag,
                                       const ActionContext& context,
                                       const DeadlineRules& rules);
absl::StatusOr<TicketChange> RemoveAssist(const v1::Ticket& ticket,
                                          absl::string_view department,
                                          absl::string_view reason,
                                          absl::string_view etag,
                                          const ActionContext& context);

// The assisting department's own steps (the actor's department), while the
// ticket is DISPATCHED, IN_PROGRESS or SUSPENDED. FAILED_PRECONDITION:
// NOT_ASSISTING when the actor has no active part, ASSIST_STATE when the
// part is not in a state for the step (a second sign-for, an opinion
// before the sign-for, a return after the window or after the opinion).
absl::StatusOr<TicketChange> AcknowledgeAssist(const v1::Ticket& ticket,
                                               absl::string_view etag,
                                               const ActionContext& context,
                                               const DeadlineRules& rules);
absl::StatusOr<TicketChange> ReturnAssist(const v1::Ticket& ticket,
                                          absl::string_view reason,
                                          absl::string_view etag,
                                          const ActionContext& context);
absl::StatusOr<TicketChange> SubmitAssistOpinion(const v1::Ticket& ticket,
                                                 absl::string_view opinion,
                                                 absl::string_view etag,
                                                 const ActionContext& context);

// Before the lead's reply: OK when every active part's opinion is in, or
// `missing_opinions_reason` says why the lead replies without them;
// FAILED_PRECONDITION (OPINIONS_MISSING, naming them) otherwise.
absl::Status CheckOpinionsBeforeReply(
    const v1::Ticket& ticket, absl::string_view missing_opinions_reason);

// The nearest pending instant of the active parts' deadlines (the ticket
// DISPATCHED or IN_PROGRESS), or absl::InfiniteFuture().
absl::Time NextAssistDue(const v1::Ticket& ticket);

// On resume from a suspension that began at `paused`: every pending
// deadline of the active parts moves as the lead's
// (WorkingDayCalendar::MoveByPause).
void MoveAssistDeadlines(v1::Ticket& t, absl::Time paused, absl::Time now,
                         const DeadlineRules& rules);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_ASSIST_RULES_H_
