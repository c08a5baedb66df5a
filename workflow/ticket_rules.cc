#include "workflow/ticket_rules.h"

#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/assist_rules.h"
#include "workflow/calendar_coverage.h"
#include "workflow/daily_report_rules.h"
#include "workflow/dispatch_catalogue.h"
#include "workflow/notice_rules.h"
#include "workflow/reply_review_rules.h"
#include "workflow/return_review_rules.h"

namespace hotline {
using v1::Event;
using v1::Ticket;

absl::Status CheckSourceIdFree(const Principal& caller,
                               absl::string_view source_id,
                               const v1::Ticket* existing) {
  if (existing == nullptr) return absl::OkStatus();
  const std::string id(source_id);
  if (existing->created_by() != caller.ToString() &&
      caller.kind != Principal::Kind::kBureau) {
    // Not this caller's ticket: its name is not told.
    return WithReason(absl::AlreadyExistsError(absl::StrCat(
                          "a ticket with source_id \"", id,
                          "\" was already created by another source")),
                      v1::ALREADY_EXISTS, {{"source_id", id}});
  }
  // A re-sent row: nothing new is created, and the caller learns which
  // ticket it already has (one call a row).
  return WithReason(absl::AlreadyExistsError(absl::StrCat(
                        "source_id \"", id, "\" was already created as ",
                        existing->name(), "; nothing new was created")),
                    v1::DUPLICATE_SOURCE_ID,
                    {{"source_id", id}, {"ticket", existing->name()}});
}

absl::Status CheckStep(const Ticket& ticket, absl::string_view etag,
                       absl::string_view method,
                       std::initializer_list<Ticket::State> allowed) {
  if (!etag.empty() && etag != ticket.etag()) {
    return WithReason(
        absl::AbortedError(absl::StrCat(ticket.name(), " changed since etag \"",
                                        etag, "\" (now \"", ticket.etag(),
                                        "\"); read it again and retry")),
        v1::ETAG_MISMATCH,
        {{"ticket", ticket.name()},
         {"etag", std::string(etag)},
         {"current_etag", ticket.etag()}});
  }
  for (Ticket::State state : allowed) {
    if (ticket.state() == state) return absl::OkStatus();
  }
  std::string names =
      absl::StrJoin(allowed, " or ", [](std::string* out, Ticket::State state) {
        out->append(Ticket::State_Name(state));
      });
  std::string allowed_states =
      absl::StrJoin(allowed, ",", [](std::string* out, Ticket::State state) {
        out->append(Ticket::State_Name(state));
      });
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          ticket.name(), " is ", Ticket::State_Name(ticket.state()), "; ",
          method, " needs it to be ", names)),
      v1::TICKET_STATE,
      {{"ticket", ticket.name()},
       {"state", Ticket::State_Name(ticket.state())},
       {"allowed_states", allowed_states},
       {"method", std::string(method)}});
}

TicketChange BeginStep(const Ticket& ticket, Event::Type type,
                       Ticket::State after, const ActionContext& context) {
  TicketChange change{ticket, Event()};
  change.ticket.set_state(after);
  *change.ticket.mutable_update_time() = ToProtoTime(context.now);
  Event& event = change.event;
  event.set_ticket(ticket.name());
  event.set_type(type);
  event.set_actor(context.actor.ToString());
  *event.mutable_time() = ToProtoTime(context.now);
  event.set_state_before(ticket.state());
  event.set_state_after(after);
  return change;
}

void FinishStep(const Ticket& before, TicketChange& change) {
  if (change.ticket.state() != Ticket::DISPATCHED &&
      change.ticket.state() != Ticket::IN_PROGRESS) {
    // No deadline is pending: none is provisional either.
    change.ticket.clear_deadlines_provisional_after();
  }
  LapseNotices(change.ticket, FromProtoTime(change.event.time()),
               Event::Type_Name(change.event.type()));
  change.event.set_department(change.ticket.department());
  change.event.clear_assisting_departments();
  for (std::string& department : AssistingDepartments(change.ticket)) {
    change.event.add_assisting_departments(std::move(department));
  }
  if (before.department() != change.ticket.department()) {
    change.event.set_previous_department(before.department());
  }
  const absl::Time next = NextDue(change.ticket);
  if (next == absl::InfiniteFuture()) {
    change.ticket.clear_next_due_at();
  } else {
    *change.ticket.mutable_next_due_at() = ToProtoTime(next);
  }
}

void ClearReply(Ticket& t) {
  t.clear_reply_text();
  t.clear_outcome();
  t.clear_replied_at();
  t.clear_reply_due_at();
  t.clear_closed_at();
  t.clear_satisfaction();
  t.clear_closed_by_final_answer();
  t.clear_missing_opinions_reason();
  t.clear_reply_review();
  // A new reply gets a new callback (回访); an appeal stays (one a ticket).
  t.clear_callback_attempts();
  t.clear_closed_unreachable();
  t.clear_dissatisfaction_reasons();
}

