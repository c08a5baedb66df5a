// Notifications (通知订阅) end to end: the real server delivers to a local
// HTTP receiver that records, fails on purpose, hangs, answers 410 or a
// redirect, and stops; the subscriptions are made through the client
// library. What a receiver relies on: every event of its department once
// committed, in seq order, with its seq as the delivery id and a signature
// it can check with its secret (checked here with OpenSSL directly, not
// with the server's code); failures retried and then kept as dead letters
// it can have sent again; nothing of another department's; and a slow
// receiver holding up no one else.
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_support.h"
#include "tests/support/test_support.h"
#include "tests/support/webhook_receiver.h"
#include "tests/support/workflow_fixtures.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ReceivedRequest;
using testing::ServerTest;
using testing::WebhookReceiver;
using v1::Delivery;
using v1::Event;
using v1::Subscription;

std::string Hmac(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest,
       &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

// The v1= signatures of a request.
std::vector<std::string> Signatures(const ReceivedRequest& request) {
  std::vector<std::string> found;
  for (absl::string_view part :
       absl::StrSplit(request.Header("Hotline-Signature"), ',')) {
    if (absl::ConsumePrefix(&part, "v1=")) found.emplace_back(part);
  }
  return found;
}

// Whether `secret` signed the request (timestamp "." body).
bool SignedWith(const ReceivedRequest& request, const std::string& secret) {
  const std::string expected = Hmac(
      secret,
      absl::StrCat(request.Header("Hotline-Timestamp"), ".", request.body));
  const std::vector<std::string> signatures = Signatures(request);
  return std::find(signatures.begin(), signatures.end(), expected) !=
         signatures.end();
}

int64_t DeliveryId(const ReceivedRequest& request) {
  int64_t id = 0;
  EXPECT_TRUE(absl::SimpleAtoi(request.Header("Hotline-Delivery"), &id))
      << request.Header("Hotline-Delivery");
  return id;
}

// The event a webhook's JSON body carries, and its deliveryId.
struct Body {
  std::string delivery_id;
  std::string subscription;
  Event event;
};
Body ParseBody(const ReceivedRequest& request) {
  google::protobuf::Struct object;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(request.body, &object).ok())
      << request.body;
  Body body;
  body.delivery_id = object.fields().at("deliveryId").string_value();
  body.subscription = object.fields().at("subscription").string_value();
  std::string event_json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(
                  object.fields().at("event"), &event_json)
                  .ok());
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(event_json, &body.event).ok())
      << event_json;
  return body;
}

class NotificationTest : public ServerTest {
 protected:
  NotificationTest() {
    options_.notify_allow_loopback_http = true;
    options_.notifier.max_attempts = 3;
    options_.notifier.first_retry = absl::Milliseconds(10);
    options_.notifier.longest_retry = absl::Milliseconds(40);
    options_.notifier.record_interval = absl::Milliseconds(50);
    options_.notifier.timeout = absl::Seconds(60);
    options_.metrics_listen_address = "127.0.0.1:0";
  }

