// The pure rules of notifications: where deliveries may go, who manages
// which subscription, how long a failed delivery waits, and the SMS text
// and gateway template (workflow/subscription_rules.h,
// workflow/notification_text.h).
#include <string>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "workflow/notification_text.h"
#include "workflow/subscription_rules.h"

namespace hotline {
namespace {

std::string RuleOf(const absl::Status& status) {
  return ErrorMetadataOf(status, "rule");
}

TEST(DeliveryUrl, HttpsAnywhereHttpOnlyToLoopbackWhenAllowed) {
  EXPECT_TRUE(
      CheckDeliveryUrl("https://example.gov.cn/hook", "url", false).ok());
  EXPECT_TRUE(
      CheckDeliveryUrl("https://example.gov.cn:8443/a?b=c", "url", false).ok());
  EXPECT_TRUE(CheckDeliveryUrl("http://127.0.0.1:9/x", "url", true).ok());
  EXPECT_TRUE(CheckDeliveryUrl("http://localhost/x", "url", true).ok());
  EXPECT_TRUE(CheckDeliveryUrl("http://[::1]:8080/x", "url", true).ok());
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("http://127.0.0.1:9/x", "url", false)),
            "loopback_http");
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("http://10.0.0.1/x", "url", true)),
            "https");
  EXPECT_EQ(
      RuleOf(CheckDeliveryUrl("http://127.0.0.1.example.org/x", "url", true)),
      "https");
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("gopher://a/x", "url", true)), "scheme");
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("https://a:b@c/x", "url", true)),
            "credentials");
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("https://c/x#y", "url", true)), "fragment");
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("https://c/x y", "url", true)),
            "characters");
  EXPECT_EQ(RuleOf(CheckDeliveryUrl("https://:443/x", "url", true)), "host");
  const absl::Status missing = CheckDeliveryUrl("", "subscription.url", false);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(CheckDeliveryUrl("ftp://a", "u", false)),
            v1::SUBSCRIPTION_URL);
}

TEST(NewSubscription, EachChannelHasItsOwnFields) {
  v1::Subscription hook;
  hook.set_channel(v1::Subscription::WEBHOOK);
  hook.set_url("https://example.gov.cn/hook");
  hook.set_department("departments/housing");
  hook.add_event_types(v1::Event::DISPATCHED);
  EXPECT_TRUE(CheckNewSubscription(hook, false).ok());
  v1::Subscription bad = hook;
  bad.add_phone_numbers("13800000000");
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());
  bad = hook;
  bad.add_event_types(static_cast<v1::Event::Type>(999));
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());
  bad = hook;
  bad.set_department("housing");
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());
  bad = hook;
  bad.set_delivered_seq(5);
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());
  bad = hook;
  bad.clear_channel();
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());

  v1::Subscription sms;
  sms.set_channel(v1::Subscription::SMS);
  sms.add_phone_numbers("13800000000");
  EXPECT_TRUE(CheckNewSubscription(sms, false).ok());
  bad = sms;
  bad.set_url("https://example.gov.cn/");
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());
  for (const char* number : {"1380000000", "23800000000", "1380000000x"}) {
    bad = sms;
    bad.set_phone_numbers(0, number);
    EXPECT_FALSE(CheckNewSubscription(bad, false).ok()) << number;
  }
  bad = sms;
  for (int i = 0; i < 10; ++i) bad.add_phone_numbers("13900000000");
  EXPECT_FALSE(CheckNewSubscription(bad, false).ok());
}

TEST(SubscriptionAccess, TheBureauAnyADepartmentItsOwnIntakeNone) {
  EXPECT_TRUE(AuthorizeSubscription(Principal::Bureau(), "").ok());
  EXPECT_TRUE(
      AuthorizeSubscription(Principal::Bureau(), "departments/water").ok());
  const Principal housing = Principal::Department("housing");
  EXPECT_TRUE(AuthorizeSubscription(housing, "departments/housing").ok());
  EXPECT_EQ(ReasonOf(AuthorizeSubscription(housing, "departments/water")),
            v1::NOT_YOURS);
  EXPECT_EQ(ReasonOf(AuthorizeSubscription(housing, "")), v1::NOT_YOURS);
  EXPECT_EQ(ReasonOf(AuthorizeSubscription(Principal::Intake("platform"), "")),
            v1::ROLE_NOT_ALLOWED);
}

