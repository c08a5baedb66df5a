#include "workflow/daily_report_rules.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "workflow/validation.h"

namespace hotline {

absl::Time FirstDailyReportDue(absl::Time now,
                               const WorkingDayCalendar& calendar) {
  absl::CivilDay day = calendar.LocalDay(now);
  while (!calendar.IsWorkingDay(day)) ++day;
  return calendar.StartOfDay(day + 1);
}

absl::Time NextDailyReportDue(absl::Time due,
                              const WorkingDayCalendar& calendar) {
  return calendar.ExtendByWorkingDays(due, 1);
}

absl::StatusOr<absl::CivilDay> CheckReportDay(
    absl::string_view date, absl::Time now,
    const WorkingDayCalendar& calendar) {
  ASSIGN_OR_RETURN(const absl::CivilDay day, ParseDay(date, "date"));
  const absl::CivilDay today = calendar.LocalDay(now);
  if (day > today) {
    return WithFieldViolation(
        absl::InvalidArgumentError(
            absl::StrCat("date ", date, " has not begun; report for today, ",
                         absl::FormatCivilTime(today))),
        "date", "has not begun");
  }
  if (day < today) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "the day ", date,
            " has ended; its reports can no longer be given or amended")),
        v1::REPORT_DAY_ENDED, {{"date", std::string(date)}});
  }
  if (!calendar.IsWorkingDay(day)) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            date, " is not a working day; no report is owed for it")),
        v1::NOT_A_WORKING_DAY, {{"date", std::string(date)}});
  }
  return day;
}

absl::StatusOr<TicketChange> RecordDailyReport(const v1::Ticket& ticket,
                                               absl::CivilDay day,
                                               absl::string_view progress,
                                               const ActionContext& context) {
  RETURN_IF_ERROR(
      CheckStep(ticket, "", "SubmitDailyReport", {v1::Ticket::IN_PROGRESS}));
  TicketChange change =
      BeginStep(ticket, v1::Event::DAILY_REPORT, ticket.state(), context);
  const std::string date = absl::FormatCivilTime(day);
  change.ticket.set_last_report_date(date);
  change.event.set_report_date(date);
  change.event.set_reason(std::string(progress));
  FinishStep(ticket, change);
  return change;
}

}  // namespace hotline
