#include "workflow/extension_rules.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/calendar_coverage.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Ticket;

absl::Status CheckPending(const Ticket& ticket, absl::string_view etag,
                          absl::string_view method) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, method,
                            {Ticket::DISPATCHED, Ticket::IN_PROGRESS}));
  if (!ticket.has_pending_extension()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          ticket.name(), " has no pending extension request")),
                      v1::EXTENSION_NOT_PENDING, {{"ticket", ticket.name()}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TicketChange> RequestExtension(const Ticket& ticket,
                                              int working_days,
                                              absl::string_view reason,
                                              absl::string_view etag,
                                              const ActionContext& context,
                                              const DeadlineRules& rules) {
  const v1::Policy& policy = *rules.policy;
  if (working_days < 1 || working_days > policy.extension_max_working_days()) {
    return WithFieldViolation(
        absl::InvalidArgumentError(absl::StrCat(
            "working_days must be 1 to ", policy.extension_max_working_days(),
            " (got ", working_days, ")")),
        "working_days",
        absl::StrCat("must be 1 to ", policy.extension_max_working_days()));
  }
  RETURN_IF_ERROR(CheckStep(ticket, etag, "RequestExtension",
                            {Ticket::DISPATCHED, Ticket::IN_PROGRESS}));
  if (!ticket.has_reply_due_at() ||
      context.now >= FromProtoTime(ticket.reply_due_at())) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(),
            ": the reply deadline has passed; an extension must be asked for "
            "before it")),
        v1::EXTENSION_TOO_LATE,
        {{"ticket", ticket.name()},
         {"reply_due_at", ticket.has_reply_due_at()
                              ? FormatRfc3339(ticket.reply_due_at())
                              : ""}});
  }
  if (ticket.has_pending_extension()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          ticket.name(),
                          " already has an extension request waiting for the "
                          "bureau")),
                      v1::EXTENSION_PENDING, {{"ticket", ticket.name()}});
  }
  if (ticket.extension_count() >= policy.extension_max_count()) {
    return WithReason(
        absl::FailedPreconditionError(
            absl::StrCat(ticket.name(), " had ", ticket.extension_count(),
                         " extensions already; the policy allows at most ",
                         policy.extension_max_count())),
        v1::EXTENSION_LIMIT,
        {{"ticket", ticket.name()},
         {"extension_count", absl::StrCat(ticket.extension_count())},
         {"extension_max_count", absl::StrCat(policy.extension_max_count())}});
  }
  TicketChange change =
      BeginStep(ticket, Event::EXTENSION_REQUESTED, ticket.state(), context);
  v1::Extension& extension = *change.ticket.mutable_pending_extension();
  extension.set_working_days(working_days);
  extension.set_reason(std::string(reason));
  extension.set_requested_by(context.actor.ToString());
  *extension.mutable_request_time() = ToProtoTime(context.now);
  change.event.set_reason(std::string(reason));
  change.event.set_extension_working_days(working_days);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> ApproveExtension(const Ticket& ticket,
                                              absl::string_view etag,
                                              const ActionContext& context,
                                              const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckPending(ticket, etag, "ApproveExtension"));
  const int days = ticket.pending_extension().working_days();
  TicketChange change =
      BeginStep(ticket, Event::EXTENSION_APPROVED, ticket.state(), context);
  Ticket& t = change.ticket;
  const absl::Time reply_due = rules.calendar->ExtendByWorkingDays(
      FromProtoTime(ticket.reply_due_at()), days);
  *t.mutable_reply_due_at() = ToProtoTime(reply_due);
  const absl::Time warning = WarningBefore(reply_due, rules);
  *t.mutable_warning_at() = ToProtoTime(warning);
  // A warning already given for the old deadline is withdrawn when the new
  // warning time is still ahead.
  if (warning > context.now) t.set_due_soon(false);
  t.set_extension_count(ticket.extension_count() + 1);
  t.clear_pending_extension();
  *t.mutable_extension_decided_at() = ToProtoTime(context.now);
  MarkProvisionalDeadlines(t, *rules.calendar);
  change.event.set_extension_working_days(days);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> RejectExtension(const Ticket& ticket,
                                             absl::string_view reason,
                                             absl::string_view etag,
                                             const ActionContext& context) {
  RETURN_IF_ERROR(CheckPending(ticket, etag, "RejectExtension"));
  TicketChange change =
      BeginStep(ticket, Event::EXTENSION_REJECTED, ticket.state(), context);
  change.event.set_extension_working_days(
      ticket.pending_extension().working_days());
  change.event.set_reason(std::string(reason));
  change.ticket.clear_pending_extension();
  *change.ticket.mutable_extension_decided_at() = ToProtoTime(context.now);
  FinishStep(ticket, change);
  return change;
}

}  // namespace hotline