TEST(SubscriptionWants, NoTypesMeansEveryType) {
  v1::Subscription s;
  EXPECT_TRUE(SubscriptionWants(s, v1::Event::CARD_ISSUED));
  s.add_event_types(v1::Event::DISPATCHED);
  EXPECT_TRUE(SubscriptionWants(s, v1::Event::DISPATCHED));
  EXPECT_FALSE(SubscriptionWants(s, v1::Event::CARD_ISSUED));
}

TEST(RetryDelay, DoublesUpToTheLongestWithJitterInTheUpperHalf) {
  const absl::Duration first = absl::Seconds(2);
  const absl::Duration longest = absl::Minutes(10);
  EXPECT_EQ(RetryDelay(1, first, longest, 0.0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(1, first, longest, 1.0), absl::Seconds(2));
  EXPECT_EQ(RetryDelay(2, first, longest, 1.0), absl::Seconds(4));
  EXPECT_EQ(RetryDelay(4, first, longest, 1.0), absl::Seconds(16));
  EXPECT_EQ(RetryDelay(30, first, longest, 1.0), longest);
  EXPECT_EQ(RetryDelay(30, first, longest, 0.0), longest / 2);
  for (double jitter : {0.0, 0.25, 0.5, 0.99}) {
    const absl::Duration d = RetryDelay(3, first, longest, jitter);
    EXPECT_GE(d, absl::Seconds(4));
    EXPECT_LE(d, absl::Seconds(8));
  }
}

v1::Ticket DispatchedTicket(absl::TimeZone zone) {
  v1::Ticket ticket;
  ticket.set_name("tickets/7");
  *ticket.mutable_ack_due_at() = ToProtoTime(
      absl::FromCivil(absl::CivilSecond(2026, 12, 7, 17, 0, 0), zone));
  *ticket.mutable_reply_due_at() = ToProtoTime(
      absl::FromCivil(absl::CivilSecond(2026, 12, 21, 9, 30, 0), zone));
  return ticket;
}

TEST(SmsText, TheIssuesExampleAndTheOtherWordedEvents) {
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  const v1::Ticket ticket = DispatchedTicket(zone);
  v1::Event event;
  event.set_ticket("tickets/7");
  event.set_type(v1::Event::DISPATCHED);
  EXPECT_EQ(SmsText(event, ticket, "县住建局", zone, "12345"),
            "【12345】县住建局:您有新工单 工单号7,请于12月7日17:00前签收");
  event.set_type(v1::Event::DUE_SOON);
  EXPECT_EQ(SmsText(event, ticket, "县住建局", zone, "12345"),
            "【12345】县住建局:工单7将于12月21日09:30到期,请抓紧办理并答复");
  event.set_type(v1::Event::CARD_ISSUED);
  event.set_card_color(v1::Card::RED);
  EXPECT_EQ(SmsText(event, ticket, "县水利局", zone, "县12345"),
            "【县12345】县水利局:工单7已超期,被亮红牌,请立即办理");
  event.set_type(v1::Event::NOTICE_ISSUED);
  event.set_notice("tickets/7/notices/1");
  event.set_notice_level(v1::Notice::SUPERVISION);
  v1::Ticket noticed = ticket;
  v1::Notice& notice = *noticed.add_notices();
  notice.set_name("tickets/7/notices/1");
  *notice.mutable_answer_due_at() = ToProtoTime(
      absl::FromCivil(absl::CivilSecond(2026, 12, 9, 18, 0, 0), zone));
  EXPECT_EQ(SmsText(event, noticed, "县住建局", zone, "12345"),
            "【12345】县住建局:工单7收到督办通知,请于12月9日18:00前反馈");
  event.set_type(v1::Event::LINKED);
  EXPECT_EQ(SmsText(event, ticket, "县住建局", zone, "12345"),
            "【12345】县住建局:工单7有新动态(LINKED)");
}

TEST(FillTemplate, PlaceholdersAreEscapedForTheBodysType) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"text", "他说\"好\"\n& 100%"}, {"phones", "13800000000,13900000000"}};
  EXPECT_EQ(
      FillTemplate(R"({"m":"{{phones}}","c":"{{text}}","x":"{{nope}}"})",
                   values, "application/json; charset=utf-8"),
      R"({"m":"13800000000,13900000000","c":"他说\"好\"\n& 100%","x":"{{nope}}"})");
  EXPECT_EQ(FillTemplate("m={{phones}}&c={{text}}", values,
                         "application/x-www-form-urlencoded"),
            "m=13800000000%2C13900000000&c=%E4%BB%96%E8%AF%B4%22%E5%A5%BD%22"
            "%0A%26%20100%25");
  EXPECT_EQ(FillTemplate("{{text}}", values, "text/plain"), values[0].second);
}

}  // namespace
}  // namespace hotline
