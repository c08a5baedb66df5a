// The working-day calendar on the official 2021-2026 schedule the project
// ships. Every expected date below was counted by hand on a paper calendar.
#include "workflow/calendar.h"

#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ShippedCalendar;

TEST(Calendar, SpringFestival2021) {
  const WorkingDayCalendar& c = ShippedCalendar();
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2021, 2, 7)));   // 调休 Sunday
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2021, 2, 10)));  // eve, Wednesday
  for (int day = 11; day <= 17; ++day) {
    EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2021, 2, day))) << day;
  }
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2021, 2, 18)));
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2021, 2, 20)));   // 调休 Saturday
  EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2021, 2, 21)));  // Sunday
}

TEST(Calendar, WorkingDaysAcrossTheSpringFestival) {
  const WorkingDayCalendar& c = ShippedCalendar();
  const absl::Time eve = Beijing(2021, 2, 10, 9, 0);
  // Feb 18 Thu (1), 19 Fri (2), 20 Sat 调休 (3), 22-26 (4-8), Mar 1-5 (9-13),
  // Mar 8 (14), Mar 9 (15).
  EXPECT_EQ(c.EndOfWorkingDays(eve, 1), Beijing(2021, 2, 19));
  EXPECT_EQ(c.EndOfWorkingDays(eve, 2), Beijing(2021, 2, 20));
  EXPECT_EQ(c.EndOfWorkingDays(eve, 3), Beijing(2021, 2, 21));
  EXPECT_EQ(c.EndOfWorkingDays(eve, 10), Beijing(2021, 3, 3));
  EXPECT_EQ(c.EndOfWorkingDays(eve, 15), Beijing(2021, 3, 10));
}

TEST(Calendar, DispatchLateOnTheEveCountsTheSame) {
  const WorkingDayCalendar& c = ShippedCalendar();
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 2, 10, 23, 59, 59), 1),
            Beijing(2021, 2, 19));
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 2, 10, 0, 0, 0), 1),
            Beijing(2021, 2, 19));
  // One second later it is the 11th: a holiday, counting starts on the 12th
  // and still lands on the 18th.
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 2, 11, 0, 0, 0), 1),
            Beijing(2021, 2, 19));
}

TEST(Calendar, MakeUpDaysCount) {
  const WorkingDayCalendar& c = ShippedCalendar();
  // Saturday 2021-02-06 -> Sunday 02-07 is a make-up working day.
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 2, 6, 10, 0), 1),
            Beijing(2021, 2, 8));
  // Friday 2021-02-19 -> Saturday 02-20 is a make-up working day.
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 2, 19, 10, 0), 1),
            Beijing(2021, 2, 21));
}

TEST(Calendar, YearBoundary) {
  const WorkingDayCalendar& c = ShippedCalendar();
  // Friday 2021-12-31; 2022-01-01..03 are New Year holidays.
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 12, 31, 16, 0), 1),
            Beijing(2022, 1, 5));
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 12, 31, 16, 0), 2),
            Beijing(2022, 1, 6));
}

TEST(Calendar, DeadlineThatWouldLandOnAHoliday) {
  const WorkingDayCalendar& c = ShippedCalendar();
  // Wednesday 2021-09-29: Thu 30 (1), National Day Oct 1-7 off, Fri Oct 8 (2).
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 9, 29, 15, 0), 2),
            Beijing(2021, 10, 9));
  // Saturday Oct 9 is a make-up working day (3).
  EXPECT_EQ(c.EndOfWorkingDays(Beijing(2021, 9, 29, 15, 0), 3),
            Beijing(2021, 10, 10));
}

TEST(Calendar, ExtendAndLastWorkingDays) {
  const WorkingDayCalendar& c = ShippedCalendar();
  const absl::Time deadline = Beijing(2021, 3, 10);  // end of Tue Mar 9
  // Five working days after: Mar 10, 11, 12, 15, 16.
  EXPECT_EQ(c.ExtendByWorkingDays(deadline, 5), Beijing(2021, 3, 17));
  // The last working day before the deadline starts at 00:00 Mar 9.
  EXPECT_EQ(c.StartOfLastWorkingDays(deadline, 1), Beijing(2021, 3, 9));
  // The last two: Mar 8 and 9.
  EXPECT_EQ(c.StartOfLastWorkingDays(deadline, 2), Beijing(2021, 3, 8));
  // Before a deadline that follows a holiday, the stretch skips it: the
  // deadline at the end of Feb 18 is preceded by Feb 10.
  EXPECT_EQ(c.StartOfLastWorkingDays(Beijing(2021, 2, 19), 2),
            Beijing(2021, 2, 10));
}

TEST(Calendar, WorkingTimeBetween) {
  const WorkingDayCalendar& c = ShippedCalendar();
  // 15 hours of Feb 10, nothing for the holiday, 12 hours of Feb 18.
  EXPECT_EQ(c.WorkingTimeBetween(Beijing(2021, 2, 10, 9, 0),
                                 Beijing(2021, 2, 18, 12, 0)),
            absl::Hours(27));
  EXPECT_EQ(c.WorkingTimeBetween(Beijing(2021, 2, 13), Beijing(2021, 2, 14)),
            absl::ZeroDuration());
}

TEST(Calendar, TimeZoneIsTheBureaus) {
  const WorkingDayCalendar& c = ShippedCalendar();
  // 2021-02-18 17:00 UTC is already Feb 19 01:00 in Beijing.
  EXPECT_EQ(c.LocalDay(absl::FromCivil(absl::CivilSecond(2021, 2, 18, 17, 0, 0),
                                       absl::UTCTimeZone())),
            absl::CivilDay(2021, 2, 19));
}

TEST(Calendar, BeyondTheFileOnlyWeekendsCount) {
  const WorkingDayCalendar& c = ShippedCalendar();
  EXPECT_EQ(c.covered_through(), absl::CivilDay(2026, 12, 31));
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2027, 1, 1)));  // not yet known
  EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2027, 1, 2)));
}

TEST(Calendar, MalformedFilesAreRefusedWithLineAndReason) {
  const absl::TimeZone zone = ShippedCalendar().zone();
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"", "empty calendar"},
      {"2021-01-01,off,元旦\n", ":1: the first line must be the header"},
      {"date,kind,holiday\n2021-13-01,off,x\n", ":2: the date must be"},
      {"date,kind,holiday\n2021-01-01,holiday,x\n", ":2: kind must be"},
      {"date,kind,holiday\n# comment\n\n2021-02-08,workday,x\n",
       ":4: a make-up working day must fall on a weekend"},
      {"date,kind,holiday\n2021-01-01,off\n2021-01-01,off\n",
       ":3: the date is listed twice"},
      {"date,kind,holiday\n2021-01-01\n", ":2: expected date,kind"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<WorkingDayCalendar> calendar =
        WorkingDayCalendar::Parse(c.text, "my.csv", zone);
    ASSERT_FALSE(calendar.ok()) << c.text;
    EXPECT_EQ(calendar.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(calendar.status().message().find(c.says), std::string::npos)
        << calendar.status();
  }
}

}  // namespace
}  // namespace hotline
