#include "app/notifier.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "app/webhook_signature.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "workflow/access.h"
#include "workflow/notification_text.h"
#include "workflow/subscription_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

// How long an idle deliverer sleeps when nothing wakes it: new events of
// other servers sharing the store, redeliveries asked on them.
constexpr absl::Duration kIdleLook = absl::Seconds(1);

}  // namespace

// Delivers one subscription's events on its own thread (see notifier.h).
class Notifier::Worker final {
 public:
  Worker(Notifier* owner, int64_t number) : owner_(owner), number_(number) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Worker() { Stop(); }

  void Wake() {
    absl::MutexLock lock(&mutex_);
    woken_ = true;
  }
  void Stop() {
    {
      absl::MutexLock lock(&mutex_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }
  // Whether it ended on its own (paused, deleted, gone), and in which
  // generation the receiver answered 410 (0: it did not).
  bool finished() {
    absl::MutexLock lock(&mutex_);
    return finished_;
  }
  int64_t gone_generation() {
    absl::MutexLock lock(&mutex_);
    return gone_generation_;
  }

 private:
  enum class Outcome { kDelivered, kDeadLettered, kGone, kStopped };

  bool Stopping() {
    absl::MutexLock lock(&mutex_);
    return stopping_;
  }

  // Waits `timeout`, until stopped or (when `wake_ends`) woken; returns
  // whether it is stopping.
  bool Wait(absl::Duration timeout, bool wake_ends) {
    absl::MutexLock lock(&mutex_);
    auto ready = [this, wake_ends]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
      return stopping_ || (wake_ends && woken_);
    };
    mutex_.AwaitWithTimeout(absl::Condition(&ready), timeout);
    woken_ = false;
    return stopping_;
  }

  void Loop() {
    absl::StatusOr<internal::DeliveryState> loaded;
    while (!(loaded = LoadDeliveryState(*owner_->store_, number_)).ok()) {
      LogWarning(absl::StrCat(
          "notifications: subscriptions/", number_,
          " cannot read its delivery state: ", loaded.status().ToString()));
      if (Wait(kIdleLook, false)) return Finish(0);
    }
    state_ = *std::move(loaded);
    while (!Stopping()) {
      std::shared_ptr<const internal::SubscriptionRecord> record =
          owner_->Record(number_);
      if (record != nullptr && IsGone(*record, state_)) {
        // Found at an earlier start: it waits for a resume.
        return Finish(record->generation());
      }
      if (record == nullptr ||
          record->subscription().state() != v1::Subscription::ACTIVE) {
        break;
      }
      if (record->subscription().channel() == v1::Subscription::SMS &&
          !owner_->options_.sms_gateway.has_value()) {
        // Made on a server with a gateway; this one has none: wait.
        if (Wait(kIdleLook, false)) break;
        continue;
      }
      if (!Redeliver(*record)) break;
      storage::EventFeedQuery query;
      query.after_seq = state_.delivered_seq();
      query.limit = 100;
      const Principal receiver = SubscriberOf(record->subscription());
      if (receiver.kind == Principal::Kind::kDepartment) {
        query.department = record->subscription().department();
      }
      absl::StatusOr<std::vector<v1::Event>> events =
          owner_->store_->QueryEventFeed(query);
      if (!events.ok() || events->empty()) {
        if (!events.ok()) {
          LogWarning(absl::StrCat(
              "notifications: subscriptions/", number_,
              " cannot read events: ", events.status().ToString()));
        }
        Save(/*now=*/true);
        if (Wait(kIdleLook, true)) break;
        continue;
      }
      for (const v1::Event& event : *events) {
        if (Stopping()) break;
        std::optional<v1::Event> view;
        if (SubscriptionWants(record->subscription(), event.type())) {
          view = EventViewFor(receiver, event);
        }
        if (view.has_value()) {
          const Outcome outcome = Deliver(*view, /*redelivery=*/false);
          if (outcome == Outcome::kStopped) break;
          if (outcome == Outcome::kGone) {
            state_.set_gone_generation(record->generation());
            state_.set_gone_reason(
                "the receiver answered 410 Gone: it wants no more; "
                "ResumeSubscription starts again where it stopped");
            dirty_ = true;
            Save(/*now=*/true);
            return Finish(record->generation());
          }
        }
        state_.set_delivered_seq(event.seq());
        dirty_ = true;
        Save(/*now=*/false);
      }
    }
    Save(/*now=*/true);
    Finish(0);
  }

  void Finish(int64_t gone_generation) {
    absl::MutexLock lock(&mutex_);
    finished_ = true;
    gone_generation_ = gone_generation;
  }

  // The redeliveries asked for and not done yet, one attempt each; false
  // when the subscription ended meanwhile.
  bool Redeliver(const internal::SubscriptionRecord& record) {
    for (const internal::Redelivery& redelivery : record.redeliveries()) {
      if (redelivery.id() <= state_.redelivered_through()) continue;
      if (Stopping()) return false;
      storage::EventFeedQuery query;
      query.after_seq = redelivery.seq() - 1;
      query.limit = 1;
      absl::StatusOr<std::vector<v1::Event>> events =
          owner_->store_->QueryEventFeed(query);
      if (!events.ok()) return true;  // again at the next look
      if (!events->empty() && (*events)[0].seq() == redelivery.seq()) {
        std::optional<v1::Event> view =
            EventViewFor(SubscriberOf(record.subscription()), (*events)[0]);
        if (view.has_value() &&
            Deliver(*view, /*redelivery=*/true) == Outcome::kStopped) {
          return false;
        }
      }
      state_.set_redelivered_through(redelivery.id());
      dirty_ = true;
      Save(/*now=*/true);
    }
    return true;
  }

  // Sends `event` until it is delivered, or dead-lettered after the last
  // attempt (a redelivery has one), recording each attempt.
  Outcome Deliver(const v1::Event& event, bool redelivery) {
    const NotifierOptions& options = owner_->options_;
    absl::BitGen random;
    for (int attempt = 1;; ++attempt) {
      std::shared_ptr<const internal::SubscriptionRecord> record =
          owner_->Record(number_);
      if (Stopping() || record == nullptr ||
          (!redelivery &&
           record->subscription().state() != v1::Subscription::ACTIVE)) {
        return Outcome::kStopped;
      }
      v1::Delivery delivery;
      delivery.set_seq(event.seq());
      delivery.set_ticket(event.ticket());
      delivery.set_event_type(event.type());
      delivery.set_attempt(attempt);
      delivery.set_redelivery(redelivery);
      *delivery.mutable_attempt_time() = ToProtoTime(owner_->clock_->Now());
      const absl::Time start = absl::Now();
      TransportResult result;
      absl::StatusOr<OutgoingRequest> request = Compose(*record, event);
      if (request.ok()) {
        result = owner_->transport_->Post(*request, options.timeout);
      } else {
        result.error = std::string(request.status().message());
      }
      const absl::Duration latency = absl::Now() - start;
      const int64_t nanos = absl::ToInt64Nanoseconds(latency);
      delivery.mutable_latency()->set_seconds(nanos / 1000000000);
      delivery.mutable_latency()->set_nanos(
          static_cast<int32_t>(nanos % 1000000000));
      delivery.set_response_code(result.status);
      Outcome outcome;
      if (result.status >= 200 && result.status < 300) {
        delivery.set_outcome(v1::Delivery::DELIVERED);
        outcome = Outcome::kDelivered;
      } else if (result.status == 410) {
        delivery.set_outcome(v1::Delivery::GONE);
        delivery.set_error("410 Gone: the receiver wants no more");
        outcome = Outcome::kGone;
      } else {
        delivery.set_error(!result.error.empty() ? result.error
                           : result.status >= 300 && result.status < 400
                               ? absl::StrCat("answered ", result.status,
                                              ": redirects are not followed")
                               : absl::StrCat("answered ", result.status));
        const bool last = redelivery || attempt >= options.max_attempts;
        delivery.set_outcome(last ? v1::Delivery::DEAD_LETTERED
                                  : v1::Delivery::FAILED);
        outcome = last ? Outcome::kDeadLettered : Outcome::kStopped;
      }
      if (outcome == Outcome::kDelivered || outcome == Outcome::kDeadLettered) {
        // One dead letter an event: the newest attempt replaces it, and a
        // delivery clears it.
        auto* dead = state_.mutable_dead_letters();
        dead->erase(std::remove_if(dead->begin(), dead->end(),
                                   [&](const v1::Delivery& d) {
                                     return d.seq() == event.seq();
                                   }),
                    dead->end());
      }
      RecordDelivery(delivery, state_);
      owner_->CountAttempt(record->subscription().channel(),
                           delivery.outcome());
      dirty_ = true;
      if (outcome != Outcome::kStopped) {
        Save(/*now=*/outcome != Outcome::kDelivered);
        return outcome;
      }
      Save(/*now=*/true);
      const absl::Duration delay =
          RetryDelay(attempt, options.first_retry, options.longest_retry,
                     absl::Uniform(random, 0.0, 1.0));
      if (Wait(delay, /*wake_ends=*/false)) return Outcome::kStopped;
    }
  }

  absl::StatusOr<OutgoingRequest> Compose(
      const internal::SubscriptionRecord& record, const v1::Event& event) {
    const v1::Subscription& subscription = record.subscription();
    OutgoingRequest request;
    request.headers.emplace_back("User-Agent", owner_->options_.user_agent);
    request.headers.emplace_back("Hotline-Delivery", absl::StrCat(event.seq()));
    request.headers.emplace_back("Hotline-Event",
                                 v1::Event::Type_Name(event.type()));
    request.headers.emplace_back("Hotline-Subscription", subscription.name());
    if (subscription.channel() == v1::Subscription::SMS) {
      return ComposeSms(subscription, event, std::move(request));
    }
    std::string event_json;
    if (auto printed =
            google::protobuf::util::MessageToJsonString(event, &event_json);
        !printed.ok()) {
      return absl::InternalError(printed.ToString());
    }
    request.url = subscription.url();
    request.content_type = "application/json";
    request.body = absl::StrCat("{\"deliveryId\":\"", event.seq(),
                                "\",\"subscription\":\"", subscription.name(),
                                "\",\"event\":", event_json, "}");
    std::vector<std::string> secrets = {record.secret()};
    if (!record.previous_secret().empty() &&
        subscription.has_previous_secret_expire_time() &&
        FromProtoTime(subscription.previous_secret_expire_time()) >
            owner_->clock_->Now()) {
      secrets.push_back(record.previous_secret());
    }
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    request.headers.emplace_back("Hotline-Timestamp", absl::StrCat(now));
    request.headers.emplace_back("Hotline-Signature",
                                 WebhookSignature(secrets, now, request.body));
    return request;
  }

  absl::StatusOr<OutgoingRequest> ComposeSms(
      const v1::Subscription& subscription, const v1::Event& event,
      OutgoingRequest request) {
    const internal::SmsGateway& gateway = *owner_->options_.sms_gateway;
    storage::Store& store = *owner_->store_;
    ASSIGN_OR_RETURN(const int64_t ticket_id,
                     ParseTicketName(event.ticket(), "ticket"));
    ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket,
                     store.LoadTicket(ticket_id));
    if (!ticket.has_value()) {
      return absl::NotFoundError(absl::StrCat(event.ticket(), " is missing"));
    }
    std::string department = subscription.department();
    if (department.empty()) department = event.department();
    absl::string_view id = department;
    absl::ConsumePrefix(&id, "departments/");
    std::string display(id);
    if (!id.empty()) {
      ASSIGN_OR_RETURN(std::optional<v1::Department> found,
                       store.LoadDepartment(std::string(id)));
      if (found.has_value() && !found->display_name().empty()) {
        display = found->display_name();
      }
    }
    const std::string text =
        SmsText(event, *ticket, display, owner_->options_.zone,
                gateway.signature().empty() ? "12345" : gateway.signature());
    request.url = gateway.url();
    request.content_type = gateway.content_type().empty()
                               ? "application/json"
                               : gateway.content_type();
    request.body = FillTemplate(
        gateway.body(),
        {{"phones", absl::StrJoin(subscription.phone_numbers(), ",")},
         {"text", text},
         {"ticket", absl::StrCat(ticket_id)},
         {"seq", absl::StrCat(event.seq())},
         {"department", display}},
        request.content_type);
    for (const auto& [name, value] : gateway.headers()) {
      request.headers.emplace_back(name, value);
    }
    return request;
  }

