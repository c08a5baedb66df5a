// The subscriptions (通知订阅) as kept with the data, in the store's
// settings as protobuf JSON (hotline/internal/notification_records.proto):
// one book of every subscription ("subscriptions"), written only by the
// subscription requests, and one delivery state a subscription
// ("subscription_state/{n}"), written only by the deliverer, so that the
// two never overwrite each other's work. Settings travel with backups and
// the copy into PostgreSQL, and every server sharing a database reads
// them.
//
// Stateless and thread-safe (as thread-safe as the store).
#ifndef HOTLINE_APP_SUBSCRIPTIONS_H_
#define HOTLINE_APP_SUBSCRIPTIONS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotline/internal/notification_records.pb.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/change_set.h"
#include "storage/store.h"

namespace hotline {

inline constexpr char kSubscriptionBookSetting[] = "subscriptions";
inline constexpr char kDeliveryStateSettingPrefix[] = "subscription_state/";

// How much of a subscription's delivery history is kept.
inline constexpr int kDeliveryLogKept = 200;
inline constexpr int kDeadLettersKept = 1000;
inline constexpr int kRedeliveriesKept = 100;

// The book; empty before the first subscription.
absl::StatusOr<internal::SubscriptionBook> LoadSubscriptionBook(
    storage::Store& store);
absl::Status SaveSubscriptionBook(const internal::SubscriptionBook& book,
                                  storage::ChangeSet& changes);

// Subscription `number`'s delivery state; empty before its first delivery.
absl::StatusOr<internal::DeliveryState> LoadDeliveryState(storage::Store& store,
                                                          int64_t number);
absl::Status SaveDeliveryState(int64_t number,
                               const internal::DeliveryState& state,
                               storage::ChangeSet& changes);

// "subscriptions/{n}" -> n, for a name the server made.
int64_t SubscriptionNumber(const v1::Subscription& subscription);

// The record of subscription `number` in `book`, or null (never made, or
// deleted).
internal::SubscriptionRecord* FindSubscription(internal::SubscriptionBook& book,
                                               int64_t number);

// Whether the receiver's 410 holds for the record's current generation.
bool IsGone(const internal::SubscriptionRecord& record,
            const internal::DeliveryState& state);

// The subscription as the API shows it: its state (GONE from the delivery
// state), the delivery cursor, the dead letters kept; never the secret.
// The previous secret's expiry shows only while it is ahead of `now`.
v1::Subscription SubscriptionView(const internal::SubscriptionRecord& record,
                                  const internal::DeliveryState& state,
                                  absl::Time now);

// Appends `delivery` to `state`'s log (and its dead letters when it is
// one), dropping the oldest beyond what is kept.
void RecordDelivery(const v1::Delivery& delivery,
                    internal::DeliveryState& state);

}  // namespace hotline

#endif  // HOTLINE_APP_SUBSCRIPTIONS_H_
