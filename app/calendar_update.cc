#include "app/calendar_update.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "app/planned_write.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/records.h"
#include "workflow/calendar_coverage.h"

namespace hotline {
namespace {

using v1::Ticket;

// Ids of open tickets (DISPATCHED, IN_PROGRESS) whose deadlines were
// computed past a calendar that ended before `covered_through`.
absl::StatusOr<std::vector<int64_t>> ProvisionalTickets(
    storage::Store& store, absl::CivilDay covered_through,
    const std::function<bool()>& stop) {
  std::vector<int64_t> ids;
  for (Ticket::State state : {Ticket::DISPATCHED, Ticket::IN_PROGRESS}) {
    storage::TicketQuery query;
    query.state = state;
    query.limit = 500;
    while (true) {
      if (stop && stop()) return absl::CancelledError("the server is stopping");
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

bool CatchUpWithCalendar(const PolicyRegistry& policies, TicketChanges& changes,
                         Ticket* ticket) {
  std::optional<TicketChange> moved = RecomputeProvisionalDeadlines(
      *ticket, policies.in_force_since(),
      policies.RulesFor(ticket->policy_version()));
  if (!moved) return false;
  changes.AddVersion(*ticket, &moved->ticket);
  changes.AddEvent(std::move(moved->event));
  *ticket = std::move(moved->ticket);
  return true;
}

absl::StatusOr<int> ApplyCalendarCoverage(storage::Store& store,
                                          const PolicyRegistry& policies,
                                          const std::function<bool()>& stop) {
  const WorkingDayCalendar& calendar = policies.calendar();
  if (std::string warning =
          CoverageWarning(calendar, policies.in_force_since());
      !warning.empty()) {
    LogWarning(warning);
  }
  const std::string covered = absl::FormatCivilTime(calendar.covered_through());
  ASSIGN_OR_RETURN(std::optional<std::string> recorded,
                   store.LoadSetting(storage::kCalendarCoverageSetting));
  if (recorded.has_value() && *recorded == covered) return 0;

  const absl::Time began = absl::Now();
  ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                   ProvisionalTickets(store, calendar.covered_through(), stop));
  int recomputed = 0;
  int failed = 0;
  absl::Status first_failure;
  for (int64_t id : ids) {
    if (stop && stop()) return absl::CancelledError("the server is stopping");
    absl::StatusOr<bool> done = CommitPlannedAndWait<bool>(
        &store, [&]() -> absl::StatusOr<Planned<bool>> {
          Planned<bool> planned{{}, false};
          ASSIGN_OR_RETURN(std::optional<Ticket> ticket, store.LoadTicket(id));
          if (!ticket.has_value()) return planned;
          TicketChanges changes(&store, calendar.zone(), &planned.changes);
          changes.ExpectStored(*ticket);
          planned.answer = CatchUpWithCalendar(policies, changes, &*ticket);
          if (!planned.answer) planned.changes = storage::ChangeSet();
          return planned;
        });
    if (!done.ok()) {
      // Served beside live traffic: one ticket changed too often, or a
      // passing error, does not hold up the others. Steps and sweeps still
      // catch it up; the next start walks it again.
      if (failed++ == 0) first_failure = done.status();
      continue;
    }
    if (*done) ++recomputed;
  }
  if (failed > 0) {
    return absl::Status(
        first_failure.code(),
        absl::StrCat(failed, " of ", ids.size(),
                     " open ticket(s) could not be brought up to the "
                     "calendar (first: ",
                     first_failure.message(), "); ", recomputed,
                     " were; the coverage is not recorded"));
  }
  storage::ChangeSet setting;
  setting.settings.emplace_back(storage::kCalendarCoverageSetting, covered);
  RETURN_IF_ERROR(store.CommitAndWait(std::move(setting)));
  if (ids.empty()) return 0;
  LogInfo(absl::StrCat("the calendar now covers through ", covered,
                       ": deadlines of ", recomputed,
                       " open ticket(s) computed again (", ids.size(),
                       " marked provisional; took ",
                       absl::FormatDuration(absl::Trunc(absl::Now() - began,
                                                        absl::Milliseconds(1))),
                       ")"));
  return recomputed;
}

CalendarCoverageUpdate::CalendarCoverageUpdate(storage::Store* store,
                                               const PolicyRegistry* policies) {
  worker_ = std::thread([this, store, policies] {
    absl::Status status = ApplyCalendarCoverage(*store, *policies, [this] {
                            absl::MutexLock lock(&mutex_);
                            return stopping_;
                          }).status();
    if (!status.ok() && !absl::IsCancelled(status)) {
      LogWarning(absl::StrCat(
          "could not compute the provisional deadlines of open tickets on "
          "the new calendar: ",
          status.message(),
          " (steps and sweeps still count each ticket they touch on the new "
          "calendar; the next start tries again)"));
    }
  });
}

CalendarCoverageUpdate::~CalendarCoverageUpdate() { Stop(); }

void CalendarCoverageUpdate::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

}  // namespace hotline