  // hotline_notification_attempts_total for a channel and outcome, from
  // the server's /metrics (0 when absent).
  double Attempts(const std::string& channel, const std::string& outcome) {
    httplib::Client http("127.0.0.1", server_->metrics_port());
    httplib::Result scrape = http.Get("/metrics");
    EXPECT_TRUE(scrape && scrape->status == 200);
    if (!scrape) return -1;
    const std::string series =
        absl::StrCat("hotline_notification_attempts_total{channel=\"", channel,
                     "\",outcome=\"", outcome, "\"} ");
    for (absl::string_view line : absl::StrSplit(scrape->body, '\n')) {
      double value = 0;
      if (absl::ConsumePrefix(&line, series) &&
          absl::SimpleAtod(line, &value)) {
        return value;
      }
    }
    return 0;
  }

  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("water");
    housing_ = Connect(CreateToken("department/housing"));
    water_ = Connect(CreateToken("department/water"));
    intake_ = Connect(CreateToken("intake/platform"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
    receiver_.Start();
  }
  void TearDown() override {
    receiver_.Release();
    ServerTest::TearDown();
    receiver_.Stop();
  }

  absl::StatusOr<Subscription> Subscribe(Client& client,
                                         const std::string& department,
                                         const std::string& url,
                                         std::vector<Event::Type> types = {}) {
    v1::CreateSubscriptionRequest request;
    Subscription& s = *request.mutable_subscription();
    s.set_channel(Subscription::WEBHOOK);
    s.set_url(url);
    if (!department.empty()) s.set_department("departments/" + department);
    for (Event::Type type : types) s.add_event_types(type);
    return client.CreateSubscription(request);
  }

  std::vector<Delivery> Deliveries(const std::string& name,
                                   bool dead_only = false) {
    v1::ListDeliveriesRequest request;
    request.set_parent(name);
    request.set_dead_letters_only(dead_only);
    absl::StatusOr<v1::ListDeliveriesResponse> listed =
        bureau().ListDeliveries(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return {};
    return {listed->deliveries().begin(), listed->deliveries().end()};
  }

  // The delivery log, one line an attempt, for a failure's message.
  std::string DescribeLog(const std::string& name) {
    std::string text;
    for (const Delivery& d : Deliveries(name)) {
      absl::StrAppend(&text, "\n  seq ", d.seq(), " ",
                      Event::Type_Name(d.event_type()), " attempt ",
                      d.attempt(), " ", Delivery::Outcome_Name(d.outcome()),
                      " ", d.response_code(), " ", d.error());
    }
    return text;
  }

  // Waits until the subscription records its cursor at `seq` or beyond.
  bool WaitDelivered(const std::string& name, int64_t seq) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      absl::StatusOr<Subscription> s = bureau().GetSubscription(name);
      if (s.ok() && s->delivered_seq() >= seq) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  // The newest seq of `ticket`'s events.
  int64_t LatestSeqOf(const std::string& ticket) {
    int64_t latest = 0;
    for (const Event& e : History(ticket)) latest = std::max(latest, e.seq());
    return latest;
  }
  // Of the ticket made last (the newest event when no older ticket moved
  // since).
  int64_t LatestSeq() { return LatestSeqOf(last_ticket_); }

  v1::Ticket Ticket(const std::string& department) {
    v1::Ticket ticket = CreateTicket(department);
    last_ticket_ = ticket.name();
    return ticket;
  }

  WebhookReceiver receiver_;
  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> water_;
  std::unique_ptr<Client> intake_;
  std::string last_ticket_;
};

TEST_F(NotificationTest, AWebhookGetsItsDepartmentsEventsSignedInSeqOrder) {
  absl::StatusOr<Subscription> made =
      Subscribe(*housing_, "housing", receiver_.Url("/hotline/events"));
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->name(), "subscriptions/1");
  EXPECT_EQ(made->state(), Subscription::ACTIVE);
  EXPECT_EQ(made->created_by(), "department/housing");
  ASSERT_TRUE(absl::StartsWith(made->secret(), "whsec_")) << made->secret();
  // The secret is shown once: neither a read nor a list shows it.
  absl::StatusOr<Subscription> read = housing_->GetSubscription(made->name());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->secret().empty());

  const v1::Ticket theirs = Ticket("water");
  const v1::Ticket ours = Ticket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(ours.name());
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  const v1::Ticket after = Ticket("water");

  // housing's events (as its feed shows them: the dispatch and the
  // sign-for; the creation before the dispatch is not the department's).
  std::vector<int64_t> expected;
  for (const Event& e : History(ours.name())) {
    if (e.department() == "departments/housing") expected.push_back(e.seq());
  }
  ASSERT_EQ(expected.size(), 2u);
  ASSERT_TRUE(receiver_.WaitFor([&](const std::vector<ReceivedRequest>& got) {
    return got.size() >= expected.size();
  })) << receiver_.Received().size();
  // Its cursor moves over its own events (water's are not in its feed).
  ASSERT_TRUE(WaitDelivered(made->name(), expected.back()));

