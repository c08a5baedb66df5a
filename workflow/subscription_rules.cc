#include "workflow/subscription_rules.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/error_details.h"
#include "common/loopback_address.h"
#include "common/status_macros.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status UrlRefused(absl::string_view url, absl::string_view field,
                        absl::string_view rule, absl::string_view message) {
  return WithReason(
      WithFieldViolation(absl::InvalidArgumentError(absl::StrCat(
                             field, ": ", message, " (", url, ")")),
                         field, message),
      v1::SUBSCRIPTION_URL,
      {{"url", std::string(url)}, {"rule", std::string(rule)}});
}

bool IsMobileNumber(absl::string_view number) {
  return number.size() == 11 && number[0] == '1' &&
         std::all_of(number.begin(), number.end(),
                     [](char c) { return absl::ascii_isdigit(c); });
}

}  // namespace

absl::Status CheckDeliveryUrl(absl::string_view url, absl::string_view field,
                              bool allow_loopback_http) {
  if (url.empty()) {
    return InvalidFieldError(field, absl::StrCat(field, " is required"));
  }
  if (url.size() > kMaxSubscriptionUrlChars) {
    return UrlRefused(url.substr(0, 100), field, "length",
                      "a URL is at most 2,000 characters");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return UrlRefused(url, field, "characters",
                        "a URL has no spaces or control characters");
    }
  }
  absl::string_view rest = url;
  bool https = absl::ConsumePrefix(&rest, "https://");
  if (!https && !absl::ConsumePrefix(&rest, "http://")) {
    return UrlRefused(url, field, "scheme",
                      "a URL starts with https:// (or http:// to loopback)");
  }
  if (absl::StrContains(rest, '#')) {
    return UrlRefused(url, field, "fragment", "a URL has no #fragment");
  }
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (absl::StrContains(authority, '@')) {
    return UrlRefused(url, field, "credentials",
                      "a URL carries no user or password; the receiver "
                      "checks the signature instead");
  }
  absl::string_view host = authority;
  if (absl::StartsWith(host, "[")) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return UrlRefused(url, field, "host", "a URL needs a host");
  if (!https) {
    if (!IsLoopbackAddress(absl::StrCat(host, ":1"))) {
      return UrlRefused(url, field, "https",
                        "events leave the server only over https://; "
                        "http:// is for a receiver on this machine's "
                        "loopback");
    }
    if (!allow_loopback_http) {
      return UrlRefused(url, field, "loopback_http",
                        "http:// to loopback is allowed only where the "
                        "operator started the server with "
                        "--notify_allow_loopback_http");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNewSubscription(const v1::Subscription& subscription,
                                  bool allow_loopback_http) {
  if (!subscription.name().empty() || subscription.state() != 0 ||
      !subscription.state_reason().empty() ||
      !subscription.created_by().empty() || subscription.has_create_time() ||
      !subscription.secret().empty() ||
      subscription.has_previous_secret_expire_time() ||
      subscription.delivered_seq() != 0 || subscription.dead_letters() != 0) {
    return InvalidFieldError(
        "subscription",
        "name, state, secret and the other output-only "
        "fields are the server's to set; leave them unset");
  }
  if (!subscription.department().empty()) {
    RETURN_IF_ERROR(ParseDepartmentName(subscription.department(),
                                        "subscription.department")
                        .status());
  }
  for (int type : subscription.event_types()) {
    if (type == 0 || !v1::Event::Type_IsValid(type)) {
      return InvalidFieldError("subscription.event_types",
                               absl::StrCat("subscription.event_types: ", type,
                                            " is not an event type"));
    }
  }
  RETURN_IF_ERROR(CheckOptionalText(subscription.description(),
                                    "subscription.description",
                                    kMaxSubscriptionDescriptionChars));
  switch (subscription.channel()) {
    case v1::Subscription::WEBHOOK:
      if (subscription.phone_numbers_size() > 0) {
        return InvalidFieldError("subscription.phone_numbers",
                                 "a WEBHOOK subscription has no phone "
                                 "numbers; they are for SMS");
      }
      return CheckDeliveryUrl(subscription.url(), "subscription.url",
                              allow_loopback_http);
    case v1::Subscription::SMS:
      if (!subscription.url().empty()) {
        return InvalidFieldError(
            "subscription.url",
            "an SMS subscription has no url: texts go through the "
            "bureau's SMS gateway, which the operator configures");
      }
      if (subscription.phone_numbers_size() < 1 ||
          subscription.phone_numbers_size() > kMaxSubscriptionPhones) {
        return InvalidFieldError(
            "subscription.phone_numbers",
            "an SMS subscription names 1 to 10 mobile numbers");
      }
      for (const std::string& number : subscription.phone_numbers()) {
        if (!IsMobileNumber(number)) {
          return InvalidFieldError(
              "subscription.phone_numbers",
              absl::StrCat("subscription.phone_numbers: \"", number,
                           "\" is not a mobile number (11 digits from 1, "
                           "e.g. 13800000000)"));
        }
      }
      return absl::OkStatus();
    default:
      return InvalidFieldError("subscription.channel",
                               "subscription.channel is required: WEBHOOK "
                               "or SMS");
  }
}

absl::Status AuthorizeSubscription(const Principal& principal,
                                   absl::string_view department) {
  switch (principal.kind) {
    case Principal::Kind::kBureau:
      return absl::OkStatus();
    case Principal::Kind::kDepartment:
      if (department == principal.DepartmentName()) return absl::OkStatus();
      return WithReason(
          absl::PermissionDeniedError(absl::StrCat(
              principal.ToString(), " may manage only its own subscriptions (",
              principal.DepartmentName(), "), not ",
              department.empty() ? "the bureau's" : department)),
          v1::NOT_YOURS, {{"principal", principal.ToString()}});
    case Principal::Kind::kIntake:
      break;
  }
  return WithReason(
      absl::PermissionDeniedError(
          absl::StrCat(principal.ToString(),
                       " may not manage subscriptions; the bureau and "
                       "departments may")),
      v1::ROLE_NOT_ALLOWED,
      {{"principal", principal.ToString()}, {"method", "subscriptions"}});
}

Principal SubscriberOf(const v1::Subscription& subscription) {
  absl::string_view department = subscription.department();
  if (absl::ConsumePrefix(&department, "departments/")) {
    return Principal::Department(std::string(department));
  }
  return Principal::Bureau();
}

bool SubscriptionWants(const v1::Subscription& subscription,
                       v1::Event::Type type) {
  if (subscription.event_types().empty()) return true;
  return std::find(subscription.event_types().begin(),
                   subscription.event_types().end(),
                   type) != subscription.event_types().end();
}

absl::Duration RetryDelay(int attempt, absl::Duration first,
                          absl::Duration longest, double jitter) {
  absl::Duration delay = first;
  for (int i = 1; i < attempt && delay < longest; ++i) delay *= 2;
  delay = std::min(delay, longest);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return delay * (0.5 + jitter / 2);
}

}  // namespace hotline
