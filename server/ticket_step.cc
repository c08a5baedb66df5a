#include "server/ticket_step.h"

#include <optional>

#include "server/sweeper.h"
#include "server/workflow/sweep_rules.h"
#include "storage/queries.h"

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
  if (absl::Status s = StoreSweepSteps(db, id, due.steps, &ignored); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          storage::StoreTicketChange(db, &change->ticket, &change->event);
      !s.ok()) {
    return s;
  }
  return change->ticket;
}

}  // namespace hotline
