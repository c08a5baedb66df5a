// Urging notices (催办通知) and the supervision above them (督办, 提级督办,
// 通报批评) as records on the ticket (Ticket.notices):
//
//   IssueNotice (the bureau; or the policy: at the warning, 预警, with
//   urge_at_warning, and with the yellow card, with urge_at_yellow_card)
//     -> ISSUED -AcknowledgeNotice-> ACKNOWLEDGED -AnswerNotice (反馈)->
//        ANSWERED
//   at answer_due_at (notice_answer_working_days working days after the
//   issue) still unanswered: overdue, and
//     -> ESCALATED, with a notice one level up issued at that instant
//        (trigger ESCALATION), or
//     -> UNANSWERED at the policy's notice_top_level (it may be answered
//        late: ANSWERED, still overdue)
//   any step after which the ticket is no longer DISPATCHED or IN_PROGRESS
//   with the notice's department (a reply, a return, a suspension, a
//   merge, a dispatch elsewhere) -> LAPSED: nothing is owed any more.
//
// A ticket has at most one open notice (ISSUED or ACKNOWLEDGED): the
// bureau may issue a higher level over it by hand (the open one is
// ESCALATED, not overdue), never the same or a lower one (NOTICE_OPEN);
// the policy issues none while one is open. A notice is addressed to the
// ticket's lead department; only that department signs for and answers
// it. Deadlines count in working days of the calendar; a suspended ticket
// has no open notice (it lapsed at the suspension).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_NOTICE_RULES_H_
#define HOTLINE_WORKFLOW_NOTICE_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// The most notices one ticket holds (NOTICE_LIMIT beyond).
inline constexpr int kMaxNoticesPerTicket = 100;

// The bureau's notice at `level` (URGING when unspecified) on a DISPATCHED
// or IN_PROGRESS ticket, to its department; `rules` are the policy in
// force (its notice_answer_working_days).
absl::StatusOr<TicketChange> IssueNotice(
    const v1::Ticket& ticket, v1::Notice::Level level, absl::string_view reason,
    absl::string_view copy_to, absl::string_view etag,
    const ActionContext& context, const DeadlineRules& rules);

// The department's steps on notice `number` of `ticket`: NOT_FOUND for a
// number the ticket has not issued, NOTICE_STATE out of order. An answer
// needs the sign-for first, except on an UNANSWERED notice (answered
// late, signed for at once).
absl::StatusOr<TicketChange> AcknowledgeNotice(const v1::Ticket& ticket,
                                               int number,
                                               absl::string_view etag,
                                               const ActionContext& context);
absl::StatusOr<TicketChange> AnswerNotice(const v1::Ticket& ticket, int number,
                                          absl::string_view answer,
                                          absl::string_view etag,
                                          const ActionContext& context);

// Adds a new ISSUED notice at `at` to the ticket's department, due by the
// end of the notice_answer_working_days-th working day after the day of
// `at` under `rules` (an instant at 24:00 counts as the day it closes);
// returns it.
v1::Notice& AddNotice(v1::Ticket& ticket, v1::Notice::Level level,
                      v1::Notice::Trigger trigger, std::string reason,
                      std::string copy_to, std::string issued_by, absl::Time at,
                      const DeadlineRules& rules);

// The open notice of `ticket` (ISSUED or ACKNOWLEDGED), or null.
const v1::Notice* OpenNotice(const v1::Ticket& ticket);

// Sets the notice fields (notice, notice_level) of `event`.
void DescribeNotice(const v1::Notice& notice, v1::Event& event);

// What fell due of a ticket's notices by `now` (for the sweep): each open
// notice past its deadline becomes overdue (ESCALATED or UNANSWERED), and
// its escalation is issued at the same instant by `issuer`, which may itself
// fall due.
struct NoticeFall {
  v1::Event::Type type;  // NOTICE_OVERDUE or NOTICE_ISSUED
  int index;             // in ticket.notices
  absl::Time at;
  std::string reason;
};
std::vector<NoticeFall> SweepNotices(v1::Ticket& ticket, absl::Time now,
                                     absl::string_view issuer,
                                     const DeadlineRules& rules);

// After a step (FinishStep): the open notice lapses when the ticket is no
// longer DISPATCHED or IN_PROGRESS with the notice's department; `step`
// names what moved it (e.g. "REPLIED").
void LapseNotices(v1::Ticket& ticket, absl::Time now, absl::string_view step);

// When the open notice of an open ticket is due; InfiniteFuture if none.
absl::Time NextNoticeDue(const v1::Ticket& ticket);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_NOTICE_RULES_H_
