// Who may do what (least privilege):
//   bureau      every action on every ticket;
//   department  view, acknowledge (签收), return (退单), reply, ask for an
//               extension (延期) or a suspension (挂起), resume a suspended
//               ticket, give a final answer (最终答复) and report daily
//               (一日一报), sign for and answer urging notices (催办) on
//               tickets currently assigned to it (the lead, 主办); view, and
//               work on its own part (sign for, return, give its opinion) of
//               tickets it assists (协办); nothing else;
//   intake      create tickets, and view the tickets it created.
// Lists, statistics and the change feed follow the same lines (scope.h;
// EventViewFor for what a department sees of an event).
// Permission is checked before existence: a department or intake asking for a
// ticket that is not theirs gets the same PERMISSION_DENIED whether or not the
// ticket exists, so names cannot be probed.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_ACCESS_H_
#define HOTLINE_WORKFLOW_ACCESS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/principal.h"

namespace hotline {

enum class TicketAction {
  kCreate,
  kView,
  kDispatch,
  kAcknowledge,
  kReturn,
  kReply,
  kClose,
  kReopen,
  kRequestExtension,
  kDecideExtension,
  kIssueCard,
  kRevokeCard,
  kDailyReport,
  kRefuseReturn,
  kRequestSuspension,
  kDecideSuspension,
  kResume,
  kSubmitFinalAnswer,
  kDecideFinalAnswer,
  kCloseByFinalAnswer,
  kMerge,
  kUnmerge,
  kLink,
  // The bureau adds or removes an assisting department (协办).
  kAssign,
  // An assisting department's own part: sign for, return, opinion.
  kAssistPart,
  // The bureau's reply review (办结审核): accept or send back.
  kReviewReply,
  // The bureau issues an urging notice (催办通知, 督办).
  kUrge,
  // The lead department signs for and answers a notice (反馈).
  kAnswerNotice,
  // The bureau's callback (回访): an attempt.
  kCallback,
  // The department appeals a dissatisfied rating of its reply (申诉).
  kAppeal,
  // The bureau decides an appeal.
  kDecideAppeal,
  // Attach a file (附件): every party of the ticket, to the steps that are
  // its own (attachment_rules.h).
  kAttach,
  // The bureau releases a confidential caller's file to departments.
  kReleaseAttachment,
};

// The method name a person would recognise, e.g. "AcknowledgeTicket".
absl::string_view ActionName(TicketAction action);

// May this kind of principal ever take the action? Checked before the ticket
// is loaded. PERMISSION_DENIED naming the role and the action otherwise.
absl::Status AuthorizeAction(const Principal& principal, TicketAction action);

// May the principal take the action on this ticket? `ticket` is null when no
// ticket has that name. Returns PERMISSION_DENIED for a ticket that is not
// the principal's (or does not exist, for non-bureau principals), NOT_FOUND
// for the bureau when the ticket does not exist.
absl::Status AuthorizeOnTicket(const Principal& principal, TicketAction action,
                               absl::string_view ticket_name,
                               const v1::Ticket* ticket);

// Only the bureau manages departments and tokens; `what` names the method.
absl::Status AuthorizeBureauOnly(const Principal& principal,
                                 absl::string_view what);

// The event as a department may see it on the change feed, or nothing: the
// events of tickets it holds, and the one that takes a ticket away from it
// (a return or a reassignment) without the new owner or the note meant for
// them; a restricted file by its name (HideRestrictedAttachment). The bureau
// and intake (whose feed the store already narrows to the tickets it created)
// see events whole.
std::optional<v1::Event> EventViewFor(const Principal& principal,
                                      v1::Event event);

// For a department, an event naming a confidential caller's file the
// bureau has not released (Attachment.restricted) keeps only the file's
// name and step: the list of a ticket's events and the feed alike.
void HideRestrictedAttachment(const Principal& principal, v1::Event& event);

// The ticket as the principal may see it: departments never see the caller's
// name or phone on a confidential ticket, nor those of a confidential
// ticket merged into it (并单), nor a confidential caller's own files the
// bureau has not released (Attachment.restricted).
v1::Ticket ViewFor(const Principal& principal, v1::Ticket ticket);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_ACCESS_H_
