#include "workflow/calendar.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "workflow/data_lines.h"

namespace hotline {

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::Parse(
    absl::string_view csv, absl::string_view source, absl::TimeZone zone) {
  std::map<absl::CivilDay, bool> days;
  absl::CivilDay last;
  bool any = false;
  bool header_seen = false;
  RETURN_IF_ERROR(
      ForEachDataLine(csv, source, [&](absl::string_view line) -> std::string {
        if (!header_seen) {
          header_seen = true;
          if (absl::StartsWith(line, "date,")) return "";
          return "the first line must be the header date,kind,holiday";
        }
        std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
        if (fields.size() < 2 || fields.size() > 3) {
          return "expected date,kind[,holiday]";
        }
        absl::CivilDay day;
        if (!absl::ParseCivilTime(absl::StripAsciiWhitespace(fields[0]),
                                  &day)) {
          return "the date must be YYYY-MM-DD";
        }
        const absl::string_view kind = absl::StripAsciiWhitespace(fields[1]);
        if (kind != "off" && kind != "workday") {
          return "kind must be \"off\" or \"workday\"";
        }
        const bool working = kind == "workday";
        if (days.count(day) > 0) return "the date is listed twice";
        const absl::Weekday weekday = absl::GetWeekday(day);
        const bool weekend = weekday == absl::Weekday::saturday ||
                             weekday == absl::Weekday::sunday;
        if (working && !weekend) {
          return "a make-up working day must fall on a weekend";
        }
        days[day] = working;
        if (!any || day > last) last = day;
        any = true;
        return "";
      }));
  if (!header_seen) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     ": empty calendar; expected the header "
                     "date,kind,holiday and one line per date"));
  }
  // Covered through the end of the last year the file speaks of.
  const absl::CivilDay covered =
      any ? absl::CivilDay(last.year(), 12, 31) : absl::CivilDay(1970, 1, 1);
  return WorkingDayCalendar(zone, std::move(days), covered);
}

bool WorkingDayCalendar::IsWorkingDay(absl::CivilDay day) const {
  auto it = exceptions_.find(day);
  if (it != exceptions_.end()) return it->second;
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

absl::CivilDay WorkingDayCalendar::LocalDay(absl::Time time) const {
  return absl::ToCivilDay(time, zone_);
}

absl::Time WorkingDayCalendar::StartOfDay(absl::CivilDay day) const {
  return absl::FromCivil(day, zone_);
}

absl::Time WorkingDayCalendar::EndOfWorkingDays(absl::Time start,
                                                int working_days) const {
  absl::CivilDay day = LocalDay(start);
  int counted = 0;
  while (counted < working_days) {
    ++day;
    if (IsWorkingDay(day)) ++counted;
  }
  return StartOfDay(day + 1);
}

absl::Time WorkingDayCalendar::ExtendByWorkingDays(absl::Time deadline,
                                                   int working_days) const {
  // A deadline at 24:00 belongs to the day it closes.
  return EndOfWorkingDays(deadline - absl::Microseconds(1), working_days);
}

absl::Time WorkingDayCalendar::StartOfLastWorkingDays(absl::Time deadline,
                                                      int working_days) const {
  absl::CivilDay day = LocalDay(deadline - absl::Microseconds(1));
  int counted = 0;
  while (true) {
    if (IsWorkingDay(day) && ++counted == working_days) break;
    --day;
  }
  return StartOfDay(day);
}

absl::Time WorkingDayCalendar::MoveByPause(absl::Time deadline,
                                           absl::Time paused,
                                           absl::Time resumed) const {
  if (deadline <= paused) return deadline;
  const absl::CivilSecond local = absl::ToCivilSecond(deadline, zone_);
  if (local != absl::CivilSecond(absl::CivilDay(local))) {
    // A clock limit keeps the clock time it had left.
    return resumed + (deadline - paused);
  }
  // A deadline at 24:00 keeps the whole working days it had left after the
  // day the clock stopped.
  const absl::CivilDay last = LocalDay(deadline - absl::Microseconds(1));
  int left = 0;
  for (absl::CivilDay day = LocalDay(paused) + 1; day <= last; ++day) {
    if (IsWorkingDay(day)) ++left;
  }
  if (left > 0) return EndOfWorkingDays(resumed, left);
  // Only the rest of the day it stopped on: the end of the first working
  // day from the resumption on.
  absl::CivilDay day = LocalDay(resumed);
  while (!IsWorkingDay(day)) ++day;
  return StartOfDay(day + 1);
}

std::string WorkingDayCalendar::FormatDeadline(absl::Time time) const {
  const absl::CivilSecond local = absl::ToCivilSecond(time, zone_);
  if (local == absl::CivilSecond(absl::CivilDay(local))) {
    return absl::StrCat(absl::FormatCivilTime(absl::CivilDay(local) - 1),
                        " 24:00");
  }
  return absl::FormatTime("%Y-%m-%d %H:%M", time, zone_);
}

absl::Duration WorkingDayCalendar::WorkingTimeBetween(absl::Time from,
                                                      absl::Time to) const {
  absl::Duration total;
  for (absl::CivilDay day = LocalDay(from); StartOfDay(day) < to; ++day) {
    if (!IsWorkingDay(day)) continue;
    const absl::Time begin = std::max(from, StartOfDay(day));
    const absl::Time end = std::min(to, StartOfDay(day + 1));
    if (end > begin) total += end - begin;
  }
  return total;
}

}  // namespace hotline
