// The calendar file (--calendar=FILE), any bytes; a calendar that loads is
// then used the way deadlines use it.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "workflow/calendar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hotline::fuzz::Require;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  static const absl::TimeZone zone = [] {
    absl::TimeZone z;
    if (!absl::LoadTimeZone("Asia/Shanghai", &z))
      z = absl::FixedTimeZone(8 * 3600);
    return z;
  }();
  absl::StatusOr<hotline::WorkingDayCalendar> calendar =
      hotline::WorkingDayCalendar::Parse(text, "fuzz.csv", zone);
  if (!calendar.ok()) {
    Require(calendar.status().code() == absl::StatusCode::kInvalidArgument,
            "a calendar refused with another code than INVALID_ARGUMENT");
    hotline::fuzz::CheckMessage(calendar.status());
    return 0;
  }
  // 2021-02-10 09:00 Beijing time, and a few days around it.
  const absl::Time start = absl::FromUnixSeconds(1612918800);
  const absl::Time due = calendar->EndOfWorkingDays(start, 15);
  Require(due > start, "a deadline before its start");
  Require(calendar->ExtendByWorkingDays(due, 10) > due,
          "an extension that does not extend");
  Require(calendar->StartOfLastWorkingDays(due, 1) < due,
          "a warning after its deadline");
  Require(calendar->WorkingTimeBetween(start, due) > absl::ZeroDuration(),
          "no working time before a deadline");
  return 0;
}
