#include "app/calendar_update.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "app/planned_write.h"
#include "app/ticket_changes.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/calendar_coverage.h"

namespace hotline {
namespace {

using v1::Ticket;

// Ids of open tickets (DISPATCHED, IN_PROGRESS) whose deadlines were
// computed past a calendar that ended before `covered_through`.
absl::StatusOr<std::vector<int64_t>> ProvisionalTickets(
    storage::Store& store, absl::CivilDay covered_through) {
  std::vector<int64_t> ids;
  for (Ticket::State state : {Ticket::DISPATCHED, Ticket::IN_PROGRESS}) {
    storage::TicketQuery query;
    query.state = state;
    query.limit = 500;
    while (true) {
      ASSIGN_OR_RETURN(std::vector<Ticket> page, store.QueryTickets(query));
      for (const Ticket& t : page) {
        absl::CivilDay marked;
        if (absl::ParseCivilTime(t.deadlines_provisional_after(), &marked) &&
            marked < covered_through) {
          ids.push_back(storage::TicketId(t));
        }
      }
      if (static_cast<int>(page.size()) < query.limit) break;
      query.after_id = storage::TicketId(page.back());
    }
  }
  return ids;
}

}  // namespace

absl::StatusOr<int> ApplyCalendarCoverage(storage::Store& store,
                                          const PolicyRegistry& policies,
                                          absl::Time now) {
  const WorkingDayCalendar& calendar = policies.calendar();
  if (std::string warning = CoverageWarning(calendar, now); !warning.empty()) {
    LogWarning(warning);
  }
  const std::string covered = absl::FormatCivilTime(calendar.covered_through());
  ASSIGN_OR_RETURN(std::optional<std::string> recorded,
                   store.LoadSetting(storage::kCalendarCoverageSetting));
  if (recorded.has_value() && *recorded == covered) return 0;

  ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                   ProvisionalTickets(store, calendar.covered_through()));
  int recomputed = 0;
  for (int64_t id : ids) {
    absl::StatusOr<bool> done = CommitPlannedAndWait<bool>(
        &store, [&]() -> absl::StatusOr<Planned<bool>> {
          Planned<bool> planned{{}, false};
          ASSIGN_OR_RETURN(std::optional<Ticket> ticket, store.LoadTicket(id));
          if (!ticket.has_value()) return planned;
          std::optional<TicketChange> change = RecomputeProvisionalDeadlines(
              *ticket, now, policies.RulesFor(ticket->policy_version()));
          if (!change) return planned;
          TicketChanges changes(&store, calendar.zone(), &planned.changes);
          changes.ExpectStored(*ticket);
          changes.AddVersion(*ticket, &change->ticket);
          changes.AddEvent(change->event);
          planned.answer = true;
          return planned;
        });
    RETURN_IF_ERROR(done.status());
    if (*done) ++recomputed;
  }
  storage::ChangeSet setting;
  setting.settings.emplace_back(storage::kCalendarCoverageSetting, covered);
  RETURN_IF_ERROR(store.CommitAndWait(std::move(setting)));
  if (recomputed > 0) {
    LogInfo(absl::StrCat("the calendar now covers through ", covered,
                         ": deadlines of ", recomputed,
                         " open ticket(s) computed again"));
  }
  return recomputed;
}

}  // namespace hotline
