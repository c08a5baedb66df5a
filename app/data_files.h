// The data files the server reads at start-up, read in app/ so that
// workflow/ stays pure (it parses text; it opens no files): the working-day
// calendar (workflow/calendar.h gives the format), the deadline policy
// (workflow/policy.h) and the category catalogue
// (workflow/category_catalogue.h).
//
//   ASSIGN_OR_RETURN(WorkingDayCalendar calendar,
//                    LoadCalendarFile("data/cn-holidays-2021-2026.csv",
//                                     "Asia/Shanghai"));
//   ASSIGN_OR_RETURN(v1::Policy policy, LoadPolicyFile("data/policy.conf"));
//
// A file that cannot be read is NOT_FOUND naming its path; a malformed one
// INVALID_ARGUMENT with the path, the line number and the reason.
//
// Stateless and thread-safe.
#ifndef HOTLINE_APP_DATA_FILES_H_
#define HOTLINE_APP_DATA_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "hotline/internal/notification_records.pb.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/calendar.h"
#include "workflow/category_catalogue.h"

namespace hotline {

// Reads and parses a calendar file; `time_zone` is an IANA name, e.g.
// "Asia/Shanghai" (needs the system's tzdata): INVALID_ARGUMENT when unknown.
absl::StatusOr<WorkingDayCalendar> LoadCalendarFile(
    const std::string& path, const std::string& time_zone);

// Reads and parses a policy file.
absl::StatusOr<v1::Policy> LoadPolicyFile(const std::string& path);

// Reads and parses a category catalogue file (workflow/category_catalogue.h).
absl::StatusOr<CategoryCatalogue> LoadCategoryFile(const std::string& path);

// Reads and checks the SMS gateway file (hotline-server --sms_gateway; JSON,
// the fields of internal::SmsGateway): a url CheckDeliveryUrl accepts, a
// body, no unknown field.
absl::StatusOr<internal::SmsGateway> LoadSmsGatewayFile(
    const std::string& path, bool allow_loopback_http);

}  // namespace hotline

#endif  // HOTLINE_APP_DATA_FILES_H_