  // Writes the cursor and the log: at once when `now`, else when the last
  // write is `record_interval` old.
  void Save(bool now) {
    if (!dirty_) return;
    if (!now && absl::Now() - saved_at_ < owner_->options_.record_interval) {
      return;
    }
    storage::ChangeSet changes;
    absl::Status status = SaveDeliveryState(number_, state_, changes);
    if (status.ok()) status = owner_->store_->CommitAndWait(std::move(changes));
    if (!status.ok()) {
      // Kept in memory and written with the next; a crash before then
      // sends the events since the last write again.
      LogWarning(
          absl::StrCat("notifications: subscriptions/", number_,
                       " cannot record its deliveries: ", status.ToString()));
      return;
    }
    dirty_ = false;
    saved_at_ = absl::Now();
  }

  Notifier* const owner_;
  const int64_t number_;
  // The worker's own thread's.
  internal::DeliveryState state_;
  bool dirty_ = false;
  absl::Time saved_at_ = absl::InfinitePast();

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t gone_generation_ ABSL_GUARDED_BY(mutex_) = 0;
  std::thread thread_;
};

Notifier::Notifier(storage::Store* store, const Clock* clock,
                   NotificationTransport* transport, NotifierOptions options)
    : store_(store),
      clock_(clock),
      transport_(transport),
      options_(std::move(options)) {}

