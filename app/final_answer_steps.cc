// TicketService's final-answer (最终答复) steps: the rules are in
// workflow/final_answer_rules.h; here the request checks, the ticket a
// close refers to, and the calls.
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "app/ticket_service.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/final_answer_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckSubmitFinalAnswer(
    const v1::SubmitFinalAnswerRequest& request) {
  RETURN_IF_ERROR(CheckRequiredLongText(request.answer(), "answer"));
  RETURN_IF_ERROR(CheckRequiredText(request.basis(), "basis", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckRejectFinalAnswer(
    const v1::RejectFinalAnswerRequest& request) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckCloseByFinalAnswer(
    const v1::CloseByFinalAnswerRequest& request) {
  RETURN_IF_ERROR(
      ParseTicketName(request.final_answer_ticket(), "final_answer_ticket")
          .status());
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

// The ticket that carries the final answer a close refers to.
absl::StatusOr<v1::Ticket> LoadAnswered(storage::Store& store,
                                        const std::string& name) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketName(name, "final_answer_ticket"));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> answered, store.LoadTicket(id));
  if (!answered) {
    return ResourceNotFound("final_answer_ticket: ticket", name);
  }
  return *std::move(answered);
}

}  // namespace

void TicketService::SubmitFinalAnswer(
    const Principal& principal, const v1::SubmitFinalAnswerRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kSubmitFinalAnswer, request.name(), request,
      CheckSubmitFinalAnswer(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::SubmitFinalAnswer(
            ticket, request.answer(), request.basis(), request.etag(), context);
      },
      std::move(done));
}

void TicketService::ApproveFinalAnswer(
    const Principal& principal, const v1::ApproveFinalAnswerRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kDecideFinalAnswer, request.name(), request,
      CheckEtagSyntax(request.etag()),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::ApproveFinalAnswer(ticket, request.etag(), context);
      },
      std::move(done));
}

void TicketService::RejectFinalAnswer(
    const Principal& principal, const v1::RejectFinalAnswerRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kDecideFinalAnswer, request.name(), request,
      CheckRejectFinalAnswer(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::RejectFinalAnswer(ticket, request.reason(),
                                          request.etag(), context);
      },
      std::move(done));
}

void TicketService::CloseByFinalAnswer(
    const Principal& principal, const v1::CloseByFinalAnswerRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kCloseByFinalAnswer, request.name(), request,
      CheckCloseByFinalAnswer(request),
      [request](storage::Store& store, const v1::Ticket& ticket,
                const ActionContext& context) -> absl::StatusOr<TicketChange> {
        // Read in the plan, so that the check and the close see the same
        // database.
        ASSIGN_OR_RETURN(v1::Ticket answered,
                         LoadAnswered(store, request.final_answer_ticket()));
        return hotline::CloseByFinalAnswer(ticket, answered, request.note(),
                                           request.etag(), context);
      },
      std::move(done));
}

}  // namespace hotline
