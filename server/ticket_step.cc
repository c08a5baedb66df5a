#include "server/ticket_step.h"

#include <optional>

#include "server/sweeper.h"
#include "storage/queries.h"
#include "workflow/sweep_rules.h"

namespace hotline {

absl::StatusOr<v1::Ticket> ApplyTicketStep(storage::Connection& db,
                                           const PolicyRegistry& policies,
                                           const ActionContext& context,
                                           TicketAction action, int64_t id,
                                           const std::string& name,
                                           const StepRule& rule) {
  absl::StatusOr<std::optional<v1::Ticket>> ticket =
      storage::LoadTicket(db, id);
  if (!ticket.ok()) return ticket.status();
  const v1::Ticket* current = ticket->has_value() ? &**ticket : nullptr;
  if (absl::Status s = AuthorizeOnTicket(context.actor, action, name, current);
      !s.ok()) {
    return s;
  }
  SweepResult due = Sweep(*current, context.now,
                          policies.RulesFor(current->policy_version()));
  absl::StatusOr<TicketChange> change = rule(db, due.ticket, context);
  if (!change.ok()) return change.status();
  SweepCounts ignored;
  if (absl::Status s = StoreSweepSteps(db, due.ticket, due.steps, &ignored);
      !s.ok()) {
    return s;
  }
  if (!due.steps.empty()) {
    // Store what fell due on its own first, so the statistics count it from
    // when it fell due even when this step undoes it (a re-dispatch clears
    // an overdue flag); the step follows as the next version.
    if (absl::Status s = storage::UpdateTicket(db, *current, &due.ticket);
        !s.ok()) {
      return s;
    }
    change->ticket.set_etag(due.ticket.etag());
  }
  if (absl::Status s = storage::StoreTicketChange(
          db, due.ticket, &change->ticket, &change->event);
      !s.ok()) {
    return s;
  }
  // What the step itself lets fall due at once (a rejected extension
  // releases a yellow card held past its deadline) is settled in the same
  // unit, so no reader sees the ticket without it.
  SweepResult after = Sweep(change->ticket, context.now,
                            policies.RulesFor(change->ticket.policy_version()));
  if (after.steps.empty()) return change->ticket;
  if (absl::Status s = StoreSweepSteps(db, after.ticket, after.steps, &ignored);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = storage::UpdateTicket(db, change->ticket, &after.ticket);
      !s.ok()) {
    return s;
  }
  return after.ticket;
}

}  // namespace hotline
