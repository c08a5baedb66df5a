#include "workflow/final_answer_rules.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

using v1::Event;
using v1::FinalAnswer;
using v1::Ticket;

// The final answer waiting on `ticket`, for the bureau's decision.
absl::Status CheckWaiting(const Ticket& ticket, absl::string_view etag,
                          absl::string_view method) {
  RETURN_IF_ERROR(
      CheckStep(ticket, etag, method,
                {Ticket::IN_PROGRESS, Ticket::REPLIED, Ticket::CLOSED}));
  if (ticket.final_answer().state() != FinalAnswer::PENDING) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          ticket.name(),
                          " has no final answer (最终答复) waiting for the "
                          "bureau")),
                      v1::FINAL_ANSWER_NOT_APPROVED,
                      {{"ticket", ticket.name()}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TicketChange> SubmitFinalAnswer(const Ticket& ticket,
                                               absl::string_view answer,
                                               absl::string_view basis,
                                               absl::string_view etag,
                                               const ActionContext& context) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "SubmitFinalAnswer",
                            {Ticket::IN_PROGRESS, Ticket::REPLIED}));
  const FinalAnswer::State now = ticket.final_answer().state();
  if (now == FinalAnswer::PENDING || now == FinalAnswer::APPROVED) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), " already has a final answer (最终答复) that ",
            now == FinalAnswer::PENDING ? "waits for the bureau"
                                        : "the bureau approved")),
        v1::FINAL_ANSWER_EXISTS,
        {{"ticket", ticket.name()},
         {"final_answer_state", FinalAnswer::State_Name(now)}});
  }
  TicketChange change =
      BeginStep(ticket, Event::FINAL_ANSWER_SUBMITTED, ticket.state(), context);
  FinalAnswer& given = *change.ticket.mutable_final_answer();
  given.Clear();
  given.set_answer(std::string(answer));
  given.set_basis(std::string(basis));
  given.set_state(FinalAnswer::PENDING);
  given.set_department(ticket.department());
  given.set_submitted_by(context.actor.ToString());
  *given.mutable_submit_time() = ToProtoTime(context.now);
  change.event.set_reply_text(std::string(answer));
  change.event.set_reason(std::string(basis));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> ApproveFinalAnswer(const Ticket& ticket,
                                                absl::string_view etag,
                                                const ActionContext& context) {
  RETURN_IF_ERROR(CheckWaiting(ticket, etag, "ApproveFinalAnswer"));
  TicketChange change =
      BeginStep(ticket, Event::FINAL_ANSWER_APPROVED, ticket.state(), context);
  FinalAnswer& decided = *change.ticket.mutable_final_answer();
  decided.set_state(FinalAnswer::APPROVED);
  decided.set_decided_by(context.actor.ToString());
  *decided.mutable_decide_time() = ToProtoTime(context.now);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> RejectFinalAnswer(const Ticket& ticket,
                                               absl::string_view reason,
                                               absl::string_view etag,
                                               const ActionContext& context) {
  RETURN_IF_ERROR(CheckWaiting(ticket, etag, "RejectFinalAnswer"));
  TicketChange change =
      BeginStep(ticket, Event::FINAL_ANSWER_REJECTED, ticket.state(), context);
  FinalAnswer& decided = *change.ticket.mutable_final_answer();
  decided.set_state(FinalAnswer::REJECTED);
  decided.set_decided_by(context.actor.ToString());
  *decided.mutable_decide_time() = ToProtoTime(context.now);
  decided.set_reject_reason(std::string(reason));
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> CloseByFinalAnswer(const Ticket& ticket,
                                                const Ticket& answered,
                                                absl::string_view note,
                                                absl::string_view etag,
                                                const ActionContext& context) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "CloseByFinalAnswer",
                            {Ticket::RECEIVED, Ticket::RETURNED}));
  if (answered.name() == ticket.name() ||
      answered.final_answer().state() != FinalAnswer::APPROVED) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            answered.name(),
            " carries no approved final answer (最终答复) to close ",
            ticket.name(), " with")),
        v1::FINAL_ANSWER_NOT_APPROVED, {{"ticket", answered.name()}});
  }
  if (ticket.caller_phone().empty() ||
      ticket.caller_phone() != answered.caller_phone()) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), "'s caller is not the caller ", answered.name(),
            "'s final answer was given to (the caller phones ",
            ticket.caller_phone().empty() || answered.caller_phone().empty()
                ? "are not both known"
                : "differ",
            "); dispatch it instead")),
        v1::NOT_THE_SAME_CALLER,
        {{"ticket", ticket.name()}, {"final_answer_ticket", answered.name()}});
  }
  TicketChange change =
      BeginStep(ticket, Event::CLOSED_BY_FINAL_ANSWER, Ticket::CLOSED, context);
  Ticket& t = change.ticket;
  t.clear_pending_return();
  t.set_closed_by_final_answer(answered.name());
  t.set_reply_text(answered.final_answer().answer());
  *t.mutable_closed_at() = ToProtoTime(context.now);
  change.event.set_final_answer_ticket(answered.name());
  change.event.set_reason(std::string(note));
  FinishStep(ticket, change);
  return change;
}

}  // namespace hotline
