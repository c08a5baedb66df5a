// Failover between two real hotline-server processes sharing one
// PostgreSQL database: under load from the client library, one is killed
// with SIGKILL; the clients, given both addresses (a gRPC target list,
// "ipv4:A,B", whose pick_first policy moves to the next address when one
// dies), go on on the other through the library's own retries. Nothing
// acknowledged is lost, no create makes a second ticket, and a feed
// consumer that resumes on the other server sees every event once, in seq
// order.
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client/hotline_client.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_support.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"
#include "tests/support/webhook_receiver.h"

namespace hotline {
namespace {

using testing::BootstrapToken;
using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

constexpr int kWriters = 4;
// Tickets acknowledged before the kill, and after it.
constexpr int kBefore = 120;
constexpr int kAfter = 120;

std::unique_ptr<Client> ConnectToBoth(const std::string& target,
                                      const std::string& token) {
  ClientOptions options;
  options.target = target;
  options.token = token;
  options.call_timeout = absl::Seconds(5);
  return std::make_unique<Client>(options);
}

// Waits until `done()` or `timeout`; true when done.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

TEST(FailoverTest, ClientsAndAFeedConsumerGoOnOnTheOtherServer) {
  TempDir dir;
  const std::string uri = NewPostgresDatabase();
  ASSERT_FALSE(uri.empty());
  const std::string bureau_token = BootstrapToken(uri, "bureau");
  ASSERT_FALSE(bureau_token.empty());
  ServerProcess first(uri, "", {}, {}, dir.File("first.log"));
  ServerProcess second(uri, "", {}, {}, dir.File("second.log"));
  // The first address first: every client starts on `first`.
  const std::string target =
      absl::StrCat("ipv4:", first.address(), ",", second.address());

  std::unique_ptr<Client> setup = ConnectToBoth(target, bureau_token);
  v1::CreateDepartmentRequest department;
  department.set_department_id("housing");
  department.mutable_department()->set_display_name("住建局");
  ASSERT_TRUE(setup->CreateDepartment(department).ok());

  // The feed consumer: remembers every seq it was given, in order.
  absl::Mutex mutex;
  std::vector<int64_t> seen;
  WatchControl watch_control;
  std::unique_ptr<Client> consumer = ConnectToBoth(target, bureau_token);
  absl::Status watch_status;
  std::thread watcher([&] {
    v1::WatchEventsRequest request;
    request.set_after_seq(0);
    watch_status = consumer->Watch(
        request,
        [&](const v1::Event& event) {
          absl::MutexLock lock(&mutex);
          seen.push_back(event.seq());
          return absl::OkStatus();
        },
        &watch_control);
  });

  // The writers: create a ticket, then dispatch it; remember what was
  // acknowledged and what failed after all the library's retries.
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::vector<std::string> created;     // guarded by mutex
  std::vector<std::string> dispatched;  // guarded by mutex
  std::vector<absl::Status> failures;   // guarded by mutex
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::unique_ptr<Client> client = ConnectToBoth(target, bureau_token);
      for (int i = 0; !stop.load(); ++i) {
        v1::CreateTicketRequest create;
        *create.mutable_ticket() = ServerTest::Draft();
        create.mutable_ticket()->set_source_id(
            absl::StrCat("failover-", w, "-", i));
        absl::StatusOr<v1::Ticket> ticket = client->CreateTicket(create);
        if (!ticket.ok()) {
          absl::MutexLock lock(&mutex);
          failures.push_back(ticket.status());
          continue;
        }
        {
          absl::MutexLock lock(&mutex);
          created.push_back(ticket->name());
        }
        v1::DispatchTicketRequest dispatch;
        dispatch.set_name(ticket->name());
        dispatch.set_department("departments/housing");
        absl::StatusOr<v1::Ticket> sent = client->DispatchTicket(dispatch);
        absl::MutexLock lock(&mutex);
        if (sent.ok()) {
          dispatched.push_back(sent->name());
        } else {
          failures.push_back(sent.status());
        }
        ++acknowledged;
      }
    });
  }

  // However the test ends (a failed ASSERT included), the threads stop and
  // are joined first.
  struct Cleanup {
    std::function<void()> run;
    ~Cleanup() { run(); }
  } cleanup{[&] {
    stop = true;
    for (std::thread& t : writers) {
      if (t.joinable()) t.join();
    }
    watch_control.Stop();
    if (watcher.joinable()) watcher.join();
  }};

  ASSERT_TRUE(WaitFor([&] { return acknowledged.load() >= kBefore; },
                      absl::Seconds(60)));
  first.Kill();
  const int at_kill = acknowledged.load();
  const bool went_on =
      WaitFor([&] { return acknowledged.load() >= at_kill + kAfter; },
              absl::Seconds(60));
  stop = true;
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(went_on) << "the writers stalled after the kill at " << at_kill;
  {
    absl::MutexLock lock(&mutex);
    for (const absl::Status& failure : failures) ADD_FAILURE() << failure;
  }

  // Every acknowledged ticket is stored once, with the dispatch
  // acknowledged; no retry made a second ticket.
  std::unique_ptr<Client> reader = ConnectToBoth(target, bureau_token);
  std::set<std::string> stored;
  v1::ListTicketsRequest list;
  list.set_page_size(500);
  while (true) {
    absl::StatusOr<v1::ListTicketsResponse> page = reader->ListTickets(list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Ticket& t : page->tickets()) {
      EXPECT_TRUE(stored.insert(t.name()).second) << t.name();
    }
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  const std::set<std::string> acked(created.begin(), created.end());
  EXPECT_EQ(acked.size(), created.size()) << "a create was acknowledged twice";
  EXPECT_EQ(stored, acked);
  int64_t last_seq = 0;
  for (const std::string& name : dispatched) {
    v1::GetTicketRequest get;
    get.set_name(name);
    absl::StatusOr<v1::Ticket> ticket = reader->GetTicket(get);
    ASSERT_TRUE(ticket.ok()) << name << " " << ticket.status();
    EXPECT_EQ(ticket->state(), v1::Ticket::DISPATCHED) << name;
    v1::ListTicketEventsRequest events;
    events.set_parent(name);
    absl::StatusOr<v1::ListTicketEventsResponse> history =
        reader->ListTicketEvents(events);
    ASSERT_TRUE(history.ok()) << history.status();
    // Created and dispatched: a retried dispatch is not a second one.
    ASSERT_EQ(history->events_size(), 2) << name;
    for (const v1::Event& e : history->events()) {
      last_seq = std::max(last_seq, e.seq());
    }
  }

  // The consumer, now on the second server, caught up: every seq from 1 to
  // the last, each once, in order.
  EXPECT_TRUE(WaitFor(
      [&] {
        absl::MutexLock lock(&mutex);
        return !seen.empty() && seen.back() >= last_seq;
      },
      absl::Seconds(30)));
  absl::SleepFor(absl::Milliseconds(300));  // a repeat would arrive by now
  watch_control.Stop();
  watcher.join();
  EXPECT_TRUE(watch_status.ok()) << watch_status;
  absl::MutexLock lock(&mutex);
  ASSERT_FALSE(seen.empty());
  for (size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i], static_cast<int64_t>(i) + 1)
        << "the consumer's event #" << i << " (after seq "
        << (i > 0 ? seen[i - 1] : 0) << ")";
  }
  // A creation and a dispatch a ticket: nothing more.
  EXPECT_EQ(seen.size(), created.size() + dispatched.size());
  EXPECT_EQ(second.Terminate(), 0);
}

