#include "workflow/return_review_rules.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/calendar_coverage.h"
#include "workflow/daily_report_rules.h"
#include "workflow/dispatch_catalogue.h"

namespace hotline {

using v1::Event;
using v1::PendingReturn;
using v1::Ticket;

PendingReturn SaveAssignment(const Ticket& ticket, absl::string_view reason,
                             absl::Time now) {
  PendingReturn saved;
  saved.set_department(ticket.department());
  saved.set_reason(std::string(reason));
  *saved.mutable_return_time() = ToProtoTime(now);
  saved.set_state(ticket.state());
  *saved.mutable_dispatched_at() = ticket.dispatched_at();
  if (ticket.has_acknowledged_at()) {
    *saved.mutable_acknowledged_at() = ticket.acknowledged_at();
  }
  if (ticket.has_ack_due_at())
    *saved.mutable_ack_due_at() = ticket.ack_due_at();
  if (ticket.has_reply_due_at()) {
    *saved.mutable_reply_due_at() = ticket.reply_due_at();
  }
  if (ticket.has_warning_at())
    *saved.mutable_warning_at() = ticket.warning_at();
  if (ticket.has_return_due_at()) {
    *saved.mutable_return_due_at() = ticket.return_due_at();
  }
  if (ticket.has_red_card_due_at()) {
    *saved.mutable_red_card_due_at() = ticket.red_card_due_at();
  }
  saved.set_policy_version(ticket.policy_version());
  saved.set_due_soon(ticket.due_soon());
  saved.set_ack_overdue(ticket.ack_overdue());
  saved.set_reply_overdue(ticket.reply_overdue());
  saved.set_long_overdue(ticket.long_overdue());
  saved.set_extension_count(ticket.extension_count());
  saved.set_deadlines_provisional_after(ticket.deadlines_provisional_after());
  return saved;
}

namespace {

// The saved assignment back on the ticket.
void RestoreAssignment(const PendingReturn& saved, Ticket& t) {
  t.set_department(saved.department());
  *t.mutable_dispatched_at() = saved.dispatched_at();
  if (saved.has_acknowledged_at()) {
    *t.mutable_acknowledged_at() = saved.acknowledged_at();
  }
  if (saved.has_ack_due_at()) *t.mutable_ack_due_at() = saved.ack_due_at();
  if (saved.has_reply_due_at())
    *t.mutable_reply_due_at() = saved.reply_due_at();
  if (saved.has_warning_at()) *t.mutable_warning_at() = saved.warning_at();
  if (saved.has_return_due_at()) {
    *t.mutable_return_due_at() = saved.return_due_at();
  }
  if (saved.has_red_card_due_at()) {
    *t.mutable_red_card_due_at() = saved.red_card_due_at();
  }
  t.set_policy_version(saved.policy_version());
  t.set_due_soon(saved.due_soon());
  t.set_ack_overdue(saved.ack_overdue());
  t.set_reply_overdue(saved.reply_overdue());
  t.set_long_overdue(saved.long_overdue());
  t.set_extension_count(saved.extension_count());
  t.set_deadlines_provisional_after(saved.deadlines_provisional_after());
}

}  // namespace

absl::StatusOr<TicketChange> RefuseReturn(const Ticket& ticket,
                                          absl::string_view reason,
                                          absl::string_view etag,
                                          const ActionContext& context,
                                          const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "RefuseReturn", {Ticket::RETURNED}));
  const PendingReturn& saved = ticket.pending_return();
  if (!ticket.has_pending_return() || saved.department().empty() ||
      (saved.state() != Ticket::DISPATCHED &&
       saved.state() != Ticket::IN_PROGRESS)) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(),
            " was returned before returns were kept for review: there is no "
            "assignment to give back; dispatch it with DispatchTicket")),
        v1::RETURN_NOT_REVIEWABLE, {{"ticket", ticket.name()}});
  }
  TicketChange change =
      BeginStep(ticket, Event::RETURN_REFUSED, saved.state(), context);
  Ticket& t = change.ticket;
  RestoreAssignment(saved, t);
  t.clear_pending_return();
  t.set_refused_return_count(ticket.refused_return_count() + 1);
  // The catalogue's department was right after all.
  MarkLatestDispatchReturned(t, false);
  *t.mutable_return_refused_at() = ToProtoTime(context.now);
  if (t.state() == Ticket::IN_PROGRESS) {
    *t.mutable_daily_report_due_at() =
        ToProtoTime(FirstDailyReportDue(context.now, *rules.calendar));
  }
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

}  // namespace hotline
