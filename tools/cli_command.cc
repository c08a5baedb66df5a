#include "tools/cli_command.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/resource_format.h"

namespace hotline::cli {

int ExitCodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 0;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return 3;
    case absl::StatusCode::kNotFound:
      return 4;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
      return 5;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return 6;
    default:
      return 1;
  }
}

std::string ErrorDetailsText(const absl::Status& status) {
  const std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  const auto violations = FieldViolationsOf(status);
  const std::optional<absl::Duration> retry = RetryDelayOf(status);
  if (!info.has_value() && violations.empty() && !retry.has_value()) {
    return "";
  }
  std::vector<std::string> parts;
  if (info.has_value()) {
    std::string part = absl::StrCat("reason ", info->reason());
    // The keys errors.proto lists first in the order it lists them, the
    // rest by name.
    static const std::vector<std::string> kFirst = {
        "ticket",    "resource",     "source_id",      "request_id",
        "principal", "state",        "allowed_states", "method",
        "etag",      "current_etag", "after_seq",      "latest_seq"};
    std::vector<std::string> keys;
    for (const std::string& key : kFirst) {
      if (info->metadata().count(key) > 0) keys.push_back(key);
    }
    std::vector<std::string> rest;
    for (const auto& [key, value] : info->metadata()) {
      if (std::find(kFirst.begin(), kFirst.end(), key) == kFirst.end()) {
        rest.push_back(key);
      }
    }
    std::sort(rest.begin(), rest.end());
    keys.insert(keys.end(), rest.begin(), rest.end());
    std::vector<std::string> pairs;
    for (const std::string& key : keys) {
      const std::string& value = info->metadata().at(key);
      const bool quote = value.empty() || value.find(' ') != value.npos;
      pairs.push_back(
          absl::StrCat(key, "=", quote ? "\"" : "", value, quote ? "\"" : ""));
    }
    if (!pairs.empty()) {
      absl::StrAppend(&part, "; ", absl::StrJoin(pairs, " "));
    }
    parts.push_back(std::move(part));
  }
  for (const auto& violation : violations) {
    // The description often is the message itself: said once.
    parts.push_back(violation.description() == status.message()
                        ? absl::StrCat("field ", violation.field())
                        : absl::StrCat("field ", violation.field(), ": ",
                                       violation.description()));
  }
  if (retry.has_value()) {
    parts.push_back(absl::StrCat("retry after ", absl::FormatDuration(*retry)));
  }
  return absl::StrCat(" (", absl::StrJoin(parts, "; "), ")");
}

int Fail(const absl::Status& status) {
  std::cerr << "hotlinectl: " << absl::StatusCodeToString(status.code()) << ": "
            << status.message() << ErrorDetailsText(status) << "\n";
  return ExitCodeFor(status.code());
}

int UsageError(const Command& command, const std::string& message) {
  std::cerr << "hotlinectl: " << message << "\nusage: hotlinectl "
            << command.usage << "\n(`hotlinectl help " << command.name
            << "` explains it, with an example)\n";
  return kExitUsage;
}

int InputError(const Context& context, const absl::Status& status) {
  return UsageError(*context.command, std::string(status.message()));
}

// "7" -> "tickets/7"; full names pass through.
std::string TicketName(const std::string& text) {
  return absl::StartsWith(text, "tickets/") ? text : "tickets/" + text;
}
std::string DepartmentName(const std::string& text) {
  return absl::StartsWith(text, "departments/") ? text : "departments/" + text;
}
std::vector<std::string> AssistList(const Args& args) {
  std::vector<std::string> names;
  if (!args.Has("assist")) return names;
  for (absl::string_view part :
       absl::StrSplit(args.Get("assist"), ',', absl::SkipWhitespace())) {
    names.push_back(
        DepartmentName(std::string(absl::StripAsciiWhitespace(part))));
  }
  return names;
}
std::string TokenName(const std::string& text) {
  return absl::StartsWith(text, "tokens/") ? text : "tokens/" + text;
}
std::string ShortDepartment(const std::string& name) {
  return absl::StartsWith(name, "departments/") ? name.substr(12) : name;
}

// Parses "36h", "90m", "2d" (days of 24 hours) or any absl duration.
absl::StatusOr<absl::Duration> ParseDurationOption(const std::string& option,
                                                   const std::string& text) {
  absl::Duration duration;
  if (!text.empty() && text.back() == 'd') {
    int days = 0;
    if (absl::SimpleAtoi(text.substr(0, text.size() - 1), &days)) {
      return absl::Hours(24 * days);
    }
  }
  if (!absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", option, " \"", text, "\" is not a duration like 36h, 90m or 2d"));
  }
  return duration;
}

absl::StatusOr<absl::Time> ParseTimeOption(const std::string& option,
                                           const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", option,
        " needs an RFC 3339 time, e.g. 2021-02-10T09:30:00+08:00"));
  }
  return time;
}

absl::StatusOr<int> PageSize(const Args& args) {
  int page_size = 0;
  if (args.Has("page_size") &&
      !absl::SimpleAtoi(args.Get("page_size"), &page_size)) {
    return absl::InvalidArgumentError("--page_size must be a number");
  }
  return page_size;
}

int PrintTicket(Context& context, const absl::StatusOr<v1::Ticket>& ticket) {
  return Print<v1::Ticket>(context, ticket, TicketDetails);
}

std::string MorePagesLine(const std::string& next_page_token) {
  if (next_page_token.empty()) return "";
  return absl::StrCat("(more: --page_token ", next_page_token, ", or --all)\n");
}

}  // namespace hotline::cli
