#include "app/data_files.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "workflow/policy.h"
#include "workflow/subscription_rules.h"

namespace hotline {
namespace {

// The whole file's text; `what` names the file in the refusal.
absl::StatusOr<std::string> ReadText(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the ", what, " ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<WorkingDayCalendar> LoadCalendarFile(
    const std::string& path, const std::string& time_zone) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(time_zone, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", time_zone,
                     "\" (is the tzdata package installed?)"));
  }
  ASSIGN_OR_RETURN(std::string text, ReadText(path, "calendar file"));
  return WorkingDayCalendar::Parse(text, path, zone);
}

absl::StatusOr<v1::Policy> LoadPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadText(path, "policy file"));
  return ParsePolicy(text, path);
}

absl::StatusOr<CategoryCatalogue> LoadCategoryFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadText(path, "category catalogue"));
  return CategoryCatalogue::Parse(text, path);
}

absl::StatusOr<internal::SmsGateway> LoadSmsGatewayFile(
    const std::string& path, bool allow_loopback_http) {
  ASSIGN_OR_RETURN(std::string text, ReadText(path, "SMS gateway file"));
  internal::SmsGateway gateway;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(text, &gateway);
      !parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": not an SMS gateway's JSON (fields url, headers, "
                     "contentType, body, signature): ",
                     parsed.ToString()));
  }
  if (absl::Status url =
          CheckDeliveryUrl(gateway.url(), "url", allow_loopback_http);
      !url.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", url.message()));
  }
  if (gateway.body().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": body is required, e.g. "
                     "{\"mobiles\":\"{{phones}}\",\"content\":\"{{text}}\"}"));
  }
  return gateway;
}

}  // namespace hotline