  const std::vector<ReceivedRequest> got = receiver_.Received();
  std::vector<int64_t> ids;
  for (const ReceivedRequest& request : got) {
    EXPECT_EQ(request.path, "/hotline/events");
    EXPECT_TRUE(SignedWith(request, made->secret())) << request.body;
    EXPECT_FALSE(SignedWith(request, made->secret() + "x"));
    EXPECT_EQ(Signatures(request).size(), 1u);
    EXPECT_EQ(request.Header("Content-Type"), "application/json");
    const Body body = ParseBody(request);
    EXPECT_EQ(body.delivery_id, request.Header("Hotline-Delivery"));
    EXPECT_EQ(body.subscription, made->name());
    EXPECT_EQ(body.event.seq(), DeliveryId(request));
    EXPECT_EQ(body.event.ticket(), ours.name());
    EXPECT_EQ(request.Header("Hotline-Event"),
              Event::Type_Name(body.event.type()));
    ids.push_back(DeliveryId(request));
  }
  // Every event of housing's ticket, once, in seq order; none of water's.
  EXPECT_EQ(ids, expected);
  EXPECT_NE(theirs.name(), ours.name());
  EXPECT_NE(after.name(), ours.name());

  const std::vector<Delivery> log = Deliveries(made->name());
  ASSERT_EQ(log.size(), expected.size());
  EXPECT_EQ(log.front().seq(), expected.back());  // newest first
  for (const Delivery& d : log) {
    EXPECT_EQ(d.outcome(), Delivery::DELIVERED);
    EXPECT_EQ(d.response_code(), 200);
    EXPECT_EQ(d.attempt(), 1);
  }
}

TEST_F(NotificationTest, OnlyTheEventTypesAskedForAreSent) {
  absl::StatusOr<Subscription> made =
      Subscribe(bureau(), "", receiver_.Url("/all"), {Event::ACKNOWLEDGED});
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Ticket a = Ticket("housing");
  const v1::Ticket b = Ticket("water");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(b.name());
  ASSERT_TRUE(water_->AcknowledgeTicket(ack).ok());
  ack.set_name(a.name());
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  // The newest event is a's, made before b.
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeqOf(a.name())));
  const std::vector<ReceivedRequest> got = receiver_.Received();
  ASSERT_EQ(got.size(), 2u) << DescribeLog(made->name());
  EXPECT_EQ(ParseBody(got[0]).event.ticket(), b.name());
  EXPECT_EQ(ParseBody(got[1]).event.ticket(), a.name());
  for (const ReceivedRequest& r : got) {
    EXPECT_EQ(r.Header("Hotline-Event"), "ACKNOWLEDGED");
  }
}

