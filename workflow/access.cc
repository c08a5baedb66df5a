#include "workflow/access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "workflow/scope.h"

namespace hotline {

absl::string_view ActionName(TicketAction action) {
  switch (action) {
    case TicketAction::kCreate:
      return "CreateTicket";
    case TicketAction::kView:
      return "reading tickets";
    case TicketAction::kDispatch:
      return "DispatchTicket";
    case TicketAction::kAcknowledge:
      return "AcknowledgeTicket";
    case TicketAction::kReturn:
      return "ReturnTicket";
    case TicketAction::kReply:
      return "ReplyTicket";
    case TicketAction::kClose:
      return "CloseTicket";
    case TicketAction::kReopen:
      return "ReopenTicket";
    case TicketAction::kRequestExtension:
      return "RequestExtension";
    case TicketAction::kDecideExtension:
      return "ApproveExtension or RejectExtension";
    case TicketAction::kIssueCard:
      return "IssueCard";
    case TicketAction::kRevokeCard:
      return "RevokeCard";
    case TicketAction::kDailyReport:
      return "SubmitDailyReport";
    case TicketAction::kRefuseReturn:
      return "RefuseReturn";
    case TicketAction::kRequestSuspension:
      return "RequestSuspension";
    case TicketAction::kDecideSuspension:
      return "ApproveSuspension or RejectSuspension";
    case TicketAction::kResume:
      return "ResumeTicket";
    case TicketAction::kSubmitFinalAnswer:
      return "SubmitFinalAnswer";
    case TicketAction::kDecideFinalAnswer:
      return "ApproveFinalAnswer or RejectFinalAnswer";
    case TicketAction::kCloseByFinalAnswer:
      return "CloseByFinalAnswer";
    case TicketAction::kMerge:
      return "MergeTicket";
    case TicketAction::kUnmerge:
      return "UnmergeTicket";
    case TicketAction::kLink:
      return "LinkTickets or UnlinkTickets";
    case TicketAction::kAssign:
      return "AddAssistingDepartment or RemoveAssistingDepartment";
    case TicketAction::kAssistPart:
      return "AcknowledgeAssist, ReturnAssist or SubmitAssistOpinion";
    case TicketAction::kReviewReply:
      return "AcceptReply or SendBackReply";
    case TicketAction::kUrge:
      return "IssueNotice";
    case TicketAction::kAnswerNotice:
      return "AcknowledgeNotice or AnswerNotice";
    case TicketAction::kCallback:
      return "RecordCallback";
    case TicketAction::kAppeal:
      return "AppealRating";
    case TicketAction::kDecideAppeal:
      return "DecideAppeal";
    case TicketAction::kAttach:
      return "UploadAttachment";
    case TicketAction::kReleaseAttachment:
      return "ReleaseAttachment";
  }
  return "unknown action";
}

absl::Status AuthorizeAction(const Principal& principal, TicketAction action) {
  bool allowed = false;
  switch (principal.kind) {
    case Principal::Kind::kBureau:
      // An assisting part, and the answer to a notice, are the
      // department's own.
      allowed = action != TicketAction::kAssistPart &&
                action != TicketAction::kAnswerNotice &&
                action != TicketAction::kAppeal;
      break;
    case Principal::Kind::kDepartment:
      allowed =
          action == TicketAction::kView ||
          action == TicketAction::kAcknowledge ||
          action == TicketAction::kReturn || action == TicketAction::kReply ||
          action == TicketAction::kRequestExtension ||
          action == TicketAction::kRequestSuspension ||
          action == TicketAction::kResume ||
          action == TicketAction::kSubmitFinalAnswer ||
          action == TicketAction::kDailyReport ||
          action == TicketAction::kAssistPart ||
          action == TicketAction::kAnswerNotice ||
          action == TicketAction::kAppeal || action == TicketAction::kAttach;
      break;
    case Principal::Kind::kIntake:
      allowed = action == TicketAction::kCreate ||
                action == TicketAction::kView ||
                action == TicketAction::kAttach;
      break;
  }
  if (allowed) return absl::OkStatus();
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(
          principal.ToString(), " may not call ", ActionName(action),
          action == TicketAction::kAssistPart
              ? "; only an assisting department (协办) may"
          : action == TicketAction::kAnswerNotice
              ? "; only the department the notice is addressed to may"
          : action == TicketAction::kAppeal
              ? "; only the department whose reply was rated may"
              : "; only the bureau may")),
      v1::ROLE_NOT_ALLOWED,
      {{"principal", principal.ToString()},
       {"method", std::string(ActionName(action))}});
}

