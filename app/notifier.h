// The deliverer of notifications (通知投递): sends each subscription's
// events (subscriptions.h) to its receiver, at least once and in seq order,
// with the event's seq as the delivery id.
//
// The outbox is the event log itself: an event is written in the
// transaction of its change, with a gapless seq, so nothing is sent for a
// change that did not commit, and nothing committed is missed. Each
// subscription keeps a cursor (DeliveryState.delivered_seq), written at
// most `record_interval` after the deliveries it covers: after a crash or a
// change of leader, the events since the last record are sent again with
// the same delivery ids (receivers drop repeats by id).
//
// One thread per active subscription, so a slow or dead receiver holds up
// only its own subscription: each request waits at most `timeout`; a
// failed one is tried again after RetryDelay (workflow/subscription_rules.h)
// up to `max_attempts` times, then kept as a dead letter and passed over.
// A receiver answering 410 Gone stops its subscription (GONE) until it is
// resumed. Only the store's leader delivers (Store::HoldLeadership): with
// several servers on one PostgreSQL database exactly one does, and another
// carries on from the recorded cursors within a second or two of its end.
//
// Thread-safe.
#ifndef HOTLINE_APP_NOTIFIER_H_
#define HOTLINE_APP_NOTIFIER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "app/notification_transport.h"
#include "app/subscriptions.h"
#include "hotline/internal/notification_records.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"

namespace hotline {

struct NotifierOptions {
  // Attempts of one event before it becomes a dead letter.
  int max_attempts = 8;
  // The wait after the first failure, doubled after each (with jitter), at
  // most `longest_retry`.
  absl::Duration first_retry = absl::Seconds(2);
  absl::Duration longest_retry = absl::Minutes(10);
  // How long one request waits for each step (connect, send, each read).
  absl::Duration timeout = absl::Seconds(10);
  // How often a busy subscription's cursor and log are written.
  absl::Duration record_interval = absl::Milliseconds(250);
  // The bureau's zone, for the times in SMS texts.
  absl::TimeZone zone = absl::UTCTimeZone();
  // The bureau's SMS gateway; SMS subscriptions wait without one.
  std::optional<internal::SmsGateway> sms_gateway;
  // Sent as User-Agent: "hotline/<version>".
  std::string user_agent = "hotline";
};

class Notifier final {
 public:
  // Every pointer must outlive the notifier.
  Notifier(storage::Store* store, const Clock* clock,
           NotificationTransport* transport, NotifierOptions options);
  // Stops.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void Start();
  // Stops every delivery (a request under way is waited for, at most the
  // timeout), records every cursor, and returns. Idempotent.
  void Stop();
  // This process's attempts since it started, by channel ("webhook",
  // "sms") and outcome ("delivered", "failed", "dead_lettered", "gone").
  std::map<std::pair<std::string, std::string>, int64_t> AttemptCounts();

  // Events were committed: each subscription looks now.
  void Wake();
  // The subscriptions changed: read them now (else within a second).
  void SubscriptionsChanged();

 private:
  class Worker;

  void Run();
  // Reads the book and starts and stops workers to match; none when this
  // process is not the leader.
  void Reconcile(bool leading);
  // Keeps `records` and starts and stops workers to match; the workers to
  // stop go to `ended` (a worker reads records under the lock, so it is
  // joined after it).
  void Match(
      std::map<int64_t, std::shared_ptr<const internal::SubscriptionRecord>>
          records,
      std::vector<std::unique_ptr<Worker>>& ended)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void CountAttempt(v1::Subscription::Channel channel,
                    v1::Delivery::Outcome outcome);
  // The latest record of subscription `number` (null: deleted).
  std::shared_ptr<const internal::SubscriptionRecord> Record(int64_t number);

  storage::Store* const store_;
  const Clock* const clock_;
  NotificationTransport* const transport_;
  const NotifierOptions options_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  std::map<int64_t, std::shared_ptr<const internal::SubscriptionRecord>>
      records_ ABSL_GUARDED_BY(mutex_);
  std::map<int64_t, std::unique_ptr<Worker>> workers_ ABSL_GUARDED_BY(mutex_);
  absl::Mutex counts_mutex_;
  std::map<std::pair<std::string, std::string>, int64_t> attempts_
      ABSL_GUARDED_BY(counts_mutex_);
  std::thread thread_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_NOTIFIER_H_