TEST_F(NotificationTest, FailuresAreRetriedThenDeadLetteredAndSentAgainByHand) {
  // Fails the first two attempts, then succeeds.
  receiver_.SetAnswer(
      [](const ReceivedRequest&, int n) { return n < 2 ? 500 : 200; });
  absl::StatusOr<Subscription> made =
      Subscribe(bureau(), "housing", receiver_.Url("/h"), {Event::DISPATCHED});
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Ticket first = Ticket("housing");
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  std::vector<Delivery> log = Deliveries(made->name());
  ASSERT_EQ(log.size(), 3u);
  // Newest first: delivered at the third attempt, one delivery id.
  EXPECT_EQ(log[0].outcome(), Delivery::DELIVERED);
  EXPECT_EQ(log[0].attempt(), 3);
  EXPECT_EQ(log[1].outcome(), Delivery::FAILED);
  EXPECT_EQ(log[1].response_code(), 500);
  EXPECT_EQ(log[1].error(), "answered 500");
  EXPECT_EQ(log[2].attempt(), 1);
  for (const Delivery& d : log) EXPECT_EQ(d.seq(), log[0].seq());
  std::set<std::string> ids;
  for (const ReceivedRequest& r : receiver_.Received()) {
    ids.insert(r.Header("Hotline-Delivery"));
  }
  EXPECT_EQ(ids.size(), 1u);
  // What an operator's alert reads.
  EXPECT_EQ(Attempts("webhook", "failed"), 2);
  EXPECT_EQ(Attempts("webhook", "delivered"), 1);
  EXPECT_EQ(Attempts("webhook", "dead_lettered"), 0);

  // Every attempt fails: a dead letter after the third, and the next
  // event still goes out.
  receiver_.SetAnswer([](const ReceivedRequest& r, int) {
    return ParseBody(r).event.ticket() == "tickets/2" ? 503 : 200;
  });
  const v1::Ticket dead = Ticket("housing");
  ASSERT_EQ(dead.name(), "tickets/2");
  const v1::Ticket next = Ticket("housing");
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  std::vector<Delivery> letters = Deliveries(made->name(), true);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].ticket(), dead.name());
  EXPECT_EQ(letters[0].outcome(), Delivery::DEAD_LETTERED);
  EXPECT_EQ(letters[0].attempt(), 3);
  EXPECT_EQ(letters[0].response_code(), 503);
  absl::StatusOr<Subscription> now = bureau().GetSubscription(made->name());
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->dead_letters(), 1);
  EXPECT_EQ(ParseBody(receiver_.Received().back()).event.ticket(), next.name());
  EXPECT_EQ(Attempts("webhook", "dead_lettered"), 1);

  // By hand, once the receiver is back: the same delivery id, and the dead
  // letter is gone.
  receiver_.SetAnswer(nullptr);
  const size_t before = receiver_.Received().size();
  v1::RedeliverEventRequest again;
  again.set_name(made->name());
  again.set_seq(letters[0].seq());
  ASSERT_TRUE(bureau().RedeliverEvent(again).ok());
  ASSERT_TRUE(receiver_.WaitFor([&](const std::vector<ReceivedRequest>& got) {
    return got.size() > before;
  }));
  EXPECT_EQ(DeliveryId(receiver_.Received().back()), letters[0].seq());
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!Deliveries(made->name(), true).empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(Deliveries(made->name(), true).empty());
  log = Deliveries(made->name());
  ASSERT_FALSE(log.empty());
  EXPECT_TRUE(log[0].redelivery());
  EXPECT_EQ(log[0].outcome(), Delivery::DELIVERED);

  // A seq the subscription would not send is refused, and nothing is sent.
  for (const Event& e : History(next.name())) {
    if (e.type() == Event::CREATED) again.set_seq(e.seq());
  }
  absl::StatusOr<Subscription> refused = bureau().RedeliverEvent(again);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound)
      << refused.status();
  again.set_seq(0);
  EXPECT_EQ(bureau().RedeliverEvent(again).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NotificationTest, AHangingReceiverHoldsUpOnlyItsOwnSubscription) {
  WebhookReceiver slow;
  slow.SetAnswer([](const ReceivedRequest&, int) { return 0; });  // hangs
  slow.Start();
  absl::StatusOr<Subscription> stuck =
      Subscribe(bureau(), "housing", slow.Url("/slow"));
  absl::StatusOr<Subscription> fine =
      Subscribe(bureau(), "housing", receiver_.Url("/fine"));
  ASSERT_TRUE(stuck.ok() && fine.ok());
  for (int i = 0; i < 5; ++i) Ticket("housing");
  // The healthy receiver gets every event while the other still hangs on
  // its first, and the API answers meanwhile.
  ASSERT_TRUE(WaitDelivered(fine->name(), LatestSeq()));
  EXPECT_EQ(slow.Received().size(), 0u);  // none answered yet
  absl::StatusOr<Subscription> held = bureau().GetSubscription(stuck->name());
  ASSERT_TRUE(held.ok());
  EXPECT_LT(held->delivered_seq(), LatestSeq());
  slow.Release();
  ASSERT_TRUE(WaitDelivered(stuck->name(), LatestSeq()));
  slow.SetAnswer(nullptr);
  EXPECT_EQ(slow.Received().size(), receiver_.Received().size());
  slow.Stop();
}