void ClearAssignment(Ticket& t) {
  t.clear_ack_due_at();
  t.clear_reply_due_at();
  t.clear_warning_at();
  t.clear_return_due_at();
  t.clear_red_card_due_at();
  t.clear_policy_version();
  t.set_due_soon(false);
  t.set_ack_overdue(false);
  t.set_reply_overdue(false);
  t.set_long_overdue(false);
  t.set_extension_count(0);
  t.clear_pending_extension();
  t.clear_extension_decided_at();
  t.clear_return_refused_at();
  // A suspension request belongs to the assignment that asked for it.
  t.clear_pending_suspension();
  t.clear_daily_report_due_at();
}

TicketChange NewTicket(const Ticket& draft, const ActionContext& context) {
  Ticket ticket;
  ticket.set_source_id(draft.source_id());
  ticket.set_duplicate_of_source_id(draft.duplicate_of_source_id());
  ticket.set_type(draft.type());
  ticket.set_topic(draft.topic());
  ticket.set_category(draft.category());
  ticket.set_urgency(draft.urgency() == Ticket::URGENCY_UNSPECIFIED
                         ? Ticket::NORMAL
                         : draft.urgency());
  ticket.set_title(draft.title());
  ticket.set_content(draft.content());
  ticket.set_address(draft.address());
  ticket.set_caller_name(draft.caller_name());
  ticket.set_caller_phone(draft.caller_phone());
  ticket.set_confidential(draft.confidential());
  ticket.set_created_by(context.actor.ToString());
  *ticket.mutable_received_at() =
      draft.has_received_at() ? draft.received_at() : ToProtoTime(context.now);
  *ticket.mutable_create_time() = ToProtoTime(context.now);

  // A new ticket comes from no state at all.
  Ticket nothing;
  TicketChange change =
      BeginStep(nothing, Event::CREATED, Ticket::RECEIVED, context);
  ticket.set_state(Ticket::RECEIVED);
  *ticket.mutable_update_time() = ToProtoTime(context.now);
  change.ticket = std::move(ticket);
  return change;
}

