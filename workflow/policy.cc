#include "workflow/policy.h"

#include <functional>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "workflow/assessment.h"
#include "workflow/data_lines.h"

namespace hotline {

v1::Policy DefaultPolicy() {
  v1::Policy policy;
  policy.set_version("default-1");
  policy.set_ack_working_days(1);
  auto& reply = *policy.mutable_reply_working_days();
  reply["INQUIRY"] = 2;
  reply["HELP"] = 10;
  reply["SUGGESTION"] = 10;
  reply["COMPLAINT"] = 15;
  reply["REPORT"] = 15;
  reply["OTHER"] = 15;
  policy.set_urgent_reply_clock_hours(24);
  policy.set_critical_reply_clock_hours(2);
  policy.set_urgent_ack_clock_minutes(120);
  policy.set_critical_ack_clock_minutes(30);
  policy.set_return_window_working_days(1);
  policy.set_extension_max_count(3);
  policy.set_extension_max_working_days(10);
  policy.set_warning_working_days(1);
  policy.set_clock_warning_percent(75);
  policy.set_red_card_working_days(5);
  policy.set_suspension_max_days(180);
  policy.set_duplicate_window_days(30);
  policy.set_assist_opinion_working_days(5);
  policy.set_review_replies(false);
  policy.set_send_back_reply_working_days(5);
  policy.set_notice_answer_working_days(1);
  policy.set_urge_at_warning(false);
  policy.set_urge_at_yellow_card(false);
  policy.set_notice_top_level(v1::Notice::CIRCULATED_CRITICISM);
  policy.set_callback_max_attempts(3);
  policy.set_appeal_working_days(3);
  policy.set_reopen_on_reasonable_dissatisfaction(false);
  SetDefaultAssessment(policy);
  return policy;
}

absl::StatusOr<v1::Policy> ParsePolicy(absl::string_view text,
                                       absl::string_view source) {
  v1::Policy policy = DefaultPolicy();
  policy.clear_version();
  using Setter = std::function<void(v1::Policy&, int)>;
  const std::map<std::string, Setter> numbers = {
      {"ack_working_days",
       [](v1::Policy& p, int v) { p.set_ack_working_days(v); }},
      {"urgent_reply_clock_hours",
       [](v1::Policy& p, int v) { p.set_urgent_reply_clock_hours(v); }},
      {"critical_reply_clock_hours",
       [](v1::Policy& p, int v) { p.set_critical_reply_clock_hours(v); }},
      {"urgent_ack_clock_minutes",
       [](v1::Policy& p, int v) { p.set_urgent_ack_clock_minutes(v); }},
      {"critical_ack_clock_minutes",
       [](v1::Policy& p, int v) { p.set_critical_ack_clock_minutes(v); }},
      {"return_window_working_days",
       [](v1::Policy& p, int v) { p.set_return_window_working_days(v); }},
      {"extension_max_count",
       [](v1::Policy& p, int v) { p.set_extension_max_count(v); }},
      {"extension_max_working_days",
       [](v1::Policy& p, int v) { p.set_extension_max_working_days(v); }},
      {"warning_working_days",
       [](v1::Policy& p, int v) { p.set_warning_working_days(v); }},
      {"clock_warning_percent",
       [](v1::Policy& p, int v) { p.set_clock_warning_percent(v); }},
      {"red_card_working_days",
       [](v1::Policy& p, int v) { p.set_red_card_working_days(v); }},
      {"suspension_max_days",
       [](v1::Policy& p, int v) { p.set_suspension_max_days(v); }},
      {"duplicate_window_days",
       [](v1::Policy& p, int v) { p.set_duplicate_window_days(v); }},
      {"assist_opinion_working_days",
       [](v1::Policy& p, int v) { p.set_assist_opinion_working_days(v); }},
      {"send_back_reply_working_days",
       [](v1::Policy& p, int v) { p.set_send_back_reply_working_days(v); }},
      {"notice_answer_working_days",
       [](v1::Policy& p, int v) { p.set_notice_answer_working_days(v); }},
      {"notice_top_level",
       [](v1::Policy& p, int v) { p.set_notice_top_level(v); }},
      {"callback_max_attempts",
       [](v1::Policy& p, int v) { p.set_callback_max_attempts(v); }},
      {"appeal_working_days",
       [](v1::Policy& p, int v) { p.set_appeal_working_days(v); }},
  };
  // Switches: 0 (off, the default) or 1, and what 1 means.
  using Switch = std::function<void(v1::Policy&, bool)>;
  const std::map<std::string, std::pair<Switch, const char*>> switches = {
      {"review_replies",
       {[](v1::Policy& p, bool v) { p.set_review_replies(v); },
        "the bureau reviews every reply"}},
      {"urge_at_warning",
       {[](v1::Policy& p, bool v) { p.set_urge_at_warning(v); },
        "an urging notice at the warning"}},
      {"urge_at_yellow_card",
       {[](v1::Policy& p, bool v) { p.set_urge_at_yellow_card(v); },
        "an urging notice with the yellow card"}},
      {"reopen_on_reasonable_dissatisfaction",
       {[](v1::Policy& p, bool v) {
          p.set_reopen_on_reasonable_dissatisfaction(v);
        },
        "a dissatisfied rating judged reasonable on appeal reopens the "
        "ticket"}},
  };
  RETURN_IF_ERROR(
      ForEachDataLine(text, source, [&](absl::string_view line) -> std::string {
        std::vector<absl::string_view> parts = absl::StrSplit(line, '=');
        if (parts.size() != 2) return "expected key = value";
        const std::string key(absl::StripAsciiWhitespace(parts[0]));
        const std::string value(absl::StripAsciiWhitespace(parts[1]));
        if (key == "version") {
          if (value.empty() || value.size() > 64) {
            return "version must be 1 to 64 characters";
          }
          policy.set_version(value);
          return "";
        }
        constexpr absl::string_view kAssessment = "assessment.";
        if (absl::StartsWith(key, kAssessment)) {
          const std::string rate = key.substr(kAssessment.size());
          int weight = -1;
          const bool whole = absl::SimpleAtoi(value, &weight);
          if (rate == "min_tickets") {
            if (!whole || weight < 1 || weight > 10000) {
              return "assessment.min_tickets must be a whole number from 1 "
                     "to 10000";
            }
            policy.set_assessment_min_tickets(weight);
            return "";
          }
          if (!IsAssessmentRate(rate)) {
            return "assessment.NAME needs NAME one of on_time_reply, "
                   "returns, refused_returns, reopens, sent_back, "
                   "satisfaction, cards, notices, daily_reports, "
                   "min_tickets";
          }
          if (!whole || weight < 0 || weight > 100) {
            return absl::StrCat(key,
                                " is a weight: a whole number from 0 (shown, "
                                "not scored) to 100");
          }
          (*policy.mutable_assessment_weights())[rate] = weight;
          return "";
        }
        if (auto on = switches.find(key); on != switches.end()) {
          if (value != "0" && value != "1") {
            return absl::StrCat(key, " must be 0 (off) or 1 (",
                                on->second.second, ")");
          }
          on->second.first(policy, value == "1");
          return "";
        }
        int number = 0;
        if (!absl::SimpleAtoi(value, &number) || number < 1 || number > 10000) {
          return "the value must be a whole number from 1 to 10000";
        }
        if (key == "clock_warning_percent" && number > 99) {
          return "clock_warning_percent must be 1 to 99";
        }
        if (key == "notice_top_level" && number > 4) {
          return "notice_top_level must be 1 (URGING: no escalation) to 4 "
                 "(CIRCULATED_CRITICISM: the whole ladder)";
        }
        constexpr absl::string_view kReply = "reply_working_days.";
        if (absl::StartsWith(key, kReply)) {
          const std::string type = key.substr(kReply.size());
          v1::Ticket::Type parsed;
          if (!v1::Ticket::Type_Parse(type, &parsed) ||
              parsed == v1::Ticket::TYPE_UNSPECIFIED) {
            return "reply_working_days.TYPE needs TYPE one of INQUIRY, HELP, "
                   "SUGGESTION, COMPLAINT, REPORT, OTHER";
          }
          (*policy.mutable_reply_working_days())[type] = number;
          return "";
        }
        auto setter = numbers.find(key);
        if (setter == numbers.end()) return "unknown key";
        setter->second(policy, number);
        return "";
      }));
  if (policy.version().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     ": the policy needs a version line, e.g. "
                     "\"version = 2021-gd\""));
  }
  return policy;
}

