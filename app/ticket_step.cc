#include "app/ticket_step.h"

#include <optional>

#include "app/ticket_changes.h"
#include "common/status_macros.h"
#include "workflow/sweep_rules.h"

namespace hotline {

absl::StatusOr<Planned<v1::Ticket>> PlanTicketStep(
    storage::Store& store, const PolicyRegistry& policies,
    const ActionContext& context, TicketAction action, int64_t id,
    const std::string& name, const StepRule& rule) {
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store.LoadTicket(id));
  const v1::Ticket* current = ticket.has_value() ? &*ticket : nullptr;
  RETURN_IF_ERROR(AuthorizeOnTicket(context.actor, action, name, current));
  Planned<v1::Ticket> planned;
  TicketChanges changes(&store, policies.calendar().zone(), &planned.changes);
  changes.ExpectStored(*current);
  SweepResult due = Sweep(*current, context.now,
                          policies.RulesFor(current->policy_version()));
  ASSIGN_OR_RETURN(TicketChange change, rule(store, due.ticket, context));
  SweepCounts ignored;
  v1::Ticket before = *current;
  if (!due.steps.empty()) {
    // What fell due is stored on its own first, so the statistics count it
    // from when it fell due even when this step undoes it (a re-dispatch
    // clears an overdue flag); the step follows as the next version.
    changes.AddVersion(before, &due.ticket);
    RETURN_IF_ERROR(changes.AddSweepSteps(due.ticket, due.steps, &ignored));
    before = due.ticket;
  }
  changes.AddVersion(before, &change.ticket);
  changes.AddEvent(change.event);
  // What the step itself lets fall due at once (a rejected extension
  // releases a yellow card held past its deadline) is settled in the same
  // commit, so no reader sees the ticket without it.
  SweepResult after = Sweep(change.ticket, context.now,
                            policies.RulesFor(change.ticket.policy_version()));
  if (after.steps.empty()) {
    planned.answer = change.ticket;
    return planned;
  }
  changes.AddVersion(change.ticket, &after.ticket);
  RETURN_IF_ERROR(changes.AddSweepSteps(after.ticket, after.steps, &ignored));
  planned.answer = after.ticket;
  return planned;
}

}  // namespace hotline
