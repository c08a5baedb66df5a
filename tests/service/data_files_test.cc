// The data files the server reads at start-up, read at the edge
// (app/data_files.h): the shipped calendar and policy load, and a file that
// cannot be read or a time zone that does not exist is refused saying which.
#include "app/data_files.h"

#include <fstream>
#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
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

namespace hotline {
namespace {

// The SMS gateway template docs/operations.md gives (examples/), and the
// files a start refuses.
TEST(DataFiles, TheSmsGatewayExampleLoadsAndBadFilesAreRefused) {
  absl::StatusOr<internal::SmsGateway> example = LoadSmsGatewayFile(
      HOTLINE_SOURCE_DIR_FOR_TESTS "/examples/sms-gateway.json", false);
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_EQ(example->url(), "https://sms.example.gov.cn/api/v1/send");
  EXPECT_EQ(example->content_type(), "application/json");
  EXPECT_EQ(example->signature(), "12345");
  EXPECT_NE(example->body().find("{{text}}"), std::string::npos);
  EXPECT_EQ(example->headers().at("Authorization"),
            "Bearer REPLACE-WITH-THE-GATEWAY-KEY");

  testing::TempDir dir;
  auto write = [&](const std::string& text) {
    const std::string path = dir.path() + "/gateway.json";
    std::ofstream(path) << text;
    return path;
  };
  EXPECT_EQ(LoadSmsGatewayFile("/nonexistent.json", false).status().code(),
            absl::StatusCode::kNotFound);
  for (const char* bad :
       {"not json", R"({"url":"https://a/send","body":"x","colour":"red"})",
        R"({"url":"http://sms.example.gov.cn/send","body":"x"})",
        R"({"url":"https://a/send"})"}) {
    absl::StatusOr<internal::SmsGateway> refused =
        LoadSmsGatewayFile(write(bad), false);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(refused.status().message().find("gateway.json"),
              std::string::npos)
        << refused.status();
  }
  // http:// to loopback only where the operator allows it.
  const std::string local =
      write(R"({"url":"http://127.0.0.1:9/send","body":"{{text}}"})");
  EXPECT_FALSE(LoadSmsGatewayFile(local, false).ok());
  EXPECT_TRUE(LoadSmsGatewayFile(local, true).ok());
}

}  // namespace
}  // namespace hotline
