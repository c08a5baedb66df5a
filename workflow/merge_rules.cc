#include "workflow/merge_rules.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/assist_rules.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Ticket;

absl::Status ChainError(const Ticket& ticket, const Ticket& main,
                        absl::string_view why) {
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          ticket.name(), " cannot be merged into ", main.name(), ": ", why)),
      v1::MERGE_CHAIN,
      {{"ticket", ticket.name()}, {"main_ticket", main.name()}});
}

// The state a merged ticket stands in while its main stands in `main`.
Ticket::State FollowingState(Ticket::State main) {
  if (main == Ticket::REPLIED || main == Ticket::CLOSED) return main;
  return Ticket::MERGED;
}

}  // namespace

absl::Status CheckNotMerged(const Ticket& ticket, absl::string_view method) {
  if (ticket.merged_into().empty()) return absl::OkStatus();
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          ticket.name(), " is merged (并单) into ", ticket.merged_into(),
          " and follows it; ", method, " is taken on ", ticket.merged_into(),
          ", or on this ticket after UnmergeTicket")),
      v1::TICKET_MERGED,
      {{"ticket", ticket.name()}, {"main_ticket", ticket.merged_into()}});
}

absl::StatusOr<TicketPairChange> Merge(const Ticket& ticket, const Ticket& main,
                                       absl::string_view reason,
                                       absl::string_view etag,
                                       const ActionContext& context) {
  if (ticket.name() == main.name()) {
    return InvalidFieldError("main_ticket",
                             absl::StrCat("a ticket cannot be merged into "
                                          "itself; name the ticket ",
                                          ticket.name(), " repeats"));
  }
  RETURN_IF_ERROR(CheckStep(ticket, etag, "MergeTicket",
                            {Ticket::RECEIVED, Ticket::DISPATCHED,
                             Ticket::IN_PROGRESS, Ticket::RETURNED}));
  if (!main.merged_into().empty()) {
    return ChainError(
        ticket, main,
        absl::StrCat(main.name(), " is itself merged into ", main.merged_into(),
                     "; merge into ", main.merged_into(), " instead"));
  }
  if (ticket.merged_size() > 0) {
    return ChainError(ticket, main,
                      absl::StrCat(ticket.merged_size(),
                                   " ticket(s) are merged into it; unmerge "
                                   "them first, or merge them into ",
                                   main.name()));
  }
  RETURN_IF_ERROR(
      CheckStep(main, "", "MergeTicket (its main ticket)",
                {Ticket::RECEIVED, Ticket::DISPATCHED, Ticket::IN_PROGRESS,
                 Ticket::RETURNED, Ticket::SUSPENDED}));

  TicketPairChange pair{
      BeginStep(ticket, Event::MERGED, Ticket::MERGED, context),
      BeginStep(main, Event::DUPLICATE_MERGED, main.state(), context)};
  Ticket& t = pair.ticket.ticket;
  t.set_merged_into(main.name());
  v1::Merge& merge = *t.mutable_merge();
  merge.set_reason(std::string(reason));
  merge.set_merged_by(context.actor.ToString());
  *merge.mutable_merge_time() = ToProtoTime(context.now);
  merge.set_department(ticket.department());
  // It leaves its department's queue and keeps no clock of its own.
  t.clear_department();
  t.clear_acknowledged_at();
  t.clear_pending_return();
  ClearAssignment(t);
  // Its assisting parts (协办) end: the main's departments handle it.
  for (v1::Assist& part : *t.mutable_assists()) {
    if (!IsActiveAssist(part)) continue;
    part.set_state(v1::Assist::REMOVED);
    part.set_end_reason(absl::StrCat("merged (并单) into ", main.name()));
    *part.mutable_end_time() = ToProtoTime(context.now);
  }
  pair.ticket.event.set_reason(std::string(reason));
  pair.ticket.event.set_related_ticket(main.name());
  FinishStep(ticket, pair.ticket);

  v1::MergedTicket& listed = *pair.other.ticket.add_merged();
  listed.set_ticket(ticket.name());
  listed.set_source_id(ticket.source_id());
  listed.set_caller_name(ticket.caller_name());
  listed.set_caller_phone(ticket.caller_phone());
  listed.set_confidential(ticket.confidential());
  *listed.mutable_merge_time() = ToProtoTime(context.now);
  pair.other.event.set_reason(std::string(reason));
  pair.other.event.set_related_ticket(ticket.name());
  FinishStep(main, pair.other);
  return pair;
}

