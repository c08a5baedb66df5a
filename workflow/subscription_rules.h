// The rules of notifications (通知订阅): what a subscription may name, who
// may manage it, where its deliveries may go, and how long a failed one
// waits before the next attempt. Pure functions; the deliverer is
// app/notifier.h, the requests app/subscription_service.h.
//
// Thread-safe: no state.
#ifndef HOTLINE_WORKFLOW_SUBSCRIPTION_RULES_H_
#define HOTLINE_WORKFLOW_SUBSCRIPTION_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.pb.h"
#include "workflow/principal.h"

namespace hotline {

inline constexpr int kMaxSubscriptionDescriptionChars = 200;
inline constexpr int kMaxSubscriptionPhones = 10;
inline constexpr int kMaxSubscriptionUrlChars = 2000;
// Per department, and for the bureau's every-event subscriptions.
inline constexpr int kMaxSubscriptionsPerOwner = 20;

// Where a webhook or the SMS gateway may be sent: an absolute https:// URL
// with a host, without credentials or a fragment; http:// only when
// `allow_loopback_http` and the host is a loopback address (127.0.0.0/8,
// [::1], localhost). INVALID_ARGUMENT (SUBSCRIPTION_URL, metadata url and
// rule) naming `field` otherwise.
absl::Status CheckDeliveryUrl(absl::string_view url, absl::string_view field,
                              bool allow_loopback_http);

// A new subscription's own fields (`subscription.*`): a channel; a WEBHOOK's
// url (CheckDeliveryUrl) and no phone numbers; an SMS's 1 to 10 mobile
// numbers (11 digits, starting with 1) and no url; the department empty or
// a department name; each event type known; the description at most 200
// characters; no output-only field set. INVALID_ARGUMENT naming the field.
absl::Status CheckNewSubscription(const v1::Subscription& subscription,
                                  bool allow_loopback_http);

// Whether `principal` may create, see and change subscriptions of
// `department` ("departments/{id}", or empty for every event): the bureau
// any, a department its own only, intake none. PERMISSION_DENIED
// (ROLE_NOT_ALLOWED, or NOT_YOURS for another department's) otherwise.
absl::Status AuthorizeSubscription(const Principal& principal,
                                   absl::string_view department);

// Whose view of the events a subscription gets: its department's
// ("departments/{id}"), or the bureau's for every event.
Principal SubscriberOf(const v1::Subscription& subscription);

// Whether the subscription sends events of this type.
bool SubscriptionWants(const v1::Subscription& subscription,
                       v1::Event::Type type);

// How long to wait after failed attempt `attempt` (1 for the first):
// `first` doubled each time, at most `longest`, then scaled by a factor
// in [0.5, 1.0) from `jitter` in [0, 1), so that receivers coming back
// are not hit by every retry at once.
absl::Duration RetryDelay(int attempt, absl::Duration first,
                          absl::Duration longest, double jitter);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_SUBSCRIPTION_RULES_H_