TEST_F(NotificationTest, AReceiverThatIsDownGetsItsEventsOnceItIsBack) {
  options_.notifier.max_attempts = 100000;  // it retries until it is back
  RestartServer();
  bureau_ = Connect(bureau_token_);
  absl::StatusOr<Subscription> made = Subscribe(
      bureau(), "housing", receiver_.Url("/back"), {Event::DISPATCHED});
  ASSERT_TRUE(made.ok()) << made.status();
  receiver_.Stop();
  const v1::Ticket t = Ticket("housing");
  // Attempts fail while nothing listens: no answer, and why.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  std::vector<Delivery> log;
  while (log.size() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
    log = Deliveries(made->name());
  }
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0].outcome(), Delivery::FAILED);
  EXPECT_EQ(log[0].response_code(), 0);
  EXPECT_NE(log[0].error().find("no answer"), std::string::npos)
      << log[0].error();
  receiver_.Start();  // the same port
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  const std::vector<ReceivedRequest> got = receiver_.Received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(ParseBody(got[0]).event.ticket(), t.name());
  EXPECT_EQ(Deliveries(made->name())[0].outcome(), Delivery::DELIVERED);
  EXPECT_TRUE(Deliveries(made->name(), true).empty());
}

TEST_F(NotificationTest, A410StopsTheSubscriptionUntilItIsResumed) {
  receiver_.SetAnswer([](const ReceivedRequest&, int) { return 410; });
  absl::StatusOr<Subscription> made =
      Subscribe(bureau(), "housing", receiver_.Url("/gone"));
  ASSERT_TRUE(made.ok());
  Ticket("housing");
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  absl::StatusOr<Subscription> s;
  do {
    s = bureau().GetSubscription(made->name());
    if (s.ok() && s->state() == Subscription::GONE) break;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < deadline);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state(), Subscription::GONE);
  EXPECT_NE(s->state_reason().find("410"), std::string::npos);
  // One attempt, no retries, and later events wait.
  Ticket("housing");
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(receiver_.Received().size(), 1u);
  EXPECT_EQ(Deliveries(made->name())[0].outcome(), Delivery::GONE);

  receiver_.SetAnswer(nullptr);
  v1::ResumeSubscriptionRequest resume;
  resume.set_name(made->name());
  absl::StatusOr<Subscription> resumed = bureau().ResumeSubscription(resume);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state(), Subscription::ACTIVE);
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  // From where it stopped: the refused event again, then the rest.
  const std::vector<ReceivedRequest> got = receiver_.Received();
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(DeliveryId(got[1]), DeliveryId(got[0]));
}

TEST_F(NotificationTest, APausedSubscriptionKeepsItsEventsForTheResume) {
  absl::StatusOr<Subscription> made =
      Subscribe(bureau(), "housing", receiver_.Url("/p"));
  ASSERT_TRUE(made.ok());
  v1::PauseSubscriptionRequest pause;
  pause.set_name(made->name());
  EXPECT_EQ(bureau().PauseSubscription(pause).status().code(),
            absl::StatusCode::kInvalidArgument);  // no reason
  pause.set_reason("接收系统停机维护");
  absl::StatusOr<Subscription> paused = bureau().PauseSubscription(pause);
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ(paused->state(), Subscription::PAUSED);
  EXPECT_EQ(paused->state_reason(), "接收系统停机维护");
  const v1::Ticket t = Ticket("housing");
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_TRUE(receiver_.Received().empty());
  v1::ResumeSubscriptionRequest resume;
  resume.set_name(made->name());
  ASSERT_TRUE(bureau().ResumeSubscription(resume).ok());
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  ASSERT_EQ(receiver_.Received().size(), 1u);  // the dispatch
  EXPECT_EQ(ParseBody(receiver_.Received()[0]).event.type(), Event::DISPATCHED);
  EXPECT_EQ(ParseBody(receiver_.Received()[0]).event.ticket(), t.name());
}

