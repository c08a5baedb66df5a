// Daily progress reports (一日一报). For every working day a ticket is
// IN_PROGRESS at the end of the day, its department owes one entry for that
// day; a reply that day counts as the day's report (the ticket is then no
// longer IN_PROGRESS at the end of it). Non-working days owe nothing.
//
// The ticket carries the next end-of-day at which a report is owed
// (daily_report_due_at) and the latest day reported (last_report_date); the
// sweeper settles each owed day at its end (sweep_rules.h) as reported or
// missed.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_DAILY_REPORT_RULES_H_
#define HOTLINE_WORKFLOW_DAILY_REPORT_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "workflow/calendar.h"
#include "workflow/ticket_rules.h"

namespace hotline {

// 24:00 of the first working day on or after the local date of `now`: when
// a ticket that becomes IN_PROGRESS at `now` first owes a report.
absl::Time FirstDailyReportDue(absl::Time now,
                               const WorkingDayCalendar& calendar);

// 24:00 of the next working day after the day that `due` closes.
absl::Time NextDailyReportDue(absl::Time due,
                              const WorkingDayCalendar& calendar);

// Checks the day a report is for: "YYYY-MM-DD", today in the bureau's time
// zone, a working day. INVALID_ARGUMENT for a malformed or future date,
// FAILED_PRECONDITION naming the day for a past day or a day off.
absl::StatusOr<absl::CivilDay> CheckReportDay(
    absl::string_view date, absl::Time now, const WorkingDayCalendar& calendar);

// One entry for `day` on an IN_PROGRESS ticket: an event, and the ticket's
// last_report_date. The caller checked the day with CheckReportDay.
absl::StatusOr<TicketChange> RecordDailyReport(const v1::Ticket& ticket,
                                               absl::CivilDay day,
                                               absl::string_view progress,
                                               const ActionContext& context);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_DAILY_REPORT_RULES_H_
