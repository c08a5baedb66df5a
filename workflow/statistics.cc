#include "workflow/statistics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "workflow/validation.h"

namespace hotline {

absl::StatusOr<StatPeriod> ParseStatPeriod(const std::string& from_date,
                                           const std::string& to_date) {
  ASSIGN_OR_RETURN(absl::CivilDay from, ParseDay(from_date, "from_date"));
  ASSIGN_OR_RETURN(absl::CivilDay to, ParseDay(to_date, "to_date"));
  if (to <= from) {
    return InvalidFieldError(
        "to_date",
        absl::StrCat(
            "to_date ", to_date, " must be after from_date ", from_date,
            " (the period is [from_date, to_date): to_date is not counted)"));
  }
  if (to - from > kMaxStatisticsDays) {
    return InvalidFieldError(
        "to_date",
        absl::StrCat("the period has ", to - from, " days; at most ",
                     kMaxStatisticsDays, " may be asked for at once"));
  }
  return StatPeriod{from, to};
}

absl::Time CountedBefore(absl::Time asked, absl::Time now) {
  return asked <= now ? asked : now + absl::Microseconds(1);
}

std::optional<int32_t> FlooredPermille(int64_t part, int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<int32_t>(part * 1000 / whole);
}

v1::Figures MakeFigures(const StatVector& s, int days) {
  v1::Figures f;
  f.set_received(s[kReceived]);
  f.set_forwarded(s[kForwarded]);
  f.set_replied(s[kReplied]);
  f.set_replied_on_time(s[kRepliedOnTime]);
  f.set_pending_overdue(s[kPendingOverdue]);
  f.set_pending_not_overdue(s[kReceived] - s[kReplied] - s[kPendingOverdue] -
                            s[kSuspended] - s[kClosedByFinalAnswer] -
                            s[kMergedOpen]);
  f.set_merged(s[kMerged]);
  f.set_closed_by_final_answer(s[kClosedByFinalAnswer]);
  f.set_suspended(s[kSuspended]);
  f.set_refused_returns(s[kRefusedReturns]);
  f.set_yellow_cards(s[kYellowCards]);
  f.set_red_cards(s[kRedCards]);
  if (days > 0) {
    f.set_daily_average(static_cast<double>(s[kReceived] * 10 / days) / 10.0);
  }
  if (std::optional<int32_t> rate = FlooredPermille(
          s[kRepliedOnTime], s[kReplied] + s[kPendingOverdue])) {
    f.set_on_time_rate_permille(*rate);
  }
  f.set_returns(s[kReturns]);
  f.set_reopens(s[kReopens]);
  f.set_satisfied(s[kSatisfied]);
  f.set_basically_satisfied(s[kBasicallySatisfied]);
  f.set_dissatisfied(s[kDissatisfied]);
  f.set_reports_owed(s[kReportsOwed]);
  f.set_reports_given(s[kReportsGiven]);
  f.set_reports_missed(s[kReportsMissed]);
  if (std::optional<int32_t> rate =
          FlooredPermille(s[kReportsGiven], s[kReportsOwed])) {
    f.set_report_compliance_permille(*rate);
  }
  f.set_assists(s[kAssists]);
  f.set_assist_opinions(s[kAssistOpinions]);
  f.set_assist_opinions_on_time(s[kAssistOpinionsOnTime]);
  f.set_assist_overdue(s[kAssistOverdue]);
  f.set_assists_returned(s[kAssistsReturned]);
  if (std::optional<int32_t> rate = FlooredPermille(
          s[kAssistOpinionsOnTime], s[kAssistOpinions] + s[kAssistOverdue])) {
    f.set_assist_on_time_rate_permille(*rate);
  }
  f.set_assist_yellow_cards(s[kAssistYellowCards]);
  f.set_assist_red_cards(s[kAssistRedCards]);
  f.set_replies_sent_back(s[kRepliesSentBack]);
  f.set_sent_back_nonstandard(s[kSentBackNonstandard]);
  f.set_sent_back_unresolved(s[kSentBackUnresolved]);
  f.set_sent_back_not_contacted(s[kSentBackNotContacted]);
  f.set_sent_back_no_evidence(s[kSentBackNoEvidence]);
  f.set_sent_back_other(s[kSentBackOther]);
  f.set_notices(s[kNotices]);
  f.set_notices_answered_on_time(s[kNoticesAnsweredOnTime]);
  f.set_notices_overdue(s[kNoticesOverdue]);
  f.set_notices_escalated(s[kNoticesEscalated]);
  f.set_callbacks_unreachable(s[kCallbacksUnreachable]);
  f.set_appeals(s[kAppeals]);
  f.set_appeals_upheld(s[kAppealsUpheld]);
  const int64_t content = s[kSatisfied] + s[kBasicallySatisfied];
  if (std::optional<int32_t> rate = FlooredPermille(
          content, content + s[kDissatisfied] - s[kAppealsUpheld])) {
    f.set_satisfaction_rate_permille(*rate);
  }
  return f;
}

std::vector<v1::Statistics::TopicCount> TopTopics(
    const std::map<std::string, StatVector>& by_topic, size_t limit) {
  std::vector<v1::Statistics::TopicCount> topics;
  for (const auto& [topic, counts] : by_topic) {
    if (counts[kReceived] <= 0) continue;
    topics.emplace_back();
    topics.back().set_topic(topic);
    topics.back().set_received(counts[kReceived]);
  }
  std::sort(topics.begin(), topics.end(), [](const auto& x, const auto& y) {
    return x.received() != y.received() ? x.received() > y.received()
                                        : x.topic() < y.topic();
  });
  if (topics.size() > limit) topics.resize(limit);
  return topics;
}

}  // namespace hotline
