#include "tests/support/workflow_fixtures.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "workflow/policy.h"

namespace hotline::testing {

absl::Time SpringFestivalEve() {
  return absl::FromCivil(absl::CivilSecond(2021, 2, 10, 9, 0, 0),
                         absl::FixedTimeZone(8 * 3600));
}

absl::Time Beijing(int year, int month, int day, int hour, int minute,
                   int second) {
  return absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second),
      ShippedCalendar().zone());
}

namespace {

// Read here and parsed by workflow's pure parser: the workflow layer's tests
// need no file loader of any other layer.
absl::StatusOr<WorkingDayCalendar> ReadShippedCalendar() {
  std::ifstream in(HOTLINE_DEFAULT_CALENDAR);
  if (!in) return absl::NotFoundError("cannot read " HOTLINE_DEFAULT_CALENDAR);
  std::stringstream text;
  text << in.rdbuf();
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Asia/Shanghai", &zone)) {
    return absl::NotFoundError("no time zone Asia/Shanghai: install tzdata");
  }
  return WorkingDayCalendar::Parse(text.str(), HOTLINE_DEFAULT_CALENDAR, zone);
}

}  // namespace

const WorkingDayCalendar& ShippedCalendar() {
  static const WorkingDayCalendar* calendar = [] {
    absl::StatusOr<WorkingDayCalendar> parsed = ReadShippedCalendar();
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parsed.status().ToString().c_str());
      std::abort();
    }
    return new WorkingDayCalendar(*std::move(parsed));
  }();
  return *calendar;
}

DeadlineRules DefaultRules() {
  static const v1::Policy* policy = new v1::Policy(DefaultPolicy());
  return {policy, &ShippedCalendar()};
}

}  // namespace hotline::testing