Notifier::~Notifier() { Stop(); }

void Notifier::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Notifier::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  std::map<int64_t, std::unique_ptr<Worker>> workers;
  {
    absl::MutexLock lock(&mutex_);
    workers.swap(workers_);
  }
  workers.clear();  // each stops and records its cursor
}

void Notifier::Wake() {
  absl::MutexLock lock(&mutex_);
  for (auto& [number, worker] : workers_) worker->Wake();
}

void Notifier::SubscriptionsChanged() {
  absl::MutexLock lock(&mutex_);
  woken_ = true;
}

void Notifier::CountAttempt(v1::Subscription::Channel channel,
                            v1::Delivery::Outcome outcome) {
  std::string outcome_name = v1::Delivery::Outcome_Name(outcome);
  std::string channel_name = v1::Subscription::Channel_Name(channel);
  for (std::string* name : {&outcome_name, &channel_name}) {
    for (char& c : *name) c = absl::ascii_tolower(c);
  }
  absl::MutexLock lock(&counts_mutex_);
  ++attempts_[{channel_name, outcome_name}];
}

std::map<std::pair<std::string, std::string>, int64_t>
Notifier::AttemptCounts() {
  absl::MutexLock lock(&counts_mutex_);
  return attempts_;
}

std::shared_ptr<const internal::SubscriptionRecord> Notifier::Record(
    int64_t number) {
  absl::MutexLock lock(&mutex_);
  auto it = records_.find(number);
  return it == records_.end() ? nullptr : it->second;
}

