// The subscription requests (通知订阅): create, list, get, delete, pause,
// resume, rotate the secret, read the delivery log, redeliver by hand. The
// book of subscriptions is one setting (subscriptions.h): every change
// reads it, changes one record and writes it back, one change at a time in
// this process (the writes wait for their commit, so call them where
// waiting is allowed). The deliverer (notifier.h) is told of each change.
//
// Who: the bureau manages every subscription, a department only its own
// (workflow/subscription_rules.h, AuthorizeSubscription); intake none.
//
// Thread-safe.
#ifndef HOTLINE_APP_SUBSCRIPTION_SERVICE_H_
#define HOTLINE_APP_SUBSCRIPTION_SERVICE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "app/executor.h"
#include "app/subscriptions.h"
#include "app/write.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

struct SubscriptionServiceOptions {
  // Allow http:// webhooks to loopback addresses (tests, a receiver on the
  // same machine); https:// otherwise.
  bool allow_loopback_http = false;
  // Whether the server has an SMS gateway (SMS subscriptions need one).
  bool sms_gateway = false;
};

class SubscriptionService final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // Every pointer must outlive the service. `on_change` runs after each
  // committed change (the deliverer reloads the book).
  SubscriptionService(storage::Store* store, const Clock* clock,
                      Executor* executor, SubscriptionServiceOptions options,
                      std::function<void()> on_change)
      : store_(store),
        clock_(clock),
        writer_(store, clock, executor),
        options_(options),
        on_change_(std::move(on_change)) {}

  // The answer carries the secret (WEBHOOK). The subscription sends the
  // events committed after it. NOT_FOUND for a department that does not
  // exist; RESOURCE_EXHAUSTED (SUBSCRIPTIONS_FULL) beyond 20 a department
  // (or for the bureau's every-event ones); FAILED_PRECONDITION
  // (SMS_GATEWAY_NOT_CONFIGURED) for SMS on a server without a gateway.
  void CreateSubscription(const Principal& principal,
                          const v1::CreateSubscriptionRequest& request,
                          Done<v1::Subscription> done);
  absl::StatusOr<v1::ListSubscriptionsResponse> ListSubscriptions(
      const Principal& principal, const v1::ListSubscriptionsRequest& request);
  absl::StatusOr<v1::Subscription> GetSubscription(
      const Principal& principal, const v1::GetSubscriptionRequest& request);
  void DeleteSubscription(const Principal& principal,
                          const v1::DeleteSubscriptionRequest& request,
                          Done<v1::Subscription> done);
  void PauseSubscription(const Principal& principal,
                         const v1::PauseSubscriptionRequest& request,
                         Done<v1::Subscription> done);
  void ResumeSubscription(const Principal& principal,
                          const v1::ResumeSubscriptionRequest& request,
                          Done<v1::Subscription> done);
  // FAILED_PRECONDITION for SMS (nothing is signed).
  void RotateSubscriptionSecret(
      const Principal& principal,
      const v1::RotateSubscriptionSecretRequest& request,
      Done<v1::Subscription> done);
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
      const Principal& principal, const v1::ListDeliveriesRequest& request);
  // NOT_FOUND for a seq with no event the subscription would send.
  void RedeliverEvent(const Principal& principal,
                      const v1::RedeliverEventRequest& request,
                      Done<v1::Subscription> done);

 private:
  // A change to the record `name` names (after `request_id`'s check):
  // `change` runs on the record (read
  // from a fresh book) in the plan; the answer is the record's view, with
  // its secret when `show_secret`.
  using RecordChange = std::function<absl::Status(
      internal::SubscriptionRecord& record, storage::ChangeSet& changes)>;
  void ChangeSubscription(const Principal& principal,
                          const google::protobuf::Message& request,
                          const std::string& request_id,
                          const std::string& name, RecordChange change,
                          Done<v1::Subscription> done,
                          bool show_secret = false);
  // The record `name` names, for `principal`: NOT_FOUND, or
  // PERMISSION_DENIED for another department's.
  absl::StatusOr<internal::SubscriptionRecord> ReadRecord(
      const Principal& principal, const std::string& name,
      absl::string_view field);
  void Changed(absl::StatusOr<v1::Subscription> answer,
               Done<v1::Subscription> done);

  storage::Store* const store_;
  const Clock* const clock_;
  const Writer writer_;
  const SubscriptionServiceOptions options_;
  const std::function<void()> on_change_;
  // One change of the book at a time (the book is read, changed and
  // written whole).
  absl::Mutex changes_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_SUBSCRIPTION_SERVICE_H_
