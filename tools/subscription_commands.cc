// hotlinectl subscription ...: notifications (通知订阅) to a webhook or by
// SMS, their delivery log (投递记录) and redelivery by hand.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/proto_time.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"

namespace hotline::cli {
namespace {

std::string SubscriptionName(const std::string& text) {
  return absl::StrContains(text, '/') ? text
                                      : absl::StrCat("subscriptions/", text);
}

std::string EventTypes(const v1::Subscription& s) {
  if (s.event_types().empty()) return "every event";
  std::vector<std::string> names;
  for (int type : s.event_types()) {
    names.push_back(v1::Event::Type_Name(static_cast<v1::Event::Type>(type)));
  }
  return absl::StrJoin(names, ",");
}

std::string Target(const v1::Subscription& s) {
  return s.channel() == v1::Subscription::SMS
             ? absl::StrCat("SMS ", absl::StrJoin(s.phone_numbers(), ","))
             : s.url();
}

std::string Shown(const v1::Subscription& s) {
  std::vector<std::pair<std::string, std::string>> pairs = {
      {"subscription", s.name()},
      {"department", s.department().empty() ? "(every event)" : s.department()},
      {"events", EventTypes(s)},
      {"to", Target(s)},
      {"state", absl::StrCat(v1::Subscription::State_Name(s.state()),
                             s.state_reason().empty()
                                 ? ""
                                 : absl::StrCat(" (", s.state_reason(), ")"))},
      {"delivered through seq", absl::StrCat(s.delivered_seq())},
      {"dead letters", absl::StrCat(s.dead_letters())}};
  if (!s.secret().empty()) {
    pairs.push_back({"secret", absl::StrCat(s.secret(),
                                            "  (shown once: give it to the "
                                            "receiver, which checks each "
                                            "Hotline-Signature with it)")});
  }
  if (s.has_previous_secret_expire_time()) {
    pairs.push_back({"previous secret signs until",
                     FormatTime(s.previous_secret_expire_time())});
  }
  return KeyValues(pairs);
}

int PrintSubscription(Context& c,
                      const absl::StatusOr<v1::Subscription>& answer) {
  return Print<v1::Subscription>(c, answer, Shown);
}

int RunCreate(Context& c, const Args& args, const std::vector<std::string>&) {
  v1::CreateSubscriptionRequest request;
  v1::Subscription& s = *request.mutable_subscription();
  if (args.Has("url") == args.Has("sms")) {
    return InputError(c, absl::InvalidArgumentError(
                             "give --url URL (a webhook) or --sms NUMBERS "
                             "(liaisons' mobiles), one of them"));
  }
  if (args.Has("url")) {
    s.set_channel(v1::Subscription::WEBHOOK);
    s.set_url(args.Get("url"));
  } else {
    s.set_channel(v1::Subscription::SMS);
    for (absl::string_view number :
         absl::StrSplit(args.Get("sms"), ',', absl::SkipWhitespace())) {
      s.add_phone_numbers(std::string(absl::StripAsciiWhitespace(number)));
    }
  }
  if (args.Has("department")) {
    s.set_department(DepartmentName(args.Get("department")));
  }
  if (args.Has("events")) {
    for (absl::string_view name :
         absl::StrSplit(args.Get("events"), ',', absl::SkipWhitespace())) {
      absl::StatusOr<v1::Event::Type> type = ParseEnum<v1::Event::Type>(
          "events", std::string(absl::StripAsciiWhitespace(name)),
          v1::Event::Type_Parse,
          "event types such as dispatched, due_soon, card_issued, "
          "notice_issued, reply_sent_back, attachment_added");
      if (!type.ok()) return InputError(c, type.status());
      s.add_event_types(*type);
    }
  }
  s.set_description(args.Get("description"));
  request.set_request_id(args.Get("request_id"));
  return PrintSubscription(c, c.client->CreateSubscription(request));
}

int RunList(Context& c, const Args& args, const std::vector<std::string>&) {
  v1::ListSubscriptionsRequest request;
  if (args.Has("department")) {
    request.set_department(DepartmentName(args.Get("department")));
  }
  absl::StatusOr<v1::ListSubscriptionsResponse> listed =
      c.client->ListSubscriptions(request);
  if (!listed.ok()) return Fail(listed.status());
  if (c.json) {
    std::cout << ToJson(*listed);
    return 0;
  }
  Table table(
      {"NAME", "DEPARTMENT", "EVENTS", "TO", "STATE", "DELIVERED", "DEAD"});
  for (const v1::Subscription& s : listed->subscriptions()) {
    table.AddRow(
        {s.name(),
         s.department().empty() ? "*" : ShortDepartment(s.department()),
         EventTypes(s), Target(s), v1::Subscription::State_Name(s.state()),
         absl::StrCat(s.delivered_seq()), absl::StrCat(s.dead_letters())});
  }
  std::cout << table.Render();
  return 0;
}

int RunShow(Context& c, const Args&, const std::vector<std::string>& w) {
  return PrintSubscription(c,
                           c.client->GetSubscription(SubscriptionName(w[0])));
}

int RunDeliveries(Context& c, const Args& args,
                  const std::vector<std::string>& w) {
  v1::ListDeliveriesRequest request;
  request.set_parent(SubscriptionName(w[0]));
  request.set_dead_letters_only(args.Has("dead"));
  absl::StatusOr<v1::ListDeliveriesResponse> listed =
      c.client->ListDeliveries(request);
  if (!listed.ok()) return Fail(listed.status());
  if (c.json) {
    std::cout << ToJson(*listed);
    return 0;
  }
  Table table({"SEQ", "TICKET", "EVENT", "ATTEMPT", "TIME", "OUTCOME", "CODE",
               "MS", "ERROR"});
  for (const v1::Delivery& d : listed->deliveries()) {
    const int64_t micros =
        d.latency().seconds() * 1000000 + d.latency().nanos() / 1000;
    table.AddRow(
        {absl::StrCat(d.seq()), d.ticket(),
         v1::Event::Type_Name(d.event_type()),
         absl::StrCat(d.attempt(), d.redelivery() ? " (by hand)" : ""),
         FormatTime(d.attempt_time()), v1::Delivery::Outcome_Name(d.outcome()),
         d.response_code() == 0 ? "-" : absl::StrCat(d.response_code()),
         absl::StrCat(micros / 1000), d.error()});
  }
  std::cout << table.Render();
  return 0;
}

int RunPause(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::PauseSubscriptionRequest request;
  request.set_name(SubscriptionName(w[0]));
  request.set_reason(args.Get("reason"));
  return PrintSubscription(c, c.client->PauseSubscription(request));
}

int RunResume(Context& c, const Args&, const std::vector<std::string>& w) {
  v1::ResumeSubscriptionRequest request;
  request.set_name(SubscriptionName(w[0]));
  return PrintSubscription(c, c.client->ResumeSubscription(request));
}

int RunDelete(Context& c, const Args&, const std::vector<std::string>& w) {
  v1::DeleteSubscriptionRequest request;
  request.set_name(SubscriptionName(w[0]));
  return PrintSubscription(c, c.client->DeleteSubscription(request));
}

int RunRotate(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::RotateSubscriptionSecretRequest request;
  request.set_name(SubscriptionName(w[0]));
  if (args.Has("overlap")) {
    absl::StatusOr<absl::Duration> overlap =
        ParseDurationOption("overlap", args.Get("overlap"));
    if (!overlap.ok()) return InputError(c, overlap.status());
    request.mutable_overlap()->set_seconds(absl::ToInt64Seconds(*overlap));
  }
  return PrintSubscription(c, c.client->RotateSubscriptionSecret(request));
}

int RunRedeliver(Context& c, const Args& args,
                 const std::vector<std::string>& w) {
  v1::RedeliverEventRequest request;
  request.set_name(SubscriptionName(w[0]));
  int64_t seq = 0;
  if (!absl::SimpleAtoi(args.Get("seq"), &seq) || seq < 1) {
    return InputError(c, absl::InvalidArgumentError(
                             "--seq is the event's seq, a number from 1"));
  }
  request.set_seq(seq);
  return PrintSubscription(c, c.client->RedeliverEvent(request));
}

}  // namespace

void AddSubscriptionCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"subscription create",
       "send events to a webhook or by SMS (通知订阅)",
       "subscription create (--url URL | --sms NUMBERS) [--department DEPT] "
       "[--events TYPES] [--description TEXT] [--request_id ID]",
       "Subscribes a receiver to the events committed from now on: --url, an "
       "https:// webhook that gets each event as signed JSON, or --sms, the "
       "liaisons' (联络员) mobile numbers, comma-separated, texted through "
       "the bureau's SMS gateway. --department: the events of that "
       "department's tickets (a department may subscribe only itself; the "
       "bureau without it gets every event). --events: the event types, "
       "comma-separated (default every type). The answer shows the signing "
       "secret once.\nExamples:\n  hotlinectl subscription create --url "
       "https://housing.example.gov.cn/hotline/events --department housing "
       "--events dispatched,due_soon,card_issued,notice_issued\n  "
       "hotlinectl subscription create --sms 13800000000,13900000000 "
       "--department housing --events dispatched,card_issued",
       {"url", "sms", "department", "events", "description", "request_id"},
       {},
       0,
       0,
       RunCreate});
  commands->push_back(
      {"subscription list",
       "list subscriptions",
       "subscription list [--department DEPT]",
       "Lists the subscriptions you manage (a department its own), with "
       "their state, how far they have delivered and their dead letters.\n"
       "Example:\n  hotlinectl subscription list",
       {"department"},
       {},
       0,
       0,
       RunList});
  commands->push_back({"subscription show",
                       "show a subscription",
                       "subscription show N",
                       "Example:\n  hotlinectl subscription show 1",
                       {},
                       {},
                       1,
                       1,
                       RunShow});
  commands->push_back(
      {"subscription deliveries",
       "a subscription's delivery log (投递记录)",
       "subscription deliveries N [--dead]",
       "The latest attempts, newest first: the event's seq (the delivery "
       "id), the attempt, the outcome, the receiver's HTTP status, the "
       "latency and the error. --dead: only the dead letters (死信), events "
       "given up on after every retry.\nExample:\n  hotlinectl subscription "
       "deliveries 1 --dead",
       {},
       {"dead"},
       1,
       1,
       RunDeliveries});
  commands->push_back(
      {"subscription redeliver",
       "send one event again, by hand",
       "subscription redeliver N --seq SEQ",
       "Sends the event SEQ again with the same delivery id (after a dead "
       "letter, or for a receiver that lost it); the log shows the outcome."
       "\nExample:\n  hotlinectl subscription redeliver 1 --seq 42",
       {"seq"},
       {},
       1,
       1,
       RunRedeliver});
  commands->push_back(
      {"subscription pause",
       "hold a subscription's deliveries",
       "subscription pause N --reason TEXT",
       "Events committed meanwhile wait and go out, in order, on resume.\n"
       "Example:\n  hotlinectl subscription pause 1 --reason 接收系统停机维护",
       {"reason"},
       {},
       1,
       1,
       RunPause});
  commands->push_back(
      {"subscription resume",
       "resume a paused (or GONE) subscription",
       "subscription resume N",
       "Resumes where it stopped; also after the receiver answered 410 Gone."
       "\nExample:\n  hotlinectl subscription resume 1",
       {},
       {},
       1,
       1,
       RunResume});
  commands->push_back(
      {"subscription rotate-secret",
       "give a webhook a new signing secret",
       "subscription rotate-secret N [--overlap DURATION]",
       "Makes a new secret (shown once); the old one signs too until "
       "--overlap has passed (default 24h, at most 7d), so the receiver can "
       "switch without losing a delivery.\nExample:\n  hotlinectl "
       "subscription rotate-secret 1 --overlap 2h",
       {"overlap"},
       {},
       1,
       1,
       RunRotate});
  commands->push_back({"subscription delete",
                       "stop a subscription for good",
                       "subscription delete N",
                       "Example:\n  hotlinectl subscription delete 1",
                       {},
                       {},
                       1,
                       1,
                       RunDelete});
}

}  // namespace hotline::cli
