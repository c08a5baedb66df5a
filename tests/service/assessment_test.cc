// The department scorecard (考核) end to end: a scripted March on the real
// server in rehearsal mode, under a policy whose weights make the hand
// computation short (on-time reply 50, satisfaction 30, returns 20; ranked
// from 3 tickets). GetAssessment must give exactly the scores and ranks
// worked out below; a department gets its own row; intake none.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Ticket;

class AssessmentTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.policy = DefaultPolicy();
    options_.policy.set_version("scorecard-1");
    auto& weights = *options_.policy.mutable_assessment_weights();
    for (auto& [name, weight] : weights) weight = 0;
    weights["on_time_reply"] = 50;
    weights["satisfaction"] = 30;
    weights["returns"] = 20;
    options_.policy.set_assessment_min_tickets(3);
    ServerTest::SetUp();
    for (const char* id : {"housing", "transport", "market"}) {
      CreateDepartment(id);
      clients_[id] = Connect(CreateToken(std::string("department/") + id));
    }
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  // `count` tickets of `department`, signed for.
  std::vector<std::string> Signed(const std::string& department, int count) {
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
      const std::string t = CreateTicket(department).name();
      v1::AcknowledgeTicketRequest ack;
      ack.set_name(t);
      EXPECT_TRUE(clients_[department]->AcknowledgeTicket(ack).ok());
      names.push_back(t);
    }
    return names;
  }
  void ReplyAndClose(const std::string& department, const std::string& t,
                     Ticket::Satisfaction satisfaction) {
    v1::ReplyTicketRequest reply;
    reply.set_name(t);
    reply.set_reply_text("已处理");
    reply.set_outcome(Ticket::RESOLVED);
    ASSERT_TRUE(clients_[department]->ReplyTicket(reply).ok());
    v1::CloseTicketRequest close;
    close.set_name(t);
    close.set_satisfaction(satisfaction);
    ASSERT_TRUE(bureau().CloseTicket(close).ok());
  }
  absl::StatusOr<v1::Assessment> March(Client& client) {
    v1::GetAssessmentRequest request;
    request.set_from_date("2021-03-01");
    request.set_to_date("2021-04-01");
    return client.GetAssessment(request);
  }

  std::map<std::string, std::unique_ptr<Client>> clients_;
};

int32_t RateOf(const v1::Assessment::Row& row, const std::string& name) {
  for (const auto& rate : row.rates()) {
    if (rate.name() == name) return rate.has_permille() ? rate.permille() : -1;
  }
  return -2;
}

TEST_F(AssessmentTest, AScriptedMonthMatchesTheHandComputation) {
  // Housing: 5 tickets, 4 replied on 03-05 (3 satisfied, 1 dissatisfied,
  // appealed and set aside), 1 never replied (overdue from 03-23).
  // Transport: 5, all replied on 03-05 (4 satisfied, 1 basically).
  // Market: 2, replied and satisfied: below the 3 tickets to be ranked.
  const std::vector<std::string> housing = Signed("housing", 5);
  const std::vector<std::string> transport = Signed("transport", 5);
  const std::vector<std::string> market = Signed("market", 2);
  AdvanceTo(Beijing(2021, 3, 5, 10));
  for (int i = 0; i < 4; ++i) {
    ReplyAndClose("housing", housing[i],
                  i == 3 ? Ticket::DISSATISFIED : Ticket::SATISFIED);
  }
  for (int i = 0; i < 5; ++i) {
    ReplyAndClose("transport", transport[i],
                  i == 4 ? Ticket::BASICALLY_SATISFIED : Ticket::SATISFIED);
  }
  for (const std::string& t : market) {
    ReplyAndClose("market", t, Ticket::SATISFIED);
  }
  v1::AppealRatingRequest appeal;
  appeal.set_name(housing[3]);
  appeal.set_grounds("诉求超出政策规定");
  ASSERT_TRUE(clients_["housing"]->AppealRating(appeal).ok());
  v1::DecideAppealRequest decide;
  decide.set_name(housing[3]);
  decide.set_uphold(true);
  ASSERT_TRUE(bureau().DecideAppeal(decide).ok());
  AdvanceTo(Beijing(2021, 4, 1, 9));

  absl::StatusOr<v1::Assessment> scored = March(bureau());
  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ(scored->policy_version(), "scorecard-1");
  EXPECT_EQ(scored->previous_from_date(), "2021-01-29");
  EXPECT_EQ(scored->min_tickets(), 3);
  ASSERT_EQ(scored->rows_size(), 3);
  // Transport: on time 5/5 = 100.0%, satisfaction 5/5, returns (5-0)/5:
  // (50×1000 + 30×1000 + 20×1000) / 100 = 1000.
  const v1::Assessment::Row& first = scored->rows(0);
  EXPECT_EQ(first.department(), "departments/transport");
  EXPECT_EQ(first.score_permille(), 1000);
  EXPECT_EQ(first.rank(), 1);
  // Housing: on time 4 / (4 replied + 1 overdue) = 800; satisfaction
  // 3 / (3 + 1 - 1 set aside) = 1000; returns 5/5 = 1000:
  // (50×800 + 30×1000 + 20×1000) / 100 = 900.
  const v1::Assessment::Row& second = scored->rows(1);
  EXPECT_EQ(second.department(), "departments/housing");
  EXPECT_EQ(second.tickets(), 5);
  EXPECT_EQ(RateOf(second, "on_time_reply"), 800);
  EXPECT_EQ(RateOf(second, "satisfaction"), 1000);
  EXPECT_EQ(RateOf(second, "returns"), 1000);
  EXPECT_EQ(second.score_permille(), 900);
  EXPECT_EQ(second.rank(), 2);
  EXPECT_TRUE(second.ranked());
  // Nothing in the month before.
  EXPECT_FALSE(second.has_previous_score_permille());
  EXPECT_EQ(second.previous_rank(), 0);
  // Market: 2 tickets, a perfect score, not ranked.
  const v1::Assessment::Row& last = scored->rows(2);
  EXPECT_EQ(last.department(), "departments/market");
  EXPECT_FALSE(last.ranked());
  EXPECT_EQ(last.score_permille(), 1000);

  // The same calls give the same scores.
  absl::StatusOr<v1::Assessment> again = March(bureau());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), scored->SerializeAsString());

  // April against March: housing's overdue ticket was received in March,
  // so April has no rows, and March is April's previous period.
  v1::GetAssessmentRequest april;
  april.set_from_date("2021-04-01");
  april.set_to_date("2021-05-01");
  absl::StatusOr<v1::Assessment> next = bureau().GetAssessment(april);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->previous_from_date(), "2021-03-02");

  // Housing gets its own row, ranked among all; intake gets none.
  absl::StatusOr<v1::Assessment> own = March(*clients_["housing"]);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->rows_size(), 1);
  EXPECT_EQ(own->rows(0).rank(), 2);
  v1::GetAssessmentRequest others;
  others.set_from_date("2021-03-01");
  others.set_to_date("2021-04-01");
  others.set_department("departments/transport");
  EXPECT_EQ(ReasonOf(clients_["housing"]->GetAssessment(others).status()),
            v1::NOT_YOURS);
  std::unique_ptr<Client> intake = Connect(CreateToken("intake/platform"));
  EXPECT_EQ(ReasonOf(March(*intake).status()), v1::ROLE_NOT_ALLOWED);
  v1::GetAssessmentRequest backwards;
  backwards.set_from_date("2021-04-01");
  backwards.set_to_date("2021-03-01");
  EXPECT_EQ(bureau().GetAssessment(backwards).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hotline
