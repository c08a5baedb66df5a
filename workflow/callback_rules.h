// Callbacks (回访) and appeals of a rating (申诉, 好差评):
//
//   REPLIED (review accepted, when replies are reviewed)
//     -RecordCallback (an attempt: channel, result)-> REPLIED, the attempt
//      kept in callback_attempts; the callback_max_attempts-th attempt in
//      a row that did not reach the caller (UNREACHABLE or REFUSED) closes
//      the ticket as unreachable: CLOSED, no rating, closed_unreachable
//     -CloseTicket (the rating; dissatisfaction reasons with DISSATISFIED)->
//      CLOSED
//   CLOSED, DISSATISFIED
//     -AppealRating (the department, within appeal_working_days of the
//      close, with grounds)-> appeal PENDING
//     -DecideAppeal (the bureau)-> UPHELD (不合理差评: the rating no longer
//      counts against the department's satisfaction rate), or REJECTED
//      (合理差评: the rating stands; with reopen_on_reasonable_dissatisfaction
//      the ticket is reopened, 重办, in the same step)
//
// A ticket has at most one appeal. A reopen starts a new callback: the
// attempts of the reply before are cleared with it (they stay in history).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_CALLBACK_RULES_H_
#define HOTLINE_WORKFLOW_CALLBACK_RULES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// One callback attempt on a REPLIED ticket (not one whose reply waits for
// the review: REPLY_NOT_REVIEWED). `channel` and `result` are checked by
// the caller (validation.h). Closes the ticket when it is the policy's
// last attempt that did not reach the caller.
absl::StatusOr<TicketChange> RecordCallback(
    const v1::Ticket& ticket, v1::CallbackAttempt::Channel channel,
    v1::CallbackAttempt::Result result, absl::string_view note,
    absl::string_view etag, const ActionContext& context,
    const DeadlineRules& rules);

// After Close: the dissatisfaction reasons of a DISSATISFIED rating
// (INVALID_ARGUMENT with another rating), checked by the caller.
void SetDissatisfactionReasons(
    TicketChange& close, const std::vector<v1::DissatisfactionReason>& reasons);

// The department's appeal of a DISSATISFIED rating of its reply, with
// grounds, by the end of the appeal_working_days-th working day after the
// close (APPEAL_TOO_LATE after). NOT_DISSATISFIED on another rating,
// APPEAL_EXISTS when the ticket had one.
absl::StatusOr<TicketChange> AppealRating(const v1::Ticket& ticket,
                                          absl::string_view grounds,
                                          absl::string_view etag,
                                          const ActionContext& context,
                                          const DeadlineRules& rules);

// The bureau's decision on the PENDING appeal (APPEAL_NOT_PENDING
// otherwise): `uphold` sets the rating aside; else the rating stands and,
// when `rules` say so, the ticket is reopened (重办) with `note` as the
// reason.
absl::StatusOr<TicketChange> DecideAppeal(const v1::Ticket& ticket, bool uphold,
                                          absl::string_view note,
                                          absl::string_view etag,
                                          const ActionContext& context,
                                          const DeadlineRules& rules);

// When an appeal of `ticket`'s rating is due by (the end of the
// appeal_working_days-th working day after the close).
absl::Time AppealDue(const v1::Ticket& ticket, const DeadlineRules& rules);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CALLBACK_RULES_H_
