// One step on one stored ticket, inside a unit of work: load it, check that
// the actor may take the action on it, settle whatever fell due before now
// (the sweep rules: cards, missed daily reports), apply the step's rule,
// store the settled steps and the change, then settle what the step itself
// made due at once (a rejected extension's held yellow card). Every state
// change of a ticket goes through here, so history stays in time order even
// when the sweeper has not run yet.
//
// Runs on the writer thread (called from a storage::WriteUnit).
#ifndef HOTLINE_SERVER_TICKET_STEP_H_
#define HOTLINE_SERVER_TICKET_STEP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "hotline/v1/ticket.pb.h"
#include "server/policy_registry.h"
#include "storage/sqlite.h"
#include "workflow/access.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// A step's rule; `db` is the unit's own connection, for checks that must
// see the same database as the change.
using StepRule = std::function<absl::StatusOr<TicketChange>(
    storage::Connection& db, const v1::Ticket&, const ActionContext&)>;

// Returns the ticket as stored after the step. `name` is the ticket's name
// ("tickets/{id}") for messages; the role-level check (AuthorizeAction) is
// the caller's, before the unit.
absl::StatusOr<v1::Ticket> ApplyTicketStep(storage::Connection& db,
                                           const PolicyRegistry& policies,
                                           const ActionContext& context,
                                           TicketAction action, int64_t id,
                                           const std::string& name,
                                           const StepRule& rule);

}  // namespace hotline

#endif  // HOTLINE_SERVER_TICKET_STEP_H_
