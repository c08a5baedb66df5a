// The working-day calendar (工作日历) of the bureau: its time zone, weekends,
// public holidays and make-up working days (调休).
//
//   ASSIGN_OR_RETURN(
//       WorkingDayCalendar calendar,
//       WorkingDayCalendar::Parse(csv, "holidays.csv", zone));
//   calendar.IsWorkingDay(absl::CivilDay(2021, 2, 7));   // true: 调休 Sunday
//   absl::Time due = calendar.EndOfWorkingDays(dispatched_at, 15);
//
// The file is CSV with a header line `date,kind,holiday` and one line per
// exceptional date: `2021-02-07,workday,春节` (a weekend day worked) or
// `2021-02-11,off,春节` (a weekday off). Every other date is a working day
// Monday to Friday and a rest day on Saturday and Sunday. Lines starting
// with '#' and blank lines are ignored. A malformed file is refused with the
// line number and the reason. The file itself is read in app/
// (app/data_files.h, LoadCalendarFile): workflow/ opens no files.
//
// "N working days after an instant" ends at 24:00 local time of the Nth
// working day, counting from the day after the instant's local date
// (docs/workflow.md, "Deadlines, warnings and cards"; after Guangdong's
// published rules).
//
// Immutable after construction; safe for concurrent use.
#ifndef HOTLINE_WORKFLOW_CALENDAR_H_
#define HOTLINE_WORKFLOW_CALENDAR_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace hotline {

class WorkingDayCalendar {
 public:
  // Parses the CSV text; `source` names it in error messages.
  static absl::StatusOr<WorkingDayCalendar> Parse(absl::string_view csv,
                                                  absl::string_view source,
                                                  absl::TimeZone zone);

  absl::TimeZone zone() const { return zone_; }
  // The last date the file lists: later dates follow weekends alone, so the
  // file must be extended each year when the State Council publishes the
  // next schedule.
  absl::CivilDay covered_through() const { return covered_through_; }

  bool IsWorkingDay(absl::CivilDay day) const;

  // The bureau's local date of an instant.
  absl::CivilDay LocalDay(absl::Time time) const;
  // 00:00 local time of a date.
  absl::Time StartOfDay(absl::CivilDay day) const;

  // 24:00 local time of the Nth working day after the local date of `start`
  // (N >= 1).
  absl::Time EndOfWorkingDays(absl::Time start, int working_days) const;

  // 24:00 of the Nth working day after the working day that `deadline`
  // closes: extends a deadline that ends at 24:00 by N working days. For a
  // deadline inside a day (clock-hour limits) it counts from the day after.
  absl::Time ExtendByWorkingDays(absl::Time deadline, int working_days) const;

  // 00:00 local time of the first of the last N working days before
  // `deadline` (N >= 1): the start of the final stretch, used for warnings.
  absl::Time StartOfLastWorkingDays(absl::Time deadline,
                                    int working_days) const;

  // `deadline` after a pause of the clock (suspension, 挂起) from `paused`
  // to `resumed`. One that had passed when the clock stopped stays. One at
  // 24:00 keeps the working days it had left after the local date of
  // `paused` (N of them: the end of the Nth working day after `resumed`'s
  // date; none: the end of the first working day on or after it); one
  // inside a day (clock-hour limits) keeps the clock time it had left.
  absl::Time MoveByPause(absl::Time deadline, absl::Time paused,
                         absl::Time resumed) const;

  // A deadline as the rules state it, in local time: "2021-03-03 24:00" for
  // local midnight (the end of the day before), else "2021-03-03 14:30".
  std::string FormatDeadline(absl::Time time) const;

  // Time in [from, to) that falls on working days.
  absl::Duration WorkingTimeBetween(absl::Time from, absl::Time to) const;

 private:
  WorkingDayCalendar(absl::TimeZone zone, std::map<absl::CivilDay, bool> days,
                     absl::CivilDay covered_through)
      : zone_(zone),
        exceptions_(std::move(days)),
        covered_through_(covered_through) {}

  absl::TimeZone zone_;
  // Date -> is a working day, for dates that differ from the weekly rule.
  std::map<absl::CivilDay, bool> exceptions_;
  absl::CivilDay covered_through_;
};

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CALENDAR_H_
