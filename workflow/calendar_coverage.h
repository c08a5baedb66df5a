// What happens at the edge of the working-day calendar (工作日历). The
// shipped schedule ends on a known date (calendar.h covered_through); past
// it, only weekends count as days off, so a deadline computed past it is
// provisional: the State Council's next schedule may move it.
//
//   MarkProvisionalDeadlines(ticket, calendar);   // after computing deadlines
//   std::optional<TicketChange> moved =
//       RecomputeProvisionalDeadlines(ticket, now, rules);  // newer calendar
//   std::string warning = CoverageWarning(calendar, now);   // "" when fine
//
// Every rule that computes a deadline (dispatch, reopen, extension, the
// sweeper's red-card point and daily-report day) marks the ticket; the
// server recomputes marked tickets when it starts with a calendar that
// covers further (app/calendar_update.h).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_CALENDAR_COVERAGE_H_
#define HOTLINE_WORKFLOW_CALENDAR_COVERAGE_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/calendar.h"
#include "workflow/deadlines.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// The actor of DEADLINES_RECOMPUTED events.
inline constexpr char kCalendarActor[] = "calendar";

// How close the end of the calendar's coverage must come before the server
// warns.
inline constexpr int kCoverageWarningDays = 60;

// Sets ticket.deadlines_provisional_after to the calendar's last covered
// date when a pending deadline of the current assignment falls after it;
// clears it otherwise.
void MarkProvisionalDeadlines(v1::Ticket& ticket,
                              const WorkingDayCalendar& calendar);

// For a ticket marked provisional by an earlier calendar that `rules`'
// calendar covers further: its deadlines computed from the working days
// past the old last date, counted again on the new calendar (each deadline
// that ends a working day keeps its number of working days after the old
// last date; clock-hour deadlines and deadlines already passed at `now`
// stay). Returns the changed ticket and its DEADLINES_RECOMPUTED event, or
// nullopt when nothing moves (the mark is still brought up to date in that
// case only if the caller stores the ticket).
std::optional<TicketChange> RecomputeProvisionalDeadlines(
    const v1::Ticket& ticket, absl::Time now, const DeadlineRules& rules);

// A warning for the operator when the calendar's coverage ends within
// kCoverageWarningDays of `now` (or has ended); empty otherwise.
std::string CoverageWarning(const WorkingDayCalendar& calendar, absl::Time now);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CALENDAR_COVERAGE_H_