absl::StatusOr<TicketChange> Dispatch(const Ticket& ticket,
                                      absl::string_view department,
                                      absl::string_view note,
                                      absl::string_view etag,
                                      const ActionContext& context,
                                      const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "DispatchTicket",
                            {Ticket::RECEIVED, Ticket::RETURNED,
                             Ticket::DISPATCHED, Ticket::IN_PROGRESS}));
  if (ticket.department() == department) {
    return WithReason(
        absl::FailedPreconditionError(
            absl::StrCat(ticket.name(), " is already assigned to ", department,
                         "; name another department to reassign it")),
        v1::ALREADY_ASSIGNED,
        {{"ticket", ticket.name()}, {"department", std::string(department)}});
  }
  TicketChange change =
      BeginStep(ticket, Event::DISPATCHED, Ticket::DISPATCHED, context);
  Ticket& t = change.ticket;
  t.set_department(std::string(department));
  // Dispatching a returned ticket accepts its return.
  t.clear_pending_return();
  *t.mutable_dispatched_at() = ToProtoTime(context.now);
  t.clear_acknowledged_at();
  t.set_dispatch_count(ticket.dispatch_count() + 1);
  // A fresh clock for the new department (docs/workflow.md, "Deadlines,
  // warnings and cards").
  ClearAssignment(t);
  const Deadlines deadlines =
      ComputeDeadlines(t.type(), t.urgency(), context.now, rules);
  *t.mutable_ack_due_at() = ToProtoTime(deadlines.ack_due);
  *t.mutable_reply_due_at() = ToProtoTime(deadlines.reply_due);
  *t.mutable_warning_at() = ToProtoTime(deadlines.warning);
  *t.mutable_return_due_at() = ToProtoTime(deadlines.return_due);
  t.set_policy_version(rules.policy->version());
  MarkProvisionalDeadlines(t, *rules.calendar);
  change.event.set_reason(std::string(note));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> Acknowledge(const Ticket& ticket,
                                         absl::string_view etag,
                                         const ActionContext& context,
                                         const DeadlineRules& rules) {
  RETURN_IF_ERROR(
      CheckStep(ticket, etag, "AcknowledgeTicket", {Ticket::DISPATCHED}));
  TicketChange change =
      BeginStep(ticket, Event::ACKNOWLEDGED, Ticket::IN_PROGRESS, context);
  *change.ticket.mutable_acknowledged_at() = ToProtoTime(context.now);
  change.ticket.set_ack_overdue(false);
  *change.ticket.mutable_daily_report_due_at() =
      ToProtoTime(FirstDailyReportDue(context.now, *rules.calendar));
  MarkProvisionalDeadlines(change.ticket, *rules.calendar);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> Return(const Ticket& ticket,
                                    absl::string_view reason,
                                    absl::string_view etag,
                                    const ActionContext& context) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "ReturnTicket",
                            {Ticket::DISPATCHED, Ticket::IN_PROGRESS}));
  if (ticket.has_return_due_at() &&
      context.now > FromProtoTime(ticket.return_due_at())) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), ": the return window (退单时限) ended at ",
            absl::FormatTime("%Y-%m-%d %H:%M:%S %z",
                             FromProtoTime(ticket.return_due_at()),
                             absl::FixedTimeZone(8 * 3600)),
            "; ask the bureau to reassign the ticket instead")),
        v1::RETURN_WINDOW_CLOSED,
        {{"ticket", ticket.name()},
         {"return_due_at", FormatRfc3339(ticket.return_due_at())}});
  }
  TicketChange change =
      BeginStep(ticket, Event::RETURNED, Ticket::RETURNED, context);
  Ticket& t = change.ticket;
  // Kept for the bureau's review: a refused return gives it back
  // (return_review_rules.h).
  *t.mutable_pending_return() = SaveAssignment(ticket, reason, context.now);
  t.clear_department();
  t.clear_acknowledged_at();
  // Time in RETURNED runs on no department's clock.
  ClearAssignment(t);
  t.set_return_count(ticket.return_count() + 1);
  MarkLatestDispatchReturned(t, true);
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> Reply(const Ticket& ticket,
                                   absl::string_view reply_text,
                                   Ticket::Outcome outcome,
                                   absl::string_view etag,
                                   const ActionContext& context,
                                   absl::string_view missing_opinions_reason) {
  RETURN_IF_ERROR(
      CheckStep(ticket, etag, "ReplyTicket", {Ticket::IN_PROGRESS}));
  RETURN_IF_ERROR(CheckOpinionsBeforeReply(ticket, missing_opinions_reason));
  TicketChange change =
      BeginStep(ticket, Event::REPLIED, Ticket::REPLIED, context);
  Ticket& t = change.ticket;
  if (!MissingOpinions(ticket).empty()) {
    t.set_missing_opinions_reason(std::string(missing_opinions_reason));
  }
  t.set_reply_text(std::string(reply_text));
  t.set_outcome(outcome);
  *t.mutable_replied_at() = ToProtoTime(context.now);
  // The reply counts as the day's report; nothing more is owed, and no
  // clock is left to suspend.
  t.clear_daily_report_due_at();
  t.clear_pending_suspension();
  change.event.set_reply_text(std::string(reply_text));
  change.event.set_outcome(outcome);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> Close(const Ticket& ticket,
                                   Ticket::Satisfaction satisfaction,
                                   absl::string_view etag,
                                   const ActionContext& context) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "CloseTicket", {Ticket::REPLIED}));
  RETURN_IF_ERROR(CheckReviewedForClose(ticket));
  TicketChange change =
      BeginStep(ticket, Event::CLOSED, Ticket::CLOSED, context);
  change.ticket.set_satisfaction(satisfaction);
  *change.ticket.mutable_closed_at() = ToProtoTime(context.now);
  change.event.set_satisfaction(satisfaction);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> Reopen(const Ticket& ticket,
                                    absl::string_view reason,
                                    absl::string_view etag,
                                    const ActionContext& context,
                                    const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "ReopenTicket",
                            {Ticket::REPLIED, Ticket::CLOSED}));
  if (!ticket.closed_by_final_answer().empty()) {
    // No department ever held it: there is none to give it back to.
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), " was closed by the final answer of ",
            ticket.closed_by_final_answer(),
            " without a dispatch, so no department can reopen it; if the "
            "demand is new, have the platform send a new ticket")),
        v1::TICKET_STATE,
        {{"ticket", ticket.name()},
         {"state", Ticket::State_Name(ticket.state())},
         {"allowed_states", "REPLIED,CLOSED"},
         {"method", "ReopenTicket"}});
  }
  TicketChange change =
      BeginStep(ticket, Event::REOPENED, Ticket::IN_PROGRESS, context);
  Ticket& t = change.ticket;
  // The previous result stays in the history (the REPLIED and CLOSED
  // events); the ticket shows the work in hand, and a new reply deadline
  // below.
  ClearReply(t);
  t.set_reopen_count(ticket.reopen_count() + 1);
  // Reopening restarts the department's reply clock; sign-for and return
  // do not apply again (the ticket is already the department's).
  const google::protobuf::Timestamp ack_due = t.ack_due_at();
  ClearAssignment(t);
  *t.mutable_ack_due_at() = ack_due;
  const Deadlines deadlines =
      ComputeReplyDeadline(t.type(), t.urgency(), context.now, rules);
  *t.mutable_reply_due_at() = ToProtoTime(deadlines.reply_due);
  *t.mutable_warning_at() = ToProtoTime(deadlines.warning);
  t.set_policy_version(rules.policy->version());
  *t.mutable_daily_report_due_at() =
      ToProtoTime(FirstDailyReportDue(context.now, *rules.calendar));
  MarkProvisionalDeadlines(t, *rules.calendar);
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

}  // namespace hotline