TEST_F(NotificationTest,
       ARotatedSecretSignsBesideTheOldOneUntilTheOverlapEnds) {
  absl::StatusOr<Subscription> made =
      Subscribe(bureau(), "housing", receiver_.Url("/r"), {Event::DISPATCHED});
  ASSERT_TRUE(made.ok());
  v1::RotateSubscriptionSecretRequest rotate;
  rotate.set_name(made->name());
  rotate.mutable_overlap()->set_seconds(3600);
  absl::StatusOr<Subscription> rotated =
      bureau().RotateSubscriptionSecret(rotate);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  ASSERT_FALSE(rotated->secret().empty());
  EXPECT_NE(rotated->secret(), made->secret());
  EXPECT_TRUE(rotated->has_previous_secret_expire_time());

  Ticket("housing");
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  ReceivedRequest during = receiver_.Received().back();
  EXPECT_EQ(Signatures(during).size(), 2u);
  EXPECT_TRUE(SignedWith(during, rotated->secret()));
  EXPECT_TRUE(SignedWith(during, made->secret()));

  AdvanceTo(Beijing(2021, 3, 1, 11));  // the hour has passed
  Ticket("housing");
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  ReceivedRequest after = receiver_.Received().back();
  EXPECT_EQ(Signatures(after).size(), 1u);
  EXPECT_TRUE(SignedWith(after, rotated->secret()));
  EXPECT_FALSE(SignedWith(after, made->secret()));

  rotate.mutable_overlap()->set_seconds(8 * 24 * 3600);
  EXPECT_EQ(bureau().RotateSubscriptionSecret(rotate).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NotificationTest, RedirectsAreNotFollowed) {
  WebhookReceiver elsewhere;
  elsewhere.Start();
  receiver_.SetLocation(elsewhere.Url("/stolen"));
  receiver_.SetAnswer([](const ReceivedRequest&, int) { return 307; });
  absl::StatusOr<Subscription> made = Subscribe(
      bureau(), "housing", receiver_.Url("/moved"), {Event::DISPATCHED});
  ASSERT_TRUE(made.ok());
  Ticket("housing");
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  EXPECT_EQ(receiver_.Received().size(), 3u);  // every attempt, here
  EXPECT_TRUE(elsewhere.Received().empty());
  const std::vector<Delivery> letters = Deliveries(made->name(), true);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].response_code(), 307);
  EXPECT_NE(letters[0].error().find("redirects are not followed"),
            std::string::npos);
  elsewhere.Stop();
}

TEST_F(NotificationTest, APausedSubscriptionsEventsWaitThroughARestart) {
  absl::StatusOr<Subscription> made = Subscribe(
      bureau(), "housing", receiver_.Url("/later"), {Event::DISPATCHED});
  ASSERT_TRUE(made.ok());
  v1::PauseSubscriptionRequest pause;
  pause.set_name(made->name());
  pause.set_reason("the receiver is moving");
  ASSERT_TRUE(bureau().PauseSubscription(pause).ok());
  std::vector<std::string> tickets;
  for (int i = 0; i < 3; ++i) tickets.push_back(Ticket("housing").name());
  RestartServer();
  bureau_ = Connect(bureau_token_);
  v1::ResumeSubscriptionRequest resume;
  resume.set_name(made->name());
  ASSERT_TRUE(bureau().ResumeSubscription(resume).ok());
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  std::vector<std::string> got;
  for (const ReceivedRequest& r : receiver_.Received()) {
    got.push_back(ParseBody(r).event.ticket());
  }
  EXPECT_EQ(got, tickets);
}

