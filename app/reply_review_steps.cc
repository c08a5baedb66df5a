// TicketService's reply review (办结审核): the rules are in
// workflow/reply_review_rules.h; here the request checks and the writes.
#include <vector>

#include "absl/status/status.h"
#include "app/ticket_service.h"
#include "common/status_macros.h"
#include "workflow/reply_review_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckSendBack(const v1::SendBackReplyRequest& request) {
  RETURN_IF_ERROR(CheckSendBackReasons(request.reasons()));
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

}  // namespace

void TicketService::AcceptReply(const Principal& principal,
                                const v1::AcceptReplyRequest& request,
                                TicketDone done) {
  Transition(
      principal, TicketAction::kReviewReply, request.name(), request,
      CheckEtagSyntax(request.etag()),
      [etag = request.etag()](storage::Store&, const v1::Ticket& ticket,
                              const ActionContext& context) {
        return hotline::AcceptReply(ticket, etag, context);
      },
      std::move(done));
}

void TicketService::SendBackReply(const Principal& principal,
                                  const v1::SendBackReplyRequest& request,
                                  TicketDone done) {
  Transition(
      principal, TicketAction::kReviewReply, request.name(), request,
      CheckSendBack(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        std::vector<v1::SendBackReason> reasons;
        for (int reason : request.reasons()) {
          reasons.push_back(static_cast<v1::SendBackReason>(reason));
        }
        return hotline::SendBackReply(ticket, reasons, request.note(),
                                      request.etag(), context,
                                      policies_->CurrentRules());
      },
      std::move(done));
}

}  // namespace hotline
