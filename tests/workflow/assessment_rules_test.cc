// The department scorecard (考核) as a pure function: a month's figures of
// four departments scored and ranked by hand under the default weights
// (docs/workflow.md, "Assessment", works the same example), ties sharing a
// rank, a department below the minimum shown but not ranked, and the
// policy file's assessment keys.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "workflow/assessment.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

// Department A's March: 10 forwarded; 8 replied, 6 of them on time, 2
// overdue; 1 return, 1 reopen; 5 satisfied, 1 basically, 2 dissatisfied of
// which 1 set aside on appeal; 2 yellow cards; 15 of 20 daily reports.
v1::Figures FiguresOfA() {
  v1::Figures f;
  f.set_forwarded(10);
  f.set_replied(8);
  f.set_replied_on_time(6);
  f.set_pending_overdue(2);
  f.set_returns(1);
  f.set_reopens(1);
  f.set_satisfied(5);
  f.set_basically_satisfied(1);
  f.set_dissatisfied(2);
  f.set_appeals(1);
  f.set_appeals_upheld(1);
  f.set_yellow_cards(2);
  f.set_reports_owed(20);
  f.set_reports_given(15);
  return f;
}

// Everything on time, nothing to fault: 6 forwarded (C), or 3 (B).
v1::Figures Perfect(int tickets) {
  v1::Figures f;
  f.set_forwarded(tickets);
  f.set_replied(tickets);
  f.set_replied_on_time(tickets);
  return f;
}

int32_t RateOf(const v1::Assessment::Row& row, const std::string& name) {
  for (const auto& rate : row.rates()) {
    if (rate.name() == name) return rate.has_permille() ? rate.permille() : -1;
  }
  return -2;
}

TEST(AssessmentRules, AMonthScoredByHand) {
  const v1::Policy policy = DefaultPolicy();
  const v1::Assessment::Row a =
      AssessRow("departments/a", "A局", FiguresOfA(), policy);
  EXPECT_EQ(a.tickets(), 10);
  EXPECT_EQ(RateOf(a, "on_time_reply"), 600);     // 6 / (8 + 2)
  EXPECT_EQ(RateOf(a, "returns"), 900);           // (10 - 1) / 10
  EXPECT_EQ(RateOf(a, "refused_returns"), 1000);  // weight 0: not scored
  EXPECT_EQ(RateOf(a, "reopens"), 875);           // (8 - 1) / 8
  EXPECT_EQ(RateOf(a, "sent_back"), 1000);        // (8 - 0) / 8
  EXPECT_EQ(RateOf(a, "satisfaction"), 857);      // 6 / (6 + 2 - 1)
  EXPECT_EQ(RateOf(a, "cards"), 800);             // (10 - 2) / 10
  EXPECT_EQ(RateOf(a, "notices"), -1);            // none: leaves the score
  EXPECT_EQ(RateOf(a, "daily_reports"), 750);     // 15 / 20
  // (40×600 + 10×900 + 0×1000 + 10×875 + 5×1000 + 20×857 + 5×800 + 5×750)
  // / (40 + 10 + 0 + 10 + 5 + 20 + 5 + 5) = 71640 / 95 = 754.1 -> 75.4
  ASSERT_TRUE(a.has_score_permille());
  EXPECT_EQ(a.score_permille(), 754);

  std::vector<v1::Assessment::Row> rows = {
      AssessRow("departments/d", "D局", FiguresOfA(), policy), a,
      AssessRow("departments/b", "B局", Perfect(3), policy),
      AssessRow("departments/c", "C局", Perfect(6), policy)};
  RankRows(rows, policy);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].department(), "departments/c");
  EXPECT_EQ(rows[0].score_permille(), 1000);
  EXPECT_EQ(rows[0].rank(), 1);
  // A and D tie: both second, by name.
  EXPECT_EQ(rows[1].department(), "departments/a");
  EXPECT_EQ(rows[1].rank(), 2);
  EXPECT_EQ(rows[2].department(), "departments/d");
  EXPECT_EQ(rows[2].rank(), 2);
  // B: a perfect score on 3 tickets, fewer than the 5 to be ranked.
  EXPECT_EQ(rows[3].department(), "departments/b");
  EXPECT_FALSE(rows[3].ranked());
  EXPECT_EQ(rows[3].rank(), 0);
  EXPECT_EQ(rows[3].score_permille(), 1000);
}

TEST(AssessmentRules, NoRateToJudgeGivesNoScore) {
  const v1::Assessment::Row idle =
      AssessRow("departments/e", "", v1::Figures(), DefaultPolicy());
  EXPECT_FALSE(idle.has_score_permille());
  std::vector<v1::Assessment::Row> rows = {idle};
  RankRows(rows, DefaultPolicy());
  EXPECT_FALSE(rows[0].ranked());
}

TEST(AssessmentPolicy, WeightsAreCheckedAndDefaulted) {
  absl::StatusOr<v1::Policy> own = ParsePolicy(
      "version = t\nassessment.on_time_reply = 60\nassessment.cards = 0\n"
      "assessment.min_tickets = 10\n",
      "test");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->assessment_weights().at("on_time_reply"), 60);
  EXPECT_EQ(own->assessment_weights().at("cards"), 0);
  EXPECT_EQ(own->assessment_weights().at("satisfaction"), 20);  // default
  EXPECT_EQ(own->assessment_min_tickets(), 10);
  for (const char* bad :
       {"assessment.on_time_reply = -5", "assessment.on_time_reply = 101",
        "assessment.speed = 10", "assessment.min_tickets = 0"}) {
    absl::StatusOr<v1::Policy> refused =
        ParsePolicy(absl::StrCat("version = t\n", bad, "\n"), "test");
    EXPECT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("assessment."), std::string::npos)
        << refused.status();
  }
  // A policy recorded before the scorecard existed gets its defaults.
  v1::Policy old = DefaultPolicy();
  old.clear_assessment_weights();
  old.clear_assessment_min_tickets();
  FillLaterLimits(old);
  EXPECT_EQ(old.assessment_weights().at("on_time_reply"), 40);
  EXPECT_EQ(old.assessment_min_tickets(), 5);
}

}  // namespace
}  // namespace hotline
