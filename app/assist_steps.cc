// TicketService's assisting departments (协办): the rules are in
// workflow/assist_rules.h; here the request checks and the writes.
#include <string>

#include "absl/status/status.h"
#include "app/ticket_service.h"
#include "app/ticket_step.h"
#include "common/status_macros.h"
#include "workflow/assist_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckAddAssist(const v1::AddAssistingDepartmentRequest& request) {
  RETURN_IF_ERROR(
      ParseDepartmentName(request.department(), "department").status());
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckRemoveAssist(
    const v1::RemoveAssistingDepartmentRequest& request) {
  RETURN_IF_ERROR(
      ParseDepartmentName(request.department(), "department").status());
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckReturnAssist(const v1::ReturnAssistRequest& request) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckAssistOpinion(const v1::SubmitAssistOpinionRequest& request) {
  RETURN_IF_ERROR(CheckRequiredLongText(request.opinion(), "opinion"));
  return CheckEtagSyntax(request.etag());
}

}  // namespace

void TicketService::AddAssistingDepartment(
    const Principal& principal,
    const v1::AddAssistingDepartmentRequest& request, TicketDone done) {
  Transition(
      principal, TicketAction::kAssign, request.name(), request,
      CheckAddAssist(request),
      [this, request](
          storage::Store& store, const v1::Ticket& ticket,
          const ActionContext& context) -> absl::StatusOr<TicketChange> {
        RETURN_IF_ERROR(
            CheckDepartmentExists(store, request.department(), "department"));
        return AddAssist(ticket, request.department(), request.note(),
                         request.etag(), context, policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::RemoveAssistingDepartment(
    const Principal& principal,
    const v1::RemoveAssistingDepartmentRequest& request, TicketDone done) {
  Transition(
      principal, TicketAction::kAssign, request.name(), request,
      CheckRemoveAssist(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return RemoveAssist(ticket, request.department(), request.reason(),
                            request.etag(), context);
      },
      std::move(done));
}

void TicketService::AcknowledgeAssist(
    const Principal& principal, const v1::AcknowledgeAssistRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kAssistPart, request.name(), request,
      CheckEtagSyntax(request.etag()),
      [this, etag = request.etag()](storage::Store&, const v1::Ticket& ticket,
                                    const ActionContext& context) {
        return hotline::AcknowledgeAssist(ticket, etag, context,
                                          policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::ReturnAssist(const Principal& principal,
                                 const v1::ReturnAssistRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kAssistPart, request.name(), request,
      CheckReturnAssist(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::ReturnAssist(ticket, request.reason(), request.etag(),
                                     context);
      },
      std::move(done));
}

void TicketService::SubmitAssistOpinion(
    const Principal& principal, const v1::SubmitAssistOpinionRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kAssistPart, request.name(), request,
      CheckAssistOpinion(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::SubmitAssistOpinion(ticket, request.opinion(),
                                            request.etag(), context);
      },
      std::move(done));
}

}  // namespace hotline