// Notifications with two servers on one database: only the leader (the
// first to start, which takes the store's leadership first) delivers, so
// no event reaches the receiver twice while both run; once it is killed,
// the other takes over from the recorded cursor, and every committed event
// arrives (a repeat, at most, with the same delivery id and body).
TEST(FailoverTest, OneServerDeliversNotificationsAndTheNextLeaderGoesOn) {
  TempDir dir;
  const std::string uri = NewPostgresDatabase();
  ASSERT_FALSE(uri.empty());
  const std::string bureau_token = BootstrapToken(uri, "bureau");
  const std::vector<std::string> flags = {"--notify_allow_loopback_http",
                                          "--notify_first_retry=20ms"};
  testing::WebhookReceiver receiver;
  receiver.Start();
  ServerProcess first(uri, "", flags, {}, dir.File("first.log"));
  absl::SleepFor(absl::Milliseconds(200));  // first takes the leadership
  ServerProcess second(uri, "", flags, {}, dir.File("second.log"));
  const std::string target =
      absl::StrCat("ipv4:", first.address(), ",", second.address());
  std::unique_ptr<Client> client = ConnectToBoth(target, bureau_token);
  // Each server's own client, so that both commit.
  std::unique_ptr<Client> on_second =
      ConnectToBoth(absl::StrCat("ipv4:", second.address()), bureau_token);
  v1::CreateSubscriptionRequest subscribe;
  subscribe.mutable_subscription()->set_channel(v1::Subscription::WEBHOOK);
  subscribe.mutable_subscription()->set_url(receiver.Url("/all"));
  ASSERT_TRUE(client->CreateSubscription(subscribe).ok());
  auto create = [](Client& c, int n) {
    for (int i = 0; i < n; ++i) {
      v1::CreateTicketRequest request;
      *request.mutable_ticket() = ServerTest::Draft();
      ASSERT_TRUE(c.CreateTicket(request).ok());
    }
  };
  auto ids = [&] {
    std::map<int64_t, int> count;
    for (const testing::ReceivedRequest& r : receiver.Received()) {
      int64_t id = 0;
      EXPECT_TRUE(absl::SimpleAtoi(r.Header("Hotline-Delivery"), &id));
      ++count[id];
    }
    return count;
  };
  create(*client, 10);
  create(*on_second, 10);
  ASSERT_TRUE(WaitFor([&] { return ids().size() >= 20; }, absl::Seconds(30)))
      << ids().size();
  absl::SleepFor(absl::Milliseconds(300));  // a second deliverer's repeat
  for (const auto& [id, times] : ids()) {
    EXPECT_EQ(times, 1) << "delivery " << id << " came " << times << " times";
  }
  first.Kill();
  create(*on_second, 10);
  ASSERT_TRUE(WaitFor([&] { return ids().size() >= 30; }, absl::Seconds(30)))
      << ids().size();
  std::map<int64_t, std::string> bodies;
  for (const testing::ReceivedRequest& r : receiver.Received()) {
    int64_t id = 0;
    ASSERT_TRUE(absl::SimpleAtoi(r.Header("Hotline-Delivery"), &id));
    auto [it, inserted] = bodies.emplace(id, r.body);
    if (!inserted) {
      EXPECT_EQ(it->second, r.body) << "a repeat of " << id;
    }
  }
  // Seqs 1..30: one creation a ticket (the subscription came first).
  ASSERT_EQ(bodies.size(), 30u);
  EXPECT_EQ(bodies.begin()->first, 1);
  EXPECT_EQ(bodies.rbegin()->first, 30);
  on_second.reset();
  client.reset();
  EXPECT_EQ(second.Terminate(), 0);
  receiver.Stop();
}

}  // namespace
}  // namespace hotline