void Notifier::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      mutex_.AwaitWithTimeout(
          absl::Condition(
              +[](Notifier* n) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return n->stopping_ || n->woken_;
              },
              this),
          kIdleLook);
      if (stopping_) return;
      woken_ = false;
    }
    absl::StatusOr<bool> leading = store_->HoldLeadership();
    Reconcile(leading.ok() && *leading);
  }
}

void Notifier::Reconcile(bool leading) {
  std::map<int64_t, std::shared_ptr<const internal::SubscriptionRecord>>
      records;
  if (leading) {
    absl::StatusOr<internal::SubscriptionBook> book =
        LoadSubscriptionBook(*store_);
    if (!book.ok()) {
      LogWarning(absl::StrCat("notifications: cannot read the subscriptions: ",
                              book.status().ToString()));
      return;
    }
    for (internal::SubscriptionRecord& record :
         *book->mutable_subscriptions()) {
      if (record.deleted()) continue;
      const int64_t number = SubscriptionNumber(record.subscription());
      records[number] = std::make_shared<const internal::SubscriptionRecord>(
          std::move(record));
    }
  }
  std::vector<std::unique_ptr<Worker>> ended;  // joined outside the lock
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return;
    Match(std::move(records), ended);
  }
  ended.clear();
}

void Notifier::Match(
    std::map<int64_t, std::shared_ptr<const internal::SubscriptionRecord>>
        records,
    std::vector<std::unique_ptr<Worker>>& ended) {
  records_ = std::move(records);
  // Each looks at its record again (a redelivery asked for, a pause).
  for (auto& [number, worker] : workers_) worker->Wake();
  for (auto it = workers_.begin(); it != workers_.end();) {
    auto record = records_.find(it->first);
    const bool wanted =
        record != records_.end() &&
        record->second->subscription().state() == v1::Subscription::ACTIVE;
    // A worker that ended on its own is started again once it may go on
    // (resumed, or a 410 of an earlier generation).
    const bool restart =
        wanted && it->second->finished() &&
        it->second->gone_generation() != record->second->generation();
    if (!wanted || restart) {
      ended.push_back(std::move(it->second));
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [number, record] : records_) {
    if (record->subscription().state() != v1::Subscription::ACTIVE ||
        workers_.count(number) > 0) {
      continue;
    }
    workers_[number] = std::make_unique<Worker>(this, number);
  }
}

}  // namespace hotline
