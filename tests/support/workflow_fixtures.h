// The workflow layer's test fixtures: instants in Beijing time, the shipped
// calendar and the default policy. Links only hotline_workflow (the workflow
// tests use it and nothing else of hotline's). Thread-safe: the calendar and
// the policy are built once, on first use, and never change.
#ifndef HOTLINE_TESTS_SUPPORT_WORKFLOW_FIXTURES_H_
#define HOTLINE_TESTS_SUPPORT_WORKFLOW_FIXTURES_H_

#include "absl/time/time.h"
#include "workflow/calendar.h"
#include "workflow/deadlines.h"

namespace hotline::testing {

// 2021-02-10 09:00 in Beijing time: the eve of the 2021 Spring Festival.
absl::Time SpringFestivalEve();

// An instant in Beijing time.
absl::Time Beijing(int year, int month, int day, int hour = 0, int minute = 0,
                   int second = 0);

// The calendar the project ships (data/cn-holidays-2021-2026.csv), in
// Asia/Shanghai; and the default policy with it. Aborts, saying why, when
// the file cannot be read or parsed.
const WorkingDayCalendar& ShippedCalendar();
DeadlineRules DefaultRules();

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_WORKFLOW_FIXTURES_H_
