// One step on one stored ticket, planned on the request's thread: load it,
// check that the actor may take the action on it, settle whatever fell due
// before now (the sweep rules: cards, missed daily reports), apply the
// step's rule, and describe the settled steps and the change as a change
// set expecting the version read; then settle what the step itself made
// due at once (a rejected extension's held yellow card). Every state change
// of a ticket goes through here, so history stays in time order even when
// the sweeper has not run yet. A concurrent change of the ticket makes the
// commit a conflict, and the step is planned again (planned_write.h).
//
// Merged tickets (并单, workflow/merge_rules.h): every step but an unmerge
// is refused on one (TICKET_MERGED); a step of a main ticket carries, in
// the same commit, what its merged tickets make of it (FollowMain: the
// main's reply, close and reopen).
//
// Thread-safe (reads the store; writes nothing itself).
#ifndef HOTLINE_APP_TICKET_STEP_H_
#define HOTLINE_APP_TICKET_STEP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "app/planned_write.h"
#include "app/policy_registry.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/merge_rules.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// A step's rule; `store` for checks of other records (departments are
// never deleted, so a read before the commit stays true).
using StepRule = std::function<absl::StatusOr<TicketChange>(
    storage::Store& store, const v1::Ticket&, const ActionContext&)>;

// The change set of the step, answering with the ticket as it will be
// stored. `name` is the ticket's name ("tickets/{id}") for messages; the
// role-level check (AuthorizeAction) is the caller's. `extra` (may be
// null) adds rows that belong to the step (a daily report's entry).
absl::StatusOr<Planned<v1::Ticket>> PlanTicketStep(
    storage::Store& store, const PolicyRegistry& policies,
    const ActionContext& context, TicketAction action, int64_t id,
    const std::string& name, const StepRule& rule);

// The department `name` (well-formed, "departments/{id}") must exist:
// checked in the plan, so that the check and the step see the same
// database. `what` names it in NOT_FOUND ("department", "dispatch_to:
// department").
absl::Status CheckDepartmentExists(storage::Store& store,
                                   const std::string& name,
                                   absl::string_view what);

// A step's rule on two tickets: the one named and `other` (a merge's main,
// a link's other end), both settled as above.
using PairRule = std::function<absl::StatusOr<TicketPairChange>(
    const v1::Ticket& ticket, const v1::Ticket& other, const ActionContext&)>;

// The other ticket of a two-ticket step: "tickets/{id}", and the request's
// field that names it (for NOT_FOUND when it does not exist).
struct OtherTicket {
  std::string name;
  std::string field;
};
// Which other ticket the step changes, once the named one is read and
// settled: the request names it (a merge's main), or the ticket does (an
// unmerge's main); an error refuses the step.
using OtherOf =
    std::function<absl::StatusOr<OtherTicket>(const v1::Ticket& ticket)>;

// PlanTicketStep for a step that changes two tickets, answering with the
// named ticket as it will be stored.
absl::StatusOr<Planned<v1::Ticket>> PlanPairStep(
    storage::Store& store, const PolicyRegistry& policies,
    const ActionContext& context, TicketAction action, int64_t id,
    const std::string& name, const OtherOf& other_of, const PairRule& rule);

}  // namespace hotline

#endif  // HOTLINE_APP_TICKET_STEP_H_