absl::Status AuthorizeOnTicket(const Principal& principal, TicketAction action,
                               absl::string_view ticket_name,
                               const v1::Ticket* ticket) {
  RETURN_IF_ERROR(AuthorizeAction(principal, action));
  if (principal.kind == Principal::Kind::kBureau) {
    if (ticket == nullptr) return ResourceNotFound("ticket", ticket_name);
    return absl::OkStatus();
  }
  // The same line as every list (scope.h).
  absl::StatusOr<Scope> scope = ScopeFor(principal, ScopedRead::kTickets, "");
  if (scope.ok() && ticket != nullptr && InScope(*scope, *ticket)) {
    // Attaching is the lead's and the assisting departments' alike; the
    // step tells their files apart (attachment_rules.h).
    if (principal.kind != Principal::Kind::kDepartment ||
        action == TicketAction::kView || action == TicketAction::kAttach) {
      return absl::OkStatus();
    }
    // A department that sees the ticket is its lead or assists it; each
    // acts only in its own role.
    const bool lead = ticket->department() == principal.DepartmentName();
    if (lead != (action == TicketAction::kAssistPart)) {
      return absl::OkStatus();
    }
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            principal.ToString(),
            lead ? " is the lead department (主办) of "
                 : " only assists (协办) ",
            ticket_name, "; ",
            lead ? "the assisting steps are the assisting departments'"
                 : absl::StrCat("only the lead department may call ",
                                ActionName(action)))),
        v1::NOT_YOURS,
        {{"principal", principal.ToString()},
         {"resource", std::string(ticket_name)}});
  }
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(
          principal.ToString(), " has no access to ", ticket_name,
          principal.kind == Principal::Kind::kDepartment
              ? ": it is not assigned to this department (or does not exist)"
              : ": it was not created by this intake source (or does not "
                "exist)")),
      v1::NOT_YOURS,
      {{"principal", principal.ToString()},
       {"resource", std::string(ticket_name)}});
}

absl::Status AuthorizeBureauOnly(const Principal& principal,
                                 absl::string_view what) {
  if (principal.kind == Principal::Kind::kBureau) return absl::OkStatus();
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(principal.ToString(),
                                               " may not call ", what,
                                               "; only the bureau may")),
      v1::ROLE_NOT_ALLOWED,
      {{"principal", principal.ToString()}, {"method", std::string(what)}});
}

void HideRestrictedAttachment(const Principal& principal, v1::Event& event) {
  if (principal.kind != Principal::Kind::kDepartment ||
      !event.has_attachment() || !event.attachment().restricted() ||
      event.attachment().released()) {
    return;
  }
  v1::Attachment shown;
  shown.set_name(event.attachment().name());
  shown.set_step(event.attachment().step());
  shown.set_restricted(true);
  *event.mutable_attachment() = std::move(shown);
}

std::optional<v1::Event> EventViewFor(const Principal& principal,
                                      v1::Event event) {
  if (principal.kind != Principal::Kind::kDepartment) return event;
  const std::string own = principal.DepartmentName();
  HideRestrictedAttachment(principal, event);
  if (event.department() == own) return event;
  // An assisting department (协办) sees its tickets' events whole, and the
  // one that ends its part.
  for (const std::string& assisting : event.assisting_departments()) {
    if (assisting == own) return event;
  }
  if (event.assist_department() == own) return event;
  if (event.previous_department() != own) return std::nullopt;
  event.clear_department();
  event.clear_reason();
  return event;
}

v1::Ticket ViewFor(const Principal& principal, v1::Ticket ticket) {
  if (principal.kind == Principal::Kind::kDepartment && ticket.confidential()) {
    ticket.clear_caller_name();
    ticket.clear_caller_phone();
  }
  if (principal.kind == Principal::Kind::kDepartment) {
    for (v1::MergedTicket& merged : *ticket.mutable_merged()) {
      if (!merged.confidential()) continue;
      merged.clear_caller_name();
      merged.clear_caller_phone();
    }
    auto* attachments = ticket.mutable_attachments();
    attachments->erase(std::remove_if(attachments->begin(), attachments->end(),
                                      [](const v1::Attachment& attachment) {
                                        return attachment.restricted() &&
                                               !attachment.released();
                                      }),
                       attachments->end());
  }
  return ticket;
}

}  // namespace hotline
