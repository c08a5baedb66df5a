#include "app/ticket_step.h"

#include <optional>
#include <utility>

#include "app/calendar_update.h"
#include "app/ticket_changes.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/records.h"
#include "workflow/merge_rules.h"
#include "workflow/sweep_rules.h"

namespace hotline {
namespace {

// One ticket of a step, read and settled: the version the step starts
// from (the stored one, or its deadlines counted on a newer calendar, that
// change already recorded), and what it is once everything due before now
// has fallen.
struct Settled {
  v1::Ticket stored;
  SweepResult due;
};

// Expects `stored` unchanged at the commit, brings its provisional
// deadlines up to the calendar in force (calendar_update.h) and settles
// what fell due.
Settled Settle(v1::Ticket stored, const PolicyRegistry& policies,
               const ActionContext& context, TicketChanges& changes) {
  changes.ExpectStored(stored);
  const std::string read_etag = stored.etag();
  CatchUpWithCalendar(policies, changes, &stored);
  SweepResult due =
      Sweep(stored, context.now, policies.RulesFor(stored.policy_version()));
  // The rule checks the caller's etag against the version the caller could
  // read: the stored one. What the catch-up and the sweep add is the
  // server's own (RecordStep numbers the versions).
  due.ticket.set_etag(read_etag);
  return Settled{std::move(stored), std::move(due)};
}

// Loads ticket `id`, checks the actor's access to it (and that it is not
// merged, but for an unmerge) and settles it.
absl::StatusOr<Settled> LoadSettled(storage::Store& store,
                                    const PolicyRegistry& policies,
                                    const ActionContext& context,
                                    TicketAction action, int64_t id,
                                    const std::string& name,
                                    TicketChanges& changes) {
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store.LoadTicket(id));
  const v1::Ticket* current = ticket.has_value() ? &*ticket : nullptr;
  RETURN_IF_ERROR(AuthorizeOnTicket(context.actor, action, name, current));
  if (action != TicketAction::kUnmerge) {
    RETURN_IF_ERROR(CheckNotMerged(*current, ActionName(action)));
  }
  return Settle(*std::move(ticket), policies, context, changes);
}

// Records `change` of a settled ticket: what fell due first (stored on its
// own, so the statistics count it from when it fell due even when the step
// undoes it, e.g. a re-dispatch clears an overdue flag), then the step,
// then what the step itself lets fall due at once (a rejected extension
// releases a yellow card held past its deadline), in the same commit so no
// reader sees the ticket without it. Returns the ticket as stored.
absl::StatusOr<v1::Ticket> RecordStep(const PolicyRegistry& policies,
                                      const ActionContext& context,
                                      Settled& settled, TicketChange& change,
                                      TicketChanges& changes) {
  SweepCounts ignored;
  v1::Ticket before = settled.stored;
  if (!settled.due.steps.empty()) {
    changes.AddVersion(before, &settled.due.ticket);
    RETURN_IF_ERROR(
        changes.AddSweepSteps(settled.due.ticket, settled.due.steps, &ignored));
    before = settled.due.ticket;
  }
  changes.AddVersion(before, &change.ticket);
  changes.AddEvent(change.event);
  SweepResult after = Sweep(change.ticket, context.now,
                            policies.RulesFor(change.ticket.policy_version()));
  if (after.steps.empty()) return change.ticket;
  changes.AddVersion(change.ticket, &after.ticket);
  RETURN_IF_ERROR(changes.AddSweepSteps(after.ticket, after.steps, &ignored));
  return after.ticket;
}

// The steps the tickets merged into a main take after the main's step
// `main_step` (merge_rules.h, FollowMain), in the same commit.
absl::Status RecordFollowers(storage::Store& store,
                             const ActionContext& context,
                             const TicketChange& main_step,
                             TicketChanges& changes) {
  for (const v1::MergedTicket& listed : main_step.ticket.merged()) {
    ASSIGN_OR_RETURN(
        std::optional<v1::Ticket> merged,
        store.LoadTicket(storage::TicketIdOfName(listed.ticket())));
    if (!merged || merged->merged_into() != main_step.ticket.name()) {
      // Unmerged since the main was read: that unmerge changed the main
      // too, so the commit finds the main changed and the step is planned
      // again from a fresh read.
      continue;
    }
    std::optional<TicketChange> follow =
        FollowMain(*merged, main_step, context);
    if (!follow) continue;
    changes.ExpectStored(*merged);
    changes.AddVersion(*merged, &follow->ticket);
    changes.AddEvent(follow->event);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Planned<v1::Ticket>> PlanTicketStep(
    storage::Store& store, const PolicyRegistry& policies,
    const ActionContext& context, TicketAction action, int64_t id,
    const std::string& name, const StepRule& rule) {
  Planned<v1::Ticket> planned;
  TicketChanges changes(&store, policies.calendar().zone(), &planned.changes);
  ASSIGN_OR_RETURN(Settled settled, LoadSettled(store, policies, context,
                                                action, id, name, changes));
  ASSIGN_OR_RETURN(TicketChange change,
                   rule(store, settled.due.ticket, context));
  ASSIGN_OR_RETURN(planned.answer,
                   RecordStep(policies, context, settled, change, changes));
  RETURN_IF_ERROR(RecordFollowers(store, context, change, changes));
  return planned;
}

absl::StatusOr<Planned<v1::Ticket>> PlanPairStep(
    storage::Store& store, const PolicyRegistry& policies,
    const ActionContext& context, TicketAction action, int64_t id,
    const std::string& name, const OtherOf& other_of, const PairRule& rule) {
  Planned<v1::Ticket> planned;
  TicketChanges changes(&store, policies.calendar().zone(), &planned.changes);
  ASSIGN_OR_RETURN(Settled settled, LoadSettled(store, policies, context,
                                                action, id, name, changes));
  ASSIGN_OR_RETURN(const OtherTicket other, other_of(settled.due.ticket));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> stored,
                   store.LoadTicket(storage::TicketIdOfName(other.name)));
  if (!stored) return ResourceNotFound(other.field + ": ticket", other.name);
  // The same ticket twice is the rule's to refuse; it is expected once.
  Settled second = stored->name() == settled.stored.name()
                       ? settled
                       : Settle(*std::move(stored), policies, context, changes);
  ASSIGN_OR_RETURN(TicketPairChange pair,
                   rule(settled.due.ticket, second.due.ticket, context));
  ASSIGN_OR_RETURN(planned.answer, RecordStep(policies, context, settled,
                                              pair.ticket, changes));
  RETURN_IF_ERROR(
      RecordStep(policies, context, second, pair.other, changes).status());
  return planned;
}

}  // namespace hotline
