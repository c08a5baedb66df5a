// TicketService's callbacks (回访) and appeals of a rating (申诉): the rules
// are in workflow/callback_rules.h; here the request checks and the writes.
#include "absl/status/status.h"
#include "app/ticket_service.h"
#include "common/status_macros.h"
#include "workflow/callback_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckRecordCallback(const v1::RecordCallbackRequest& request) {
  RETURN_IF_ERROR(CheckCallbackAttempt(request.channel(), request.result()));
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckAppealRating(const v1::AppealRatingRequest& request) {
  RETURN_IF_ERROR(
      CheckRequiredText(request.grounds(), "grounds", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckDecideAppeal(const v1::DecideAppealRequest& request) {
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

}  // namespace

void TicketService::RecordCallback(const Principal& principal,
                                   const v1::RecordCallbackRequest& request,
                                   TicketDone done) {
  Transition(
      principal, TicketAction::kCallback, request.name(), request,
      CheckRecordCallback(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return hotline::RecordCallback(
            ticket, request.channel(), request.result(), request.note(),
            request.etag(), context, policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::AppealRating(const Principal& principal,
                                 const v1::AppealRatingRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kAppeal, request.name(), request,
      CheckAppealRating(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return hotline::AppealRating(ticket, request.grounds(), request.etag(),
                                     context, policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::DecideAppeal(const Principal& principal,
                                 const v1::DecideAppealRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kDecideAppeal, request.name(), request,
      CheckDecideAppeal(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return hotline::DecideAppeal(ticket, request.uphold(), request.note(),
                                     request.etag(), context,
                                     policies_->CurrentRules());
      },
      std::move(done));
}

}  // namespace hotline
