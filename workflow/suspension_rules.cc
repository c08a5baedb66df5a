#include "workflow/suspension_rules.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/assist_rules.h"
#include "workflow/calendar_coverage.h"
#include "workflow/daily_report_rules.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Ticket;

absl::Status CheckPending(const Ticket& ticket, absl::string_view etag,
                          absl::string_view method) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, method, {Ticket::IN_PROGRESS}));
  if (!ticket.has_pending_suspension()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          ticket.name(), " has no pending suspension request")),
                      v1::SUSPENSION_NOT_PENDING, {{"ticket", ticket.name()}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TicketChange> RequestSuspension(const Ticket& ticket,
                                               absl::string_view reason,
                                               absl::Time expected_end,
                                               absl::string_view etag,
                                               const ActionContext& context,
                                               const DeadlineRules& rules) {
  const int max_days = rules.policy->suspension_max_days();
  if (expected_end <= context.now ||
      expected_end > context.now + absl::Hours(24) * max_days) {
    return WithReason(
        WithFieldViolation(
            absl::InvalidArgumentError(absl::StrCat(
                "expected_end ", FormatRfc3339(ToProtoTime(expected_end)),
                " must be after now and at most ", max_days,
                " days ahead (the policy's suspension_max_days)")),
            "expected_end",
            absl::StrCat("must be after now and at most ", max_days,
                         " days ahead")),
        v1::SUSPENSION_TOO_LONG,
        {{"expected_end", FormatRfc3339(ToProtoTime(expected_end))},
         {"suspension_max_days", absl::StrCat(max_days)}});
  }
  RETURN_IF_ERROR(
      CheckStep(ticket, etag, "RequestSuspension", {Ticket::IN_PROGRESS}));
  if (ticket.has_pending_suspension()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          ticket.name(),
                          " already has a suspension request waiting for the "
                          "bureau")),
                      v1::SUSPENSION_PENDING, {{"ticket", ticket.name()}});
  }
  TicketChange change =
      BeginStep(ticket, Event::SUSPENSION_REQUESTED, ticket.state(), context);
  v1::Suspension& request = *change.ticket.mutable_pending_suspension();
  request.set_reason(std::string(reason));
  *request.mutable_expected_end() = ToProtoTime(expected_end);
  request.set_requested_by(context.actor.ToString());
  *request.mutable_request_time() = ToProtoTime(context.now);
  change.event.set_reason(std::string(reason));
  *change.event.mutable_suspension_end() = request.expected_end();
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> ApproveSuspension(const Ticket& ticket,
                                               absl::string_view etag,
                                               const ActionContext& context) {
  RETURN_IF_ERROR(CheckPending(ticket, etag, "ApproveSuspension"));
  const v1::Suspension& request = ticket.pending_suspension();
  if (FromProtoTime(request.expected_end()) <= context.now) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), ": the request's expected end ",
            FormatRfc3339(request.expected_end()),
            " has passed, so it lapsed; reject it, and the department may "
            "ask again")),
        v1::SUSPENSION_NOT_PENDING,
        {{"ticket", ticket.name()},
         {"expected_end", FormatRfc3339(request.expected_end())}});
  }
  TicketChange change =
      BeginStep(ticket, Event::SUSPENSION_APPROVED, Ticket::SUSPENDED, context);
  Ticket& t = change.ticket;
  v1::Suspension& suspension = *t.mutable_suspension();
  suspension = request;
  *suspension.mutable_start_time() = ToProtoTime(context.now);
  suspension.set_approved_by(context.actor.ToString());
  t.clear_pending_suspension();
  t.set_suspension_count(ticket.suspension_count() + 1);
  // No daily report is owed while the clock stands.
  t.clear_daily_report_due_at();
  *change.event.mutable_suspension_end() = request.expected_end();
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> RejectSuspension(const Ticket& ticket,
                                              absl::string_view reason,
                                              absl::string_view etag,
                                              const ActionContext& context) {
  RETURN_IF_ERROR(CheckPending(ticket, etag, "RejectSuspension"));
  TicketChange change =
      BeginStep(ticket, Event::SUSPENSION_REJECTED, ticket.state(), context);
  change.ticket.clear_pending_suspension();
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> Resume(const Ticket& ticket,
                                    absl::string_view note,
                                    absl::string_view etag,
                                    const ActionContext& context,
                                    const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "ResumeTicket", {Ticket::SUSPENDED}));
  TicketChange change =
      BeginStep(ticket, Event::RESUMED, Ticket::IN_PROGRESS, context);
  Ticket& t = change.ticket;
  const absl::Time paused = FromProtoTime(ticket.suspension().start_time());
  auto move = [&](google::protobuf::Timestamp* deadline) {
    if (!IsSet(*deadline)) return;
    *deadline = ToProtoTime(rules.calendar->MoveByPause(
        FromProtoTime(*deadline), paused, context.now));
  };
  move(t.mutable_reply_due_at());
  move(t.mutable_warning_at());
  move(t.mutable_return_due_at());
  move(t.mutable_red_card_due_at());
  MoveAssistDeadlines(t, paused, context.now, rules);
  t.clear_suspension();
  *t.mutable_daily_report_due_at() =
      ToProtoTime(FirstDailyReportDue(context.now, *rules.calendar));
  MarkProvisionalDeadlines(t, *rules.calendar);
  change.event.set_reason(std::string(note));
  FinishStep(ticket, change);
  return change;
}

absl::Time SuspensionEnd(const Ticket& ticket) {
  if (ticket.state() != Ticket::SUSPENDED) return absl::InfiniteFuture();
  return std::max(FromProtoTime(ticket.suspension().expected_end()),
                  FromProtoTime(ticket.update_time()));
}

}  // namespace hotline
