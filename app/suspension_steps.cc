// TicketService's suspension (挂起) steps: the rules are in
// workflow/suspension_rules.h; here only the request checks and the calls.
#include <utility>

#include "absl/status/status.h"
#include "app/ticket_service.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/suspension_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckRequestSuspension(
    const v1::RequestSuspensionRequest& request) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  if (!request.has_expected_end()) {
    return InvalidFieldError("expected_end",
                             "expected_end is required: when the department "
                             "expects the cause of the suspension to end");
  }
  RETURN_IF_ERROR(CheckTimestamp(request.expected_end(), "expected_end"));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckRejectSuspension(const v1::RejectSuspensionRequest& request) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckResumeTicket(const v1::ResumeTicketRequest& request) {
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

}  // namespace

void TicketService::RequestSuspension(
    const Principal& principal, const v1::RequestSuspensionRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kRequestSuspension, request.name(), request,
      CheckRequestSuspension(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return hotline::RequestSuspension(
            ticket, request.reason(), FromProtoTime(request.expected_end()),
            request.etag(), context,
            policies_->RulesFor(ticket.policy_version()));
      },
      std::move(done));
}

void TicketService::ApproveSuspension(
    const Principal& principal, const v1::ApproveSuspensionRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kDecideSuspension, request.name(), request,
      CheckEtagSyntax(request.etag()),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::ApproveSuspension(ticket, request.etag(), context);
      },
      std::move(done));
}

void TicketService::RejectSuspension(const Principal& principal,
                                     const v1::RejectSuspensionRequest& request,
                                     TicketDone done) {
  Transition(
      principal, TicketAction::kDecideSuspension, request.name(), request,
      CheckRejectSuspension(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::RejectSuspension(ticket, request.reason(),
                                         request.etag(), context);
      },
      std::move(done));
}

void TicketService::ResumeTicket(const Principal& principal,
                                 const v1::ResumeTicketRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kResume, request.name(), request,
      CheckResumeTicket(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return Resume(ticket, request.note(), request.etag(), context,
                      policies_->RulesFor(ticket.policy_version()));
      },
      std::move(done));
}

}  // namespace hotline
