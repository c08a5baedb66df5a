// hotline-notify-bench: how long a committed event takes to reach a
// webhook receiver, at a steady rate of events. The server runs in this
// process on a SQLite file in --dir with the real clock, subscribed by
// --subscriptions webhooks to a receiver on loopback (http://, allowed for
// the bench); one thread creates tickets at --rate a second for --seconds.
// The latency of a delivery is from its event's time (stamped as the
// change is planned, just before its commit) to the receiver's reading of
// the request, both on this machine's clock; the bench prints p50, p99 and
// the maximum, and how many deliveries and repeats came.
//
//   hotline-notify-bench
//   hotline-notify-bench --rate=200 --seconds=30 --subscriptions=4
#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/scratch.h"
#include "bench/usage.h"
#include "client/hotline_client.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/hotline_server.h"
#include "workflow/clock.h"

ABSL_FLAG(int, rate, 100, "Events a second (tickets created, one each).");
ABSL_FLAG(int, seconds, 20, "How long to create them.");
ABSL_FLAG(int, subscriptions, 1, "Webhook subscriptions, each to every event.");
ABSL_FLAG(std::string, dir, "",
          "Where the database goes (default: $TMPDIR or /tmp).");

namespace hotline {
namespace {

// Records each delivery's latency (from its event's time to now).
class Receiver {
 public:
  void Start() {
    server_.Post(".*", [this](const httplib::Request& request,
                              httplib::Response& response) {
      const absl::Time now = absl::Now();
      google::protobuf::Struct body;
      if (!google::protobuf::util::JsonStringToMessage(request.body, &body)
               .ok()) {
        response.status = 400;
        return;
      }
      const auto& event = body.fields().at("event").struct_value();
      absl::Time time;
      std::string error;
      absl::ParseTime(absl::RFC3339_full,
                      event.fields().at("time").string_value(), &time, &error);
      const std::string id =
          absl::StrCat(request.get_header_value("Hotline-Subscription"), "#",
                       request.get_header_value("Hotline-Delivery"));
      absl::MutexLock lock(&mutex_);
      if (!seen_.insert(id).second) {
        ++repeats_;
      } else {
        latencies_.push_back(now - time);
      }
      response.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  void Stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  size_t delivered() {
    absl::MutexLock lock(&mutex_);
    return latencies_.size();
  }
  std::vector<absl::Duration> latencies() {
    absl::MutexLock lock(&mutex_);
    return latencies_;
  }
  int repeats() {
    absl::MutexLock lock(&mutex_);
    return repeats_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  absl::Mutex mutex_;
  std::set<std::string> seen_ ABSL_GUARDED_BY(mutex_);
  std::vector<absl::Duration> latencies_ ABSL_GUARDED_BY(mutex_);
  int repeats_ ABSL_GUARDED_BY(mutex_) = 0;
};

absl::Duration Percentile(std::vector<absl::Duration> sorted, double p) {
  if (sorted.empty()) return absl::ZeroDuration();
  const size_t index =
      std::min(sorted.size() - 1,
               static_cast<size_t>(p * static_cast<double>(sorted.size())));
  return sorted[index];
}

int Run() {
  const int rate = absl::GetFlag(FLAGS_rate);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int subscriptions = absl::GetFlag(FLAGS_subscriptions);
  if (rate < 1 || seconds < 1 || subscriptions < 1) {
    std::cerr << "--rate, --seconds and --subscriptions must be positive\n";
    return 2;
  }
  absl::StatusOr<std::string> scratch =
      bench::MakeScratchDir(absl::GetFlag(FLAGS_dir), "notify");
  if (!scratch.ok()) return (std::cerr << scratch.status() << "\n", 1);
  const std::string work = *scratch;
  const std::string path = absl::StrCat(work, "/bench.db");
  absl::StatusOr<std::string> token = bench::BureauToken(path);
  if (!token.ok()) return (std::cerr << token.status() << "\n", 1);
  Receiver receiver;
  receiver.Start();
  RealClock clock;
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = path;
  options.notify_allow_loopback_http = true;
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options, &clock);
  if (!server.ok()) return (std::cerr << server.status() << "\n", 1);
  ClientOptions client_options;
  client_options.target = absl::StrCat("127.0.0.1:", (*server)->port());
  client_options.token = *token;
  Client client(client_options);
  for (int i = 0; i < subscriptions; ++i) {
    v1::CreateSubscriptionRequest subscribe;
    subscribe.mutable_subscription()->set_channel(v1::Subscription::WEBHOOK);
    subscribe.mutable_subscription()->set_url(
        absl::StrCat("http://127.0.0.1:", receiver.port(), "/hook"));
    absl::StatusOr<v1::Subscription> made =
        client.CreateSubscription(subscribe);
    if (!made.ok()) return (std::cerr << made.status() << "\n", 1);
  }

  const absl::Duration period = absl::Seconds(1) / rate;
  const absl::Time begin = absl::Now();
  int created = 0;
  for (absl::Time next = begin; next < begin + absl::Seconds(seconds);
       next += period) {
    absl::SleepFor(next - absl::Now());
    v1::CreateTicketRequest create;
    v1::Ticket& draft = *create.mutable_ticket();
    draft.set_type(v1::Ticket::COMPLAINT);
    draft.set_topic("bench");
    draft.set_title("notifications");
    draft.set_content("notifications");
    if (!client.CreateTicket(create).ok()) continue;
    ++created;
  }
  const absl::Duration took = absl::Now() - begin;
  const size_t expected = static_cast<size_t>(created) * subscriptions;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (receiver.delivered() < expected && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::vector<absl::Duration> latencies = receiver.latencies();
  std::sort(latencies.begin(), latencies.end());
  (*server)->Shutdown(absl::Seconds(1));
  server->reset();
  receiver.Stop();
  std::system(absl::StrCat("rm -rf '", work, "'").c_str());

  std::cout << absl::StrFormat(
      "%d events in %.1f s (%.0f/s), %d subscription(s): %zu of %zu "
      "delivered, %d repeats\n",
      created, absl::ToDoubleSeconds(took),
      created / std::max(absl::ToDoubleSeconds(took), 1e-9), subscriptions,
      latencies.size(), expected, receiver.repeats());
  std::cout << absl::StrFormat(
      "  commit -> receiver: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      absl::ToDoubleMilliseconds(Percentile(latencies, 0.50)),
      absl::ToDoubleMilliseconds(Percentile(latencies, 0.99)),
      absl::ToDoubleMilliseconds(latencies.empty() ? absl::ZeroDuration()
                                                   : latencies.back()));
  return latencies.size() == expected ? 0 : 1;
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) {
  hotline::bench::ParseCommandLine(
      argc, argv, "bench/notifications.cc",
      "Times notifications from commit to a webhook receiver at a steady "
      "rate.\n\n  hotline-notify-bench --rate=100 --seconds=20");
  hotline::SetInfoLogging(false);
  return hotline::Run();
}