TEST_F(NotificationTest,
       WhoMayManageWhichSubscriptionAndBadRequestsChangeNothing) {
  // A department subscribes itself only; intake none.
  absl::StatusOr<Subscription> s =
      Subscribe(*housing_, "water", receiver_.Url("/x"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(s.status()), v1::NOT_YOURS);
  s = Subscribe(*housing_, "", receiver_.Url("/x"));
  EXPECT_EQ(ReasonOf(s.status()), v1::NOT_YOURS);
  s = Subscribe(*intake_, "", receiver_.Url("/x"));
  EXPECT_EQ(ReasonOf(s.status()), v1::ROLE_NOT_ALLOWED);
  // URLs the server will not send to.
  for (const auto& [url, rule] :
       std::vector<std::pair<std::string, std::string>>{
           {"http://example.org/hook", "https"},
           {"ftp://example.org/hook", "scheme"},
           {"https://user:pw@example.org/hook", "credentials"},
           {"https://example.org/hook#x", "fragment"},
           {"https:///hook", "host"}}) {
    s = Subscribe(bureau(), "housing", url);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(ReasonOf(s.status()), v1::SUBSCRIPTION_URL) << url;
    EXPECT_EQ(ErrorMetadataOf(s.status(), "rule"), rule) << url;
  }
  s = Subscribe(bureau(), "nosuch", receiver_.Url("/x"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  // SMS needs the bureau's gateway, and mobile numbers.
  v1::CreateSubscriptionRequest sms;
  sms.mutable_subscription()->set_channel(Subscription::SMS);
  sms.mutable_subscription()->set_department("departments/housing");
  sms.mutable_subscription()->add_phone_numbers("13800000000");
  s = bureau().CreateSubscription(sms);
  EXPECT_EQ(ReasonOf(s.status()), v1::SMS_GATEWAY_NOT_CONFIGURED);
  sms.mutable_subscription()->set_phone_numbers(0, "12345");
  s = bureau().CreateSubscription(sms);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  // Output-only fields are the server's.
  v1::CreateSubscriptionRequest forged;
  forged.mutable_subscription()->set_channel(Subscription::WEBHOOK);
  forged.mutable_subscription()->set_url(receiver_.Url("/x"));
  forged.mutable_subscription()->set_secret("mine");
  EXPECT_EQ(bureau().CreateSubscription(forged).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing was made.
  absl::StatusOr<v1::ListSubscriptionsResponse> none =
      bureau().ListSubscriptions({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->subscriptions_size(), 0);

  // Each sees and changes its own.
  absl::StatusOr<Subscription> ours =
      Subscribe(*housing_, "housing", receiver_.Url("/h"));
  absl::StatusOr<Subscription> bureaus =
      Subscribe(bureau(), "water", receiver_.Url("/w"));
  ASSERT_TRUE(ours.ok() && bureaus.ok());
  absl::StatusOr<v1::ListSubscriptionsResponse> listed =
      housing_->ListSubscriptions({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->subscriptions_size(), 1);
  EXPECT_EQ(listed->subscriptions(0).name(), ours->name());
  EXPECT_EQ(ReasonOf(housing_->GetSubscription(bureaus->name()).status()),
            v1::NOT_YOURS);
  v1::DeleteSubscriptionRequest del;
  del.set_name(bureaus->name());
  EXPECT_EQ(ReasonOf(housing_->DeleteSubscription(del).status()),
            v1::NOT_YOURS);
  v1::ListDeliveriesRequest log;
  log.set_parent(bureaus->name());
  EXPECT_EQ(ReasonOf(housing_->ListDeliveries(log).status()), v1::NOT_YOURS);
  EXPECT_TRUE(water_->ListDeliveries(log).ok());  // water's own
  EXPECT_EQ(housing_->GetSubscription("subscriptions/99").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(housing_->GetSubscription("subscription/1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(intake_->ListSubscriptions({}).status()),
            v1::ROLE_NOT_ALLOWED);
  // The bureau's is still there; deleted, it is gone from lists and reads.
  ASSERT_TRUE(bureau().GetSubscription(bureaus->name()).ok());
  ASSERT_TRUE(bureau().DeleteSubscription(del).ok());
  EXPECT_EQ(bureau().GetSubscription(bureaus->name()).status().code(),
            absl::StatusCode::kNotFound);
  listed = bureau().ListSubscriptions({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->subscriptions_size(), 1);

  // At most 20 a department.
  for (int i = 1; i < 20; ++i) {
    ASSERT_TRUE(Subscribe(*housing_, "housing", receiver_.Url("/h")).ok());
  }
  s = Subscribe(*housing_, "housing", receiver_.Url("/h"));
  EXPECT_EQ(ReasonOf(s.status()), v1::SUBSCRIPTIONS_FULL);
  EXPECT_EQ(ErrorMetadataOf(s.status(), "limit"), "20");
}

TEST_F(NotificationTest, ARetriedCreateMakesOneSubscription) {
  v1::CreateSubscriptionRequest request;
  request.set_request_id("subscribe-housing-1");
  request.mutable_subscription()->set_channel(Subscription::WEBHOOK);
  request.mutable_subscription()->set_url(receiver_.Url("/once"));
  request.mutable_subscription()->set_department("departments/housing");
  absl::StatusOr<Subscription> first = bureau().CreateSubscription(request);
  absl::StatusOr<Subscription> again = bureau().CreateSubscription(request);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->name(), again->name());
  EXPECT_EQ(first->secret(), again->secret());
  absl::StatusOr<v1::ListSubscriptionsResponse> listed =
      bureau().ListSubscriptions({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->subscriptions_size(), 1);
}

// The bureau's SMS gateway, as an operator configures it: a JSON body with
// the numbers and the text.
class SmsNotificationTest : public NotificationTest {
 protected:
  SmsNotificationTest() {
    internal::SmsGateway gateway;
    gateway.set_url("http://127.0.0.1:1/sms");  // set in SetUp
    gateway.set_content_type("application/json");
    gateway.set_body(
        R"({"mobiles":"{{phones}}","content":"{{text}}","ref":"{{seq}}"})");
    (*gateway.mutable_headers())["X-Api-Key"] = "k-123";
    options_.notifier.sms_gateway = gateway;
  }
  void SetUp() override {
    NotificationTest::SetUp();
    options_.notifier.sms_gateway->set_url(receiver_.Url("/sms/send"));
    RestartServer();
    bureau_ = Connect(bureau_token_);
  }
};

TEST_F(SmsNotificationTest, ALiaisonIsTextedToSignForANewTicket) {
  v1::CreateSubscriptionRequest request;
  Subscription& s = *request.mutable_subscription();
  s.set_channel(Subscription::SMS);
  s.set_department("departments/housing");
  s.add_phone_numbers("13800000000");
  s.add_phone_numbers("13900000001");
  s.add_event_types(Event::DISPATCHED);
  absl::StatusOr<Subscription> made = bureau().CreateSubscription(request);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_TRUE(made->secret().empty());
  const v1::Ticket t = Ticket("housing");
  ASSERT_TRUE(WaitDelivered(made->name(), LatestSeq()));
  const std::vector<ReceivedRequest> got = receiver_.Received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/sms/send");
  EXPECT_EQ(got[0].Header("X-Api-Key"), "k-123");
  google::protobuf::Struct body;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(got[0].body, &body).ok())
      << got[0].body;
  EXPECT_EQ(body.fields().at("mobiles").string_value(),
            "13800000000,13900000001");
  const std::string number = t.name().substr(t.name().find('/') + 1);
  const std::string text = body.fields().at("content").string_value();
  EXPECT_TRUE(absl::StartsWith(
      text, absl::StrCat("【12345】housing bureau:您有新工单 工单号", number,
                         ",请于")))
      << text;
  EXPECT_TRUE(absl::EndsWith(text, "前签收")) << text;
  EXPECT_EQ(body.fields().at("ref").string_value(),
            got[0].Header("Hotline-Delivery"));
}

}  // namespace
}  // namespace hotline
