#include "app/subscriptions.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "app/json_setting.h"
#include "common/proto_time.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

template <typename T>
void KeepLatest(google::protobuf::RepeatedPtrField<T>& items, int kept) {
  if (items.size() > kept) items.DeleteSubrange(0, items.size() - kept);
}

}  // namespace

absl::StatusOr<internal::SubscriptionBook> LoadSubscriptionBook(
    storage::Store& store) {
  internal::SubscriptionBook book;
  RETURN_IF_ERROR(
      LoadJsonSetting(store, kSubscriptionBookSetting, book).status());
  return book;
}

absl::Status SaveSubscriptionBook(const internal::SubscriptionBook& book,
                                  storage::ChangeSet& changes) {
  ASSIGN_OR_RETURN(std::string json, JsonSettingValue(book));
  changes.settings.emplace_back(kSubscriptionBookSetting, std::move(json));
  return absl::OkStatus();
}

absl::StatusOr<internal::DeliveryState> LoadDeliveryState(storage::Store& store,
                                                          int64_t number) {
  internal::DeliveryState state;
  RETURN_IF_ERROR(
      LoadJsonSetting(store, absl::StrCat(kDeliveryStateSettingPrefix, number),
                      state)
          .status());
  return state;
}

absl::Status SaveDeliveryState(int64_t number,
                               const internal::DeliveryState& state,
                               storage::ChangeSet& changes) {
  ASSIGN_OR_RETURN(std::string json, JsonSettingValue(state));
  changes.settings.emplace_back(
      absl::StrCat(kDeliveryStateSettingPrefix, number), std::move(json));
  return absl::OkStatus();
}

int64_t SubscriptionNumber(const v1::Subscription& subscription) {
  absl::string_view name = subscription.name();
  int64_t number = 0;
  if (!absl::ConsumePrefix(&name, "subscriptions/") ||
      !absl::SimpleAtoi(name, &number)) {
    return 0;
  }
  return number;
}

internal::SubscriptionRecord* FindSubscription(internal::SubscriptionBook& book,
                                               int64_t number) {
  for (internal::SubscriptionRecord& record : *book.mutable_subscriptions()) {
    if (!record.deleted() &&
        SubscriptionNumber(record.subscription()) == number) {
      return &record;
    }
  }
  return nullptr;
}

bool IsGone(const internal::SubscriptionRecord& record,
            const internal::DeliveryState& state) {
  return state.gone_generation() != 0 &&
         state.gone_generation() == record.generation();
}

v1::Subscription SubscriptionView(const internal::SubscriptionRecord& record,
                                  const internal::DeliveryState& state,
                                  absl::Time now) {
  v1::Subscription view = record.subscription();
  view.clear_secret();
  if (view.state() == v1::Subscription::ACTIVE && IsGone(record, state)) {
    view.set_state(v1::Subscription::GONE);
    view.set_state_reason(state.gone_reason());
  }
  if (view.has_previous_secret_expire_time() &&
      FromProtoTime(view.previous_secret_expire_time()) <= now) {
    view.clear_previous_secret_expire_time();
  }
  view.set_delivered_seq(state.delivered_seq());
  view.set_dead_letters(state.dead_letters_size());
  return view;
}

void RecordDelivery(const v1::Delivery& delivery,
                    internal::DeliveryState& state) {
  *state.add_log() = delivery;
  KeepLatest(*state.mutable_log(), kDeliveryLogKept);
  if (delivery.outcome() == v1::Delivery::DEAD_LETTERED) {
    *state.add_dead_letters() = delivery;
    KeepLatest(*state.mutable_dead_letters(), kDeadLettersKept);
  }
}

}  // namespace hotline