absl::Status CheckMerged(const Ticket& ticket) {
  if (!ticket.merged_into().empty()) return absl::OkStatus();
  return WithReason(absl::FailedPreconditionError(absl::StrCat(
                        ticket.name(), " is not merged into another ticket")),
                    v1::NOT_MERGED, {{"ticket", ticket.name()}});
}

absl::StatusOr<TicketPairChange> Unmerge(const Ticket& ticket,
                                         const Ticket& main,
                                         absl::string_view reason,
                                         absl::string_view etag,
                                         const ActionContext& context,
                                         const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckMerged(ticket));
  RETURN_IF_ERROR(CheckStep(ticket, etag, "UnmergeTicket",
                            {Ticket::MERGED, Ticket::REPLIED}));
  // Back where a ticket stands before it is dispatched, then (when a
  // department held it at the merge) dispatched again from now.
  Ticket back = ticket;
  back.set_state(Ticket::RECEIVED);
  back.clear_merged_into();
  back.clear_merge();
  back.clear_department();
  ClearReply(back);
  TicketChange change;
  const std::string& department = ticket.merge().department();
  if (department.empty()) {
    change = BeginStep(back, Event::UNMERGED, Ticket::RECEIVED, context);
  } else {
    ASSIGN_OR_RETURN(change,
                     Dispatch(back, department, reason, "", context, rules));
    change.event.set_type(Event::UNMERGED);
  }
  change.event.set_state_before(ticket.state());
  change.event.set_reason(std::string(reason));
  change.event.set_related_ticket(main.name());
  FinishStep(ticket, change);

  TicketPairChange pair{
      std::move(change),
      BeginStep(main, Event::DUPLICATE_UNMERGED, main.state(), context)};
  auto* merged = pair.other.ticket.mutable_merged();
  for (int i = 0; i < merged->size(); ++i) {
    if (merged->Get(i).ticket() == ticket.name()) {
      merged->erase(merged->begin() + i);
      break;
    }
  }
  pair.other.event.set_reason(std::string(reason));
  pair.other.event.set_related_ticket(ticket.name());
  FinishStep(main, pair.other);
  return pair;
}

std::optional<TicketChange> FollowMain(const Ticket& merged,
                                       const TicketChange& main_step,
                                       const ActionContext& context) {
  const Ticket& main = main_step.ticket;
  const Ticket::State target = FollowingState(main.state());
  if (target == merged.state()) return std::nullopt;
  Event::Type type = Event::REOPENED;
  if (target == Ticket::REPLIED) type = Event::REPLIED;
  if (target == Ticket::CLOSED) {
    type = main_step.event.type() == Event::CLOSED_BY_FINAL_ANSWER
               ? Event::CLOSED_BY_FINAL_ANSWER
               : Event::CLOSED;
  }
  TicketChange change = BeginStep(merged, type, target, context);
  Ticket& t = change.ticket;
  ClearReply(t);
  t.clear_department();
  if (target != Ticket::MERGED) {
    // The main's answer is this ticket's answer, by the department that
    // gave it, judged against the main's deadline.
    t.set_department(main.department());
    t.set_reply_text(main.reply_text());
    t.set_outcome(main.outcome());
    *t.mutable_replied_at() = main.replied_at();
    *t.mutable_reply_due_at() = main.reply_due_at();
    t.set_closed_by_final_answer(main.closed_by_final_answer());
    if (target == Ticket::CLOSED) *t.mutable_closed_at() = main.closed_at();
    change.event.set_reply_text(main.reply_text());
    change.event.set_outcome(main.outcome());
  }
  change.event.set_reason(main_step.event.reason());
  change.event.set_related_ticket(main.name());
  FinishStep(merged, change);
  return change;
}

}  // namespace hotline
