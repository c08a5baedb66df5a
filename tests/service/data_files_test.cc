// The data files the server reads at start-up, read at the edge
// (app/data_files.h): the shipped calendar and policy load, and a file that
// cannot be read or a time zone that does not exist is refused saying which.
#include "app/data_files.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

TEST(DataFiles, TheShippedCalendarLoads) {
  absl::StatusOr<WorkingDayCalendar> calendar =
      LoadCalendarFile(HOTLINE_DEFAULT_CALENDAR, "Asia/Shanghai");
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->zone().name(), "Asia/Shanghai");
  // 2021-02-07 is a Sunday worked (调休) before the Spring Festival; the
  // 11th a Thursday off.
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2021, 2, 7)));
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2021, 2, 11)));
}

TEST(DataFiles, AMissingCalendarOrAnUnknownZoneIsRefused) {
  absl::StatusOr<WorkingDayCalendar> missing =
      LoadCalendarFile("/nonexistent.csv", "Asia/Shanghai");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent.csv"),
            std::string::npos)
      << missing.status();
  absl::StatusOr<WorkingDayCalendar> mars =
      LoadCalendarFile(HOTLINE_DEFAULT_CALENDAR, "Mars/Olympus");
  EXPECT_EQ(mars.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(mars.status().message().find("Mars/Olympus"), std::string::npos)
      << mars.status();
}

TEST(DataFiles, TheShippedPolicyEqualsTheDefaults) {
  absl::StatusOr<v1::Policy> shipped =
      LoadPolicyFile(std::string(HOTLINE_DATA_DIR_FOR_TESTS) + "/policy.conf");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->version(), "default-1");
  EXPECT_TRUE(SameLimits(*shipped, DefaultPolicy()));
}

TEST(DataFiles, AMissingPolicyIsRefusedNamingIt) {
  absl::StatusOr<v1::Policy> missing = LoadPolicyFile("/nonexistent.conf");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent.conf"),
            std::string::npos)
      << missing.status();
}

}  // namespace
}  // namespace hotline