void FillLaterLimits(v1::Policy& policy) {
  if (policy.suspension_max_days() == 0) {
    policy.set_suspension_max_days(DefaultPolicy().suspension_max_days());
  }
  if (policy.duplicate_window_days() == 0) {
    policy.set_duplicate_window_days(DefaultPolicy().duplicate_window_days());
  }
  if (policy.send_back_reply_working_days() == 0) {
    policy.set_send_back_reply_working_days(
        DefaultPolicy().send_back_reply_working_days());
  }
  if (policy.notice_answer_working_days() == 0) {
    policy.set_notice_answer_working_days(
        DefaultPolicy().notice_answer_working_days());
  }
  if (policy.assessment_weights().empty()) {
    const int32_t min_tickets = policy.assessment_min_tickets();
    SetDefaultAssessment(policy);
    if (min_tickets > 0) policy.set_assessment_min_tickets(min_tickets);
  }
  if (policy.assessment_min_tickets() == 0) {
    policy.set_assessment_min_tickets(DefaultPolicy().assessment_min_tickets());
  }
  if (policy.callback_max_attempts() == 0) {
    policy.set_callback_max_attempts(DefaultPolicy().callback_max_attempts());
  }
  if (policy.appeal_working_days() == 0) {
    policy.set_appeal_working_days(DefaultPolicy().appeal_working_days());
  }
  if (policy.notice_top_level() == 0) {
    policy.set_notice_top_level(DefaultPolicy().notice_top_level());
  }
  if (policy.assist_opinion_working_days() == 0) {
    policy.set_assist_opinion_working_days(
        DefaultPolicy().assist_opinion_working_days());
  }
}

bool SameLimits(const v1::Policy& a, const v1::Policy& b) {
  v1::Policy x = a;
  v1::Policy y = b;
  for (v1::Policy* p : {&x, &y}) {
    p->clear_effective_from();
    p->clear_time_zone();
    p->clear_calendar_covered_through();
  }
  // Maps serialize in no fixed order; compare them apart.
  auto same = [](const google::protobuf::Map<std::string, int32_t>& p,
                 const google::protobuf::Map<std::string, int32_t>& q) {
    if (p.size() != q.size()) return false;
    for (const auto& [key, value] : p) {
      auto it = q.find(key);
      if (it == q.end() || it->second != value) return false;
    }
    return true;
  };
  if (!same(x.reply_working_days(), y.reply_working_days()) ||
      !same(x.assessment_weights(), y.assessment_weights())) {
    return false;
  }
  x.clear_reply_working_days();
  y.clear_reply_working_days();
  x.clear_assessment_weights();
  y.clear_assessment_weights();
  return x.SerializeAsString() == y.SerializeAsString();
}

}  // namespace hotline
