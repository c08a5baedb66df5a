// Callbacks (回访) and appeals of a rating (申诉), end to end: the real
// server in rehearsal mode driven through the client library. The bureau
// records attempts until the policy's last one closes a ticket as
// unreachable; a dissatisfied rating with its reasons is appealed by the
// department and set aside by the bureau; the figures count both; an
// appeal out of time, by the wrong caller or of the wrong rating changes
// nothing.
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::CallbackAttempt;
using v1::Event;
using v1::RatingAppeal;
using v1::Ticket;

class CallbackTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("transport");
    housing_ = Connect(CreateToken("department/housing"));
    transport_ = Connect(CreateToken("department/transport"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  // A ticket of housing's, signed for and replied.
  std::string Replied() {
    const std::string t = CreateTicket("housing").name();
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(t);
    EXPECT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    v1::ReplyTicketRequest reply;
    reply.set_name(t);
    reply.set_reply_text("已处理");
    reply.set_outcome(Ticket::RESOLVED);
    EXPECT_TRUE(housing_->ReplyTicket(reply).ok());
    return t;
  }
  absl::StatusOr<Ticket> Call(const std::string& t,
                              CallbackAttempt::Result result,
                              Client* client = nullptr) {
    v1::RecordCallbackRequest call;
    call.set_name(t);
    call.set_channel(CallbackAttempt::PHONE);
    call.set_result(result);
    call.set_note("拨打未接");
    return (client ? *client : bureau()).RecordCallback(call);
  }
  absl::StatusOr<Ticket> Close(const std::string& t,
                               Ticket::Satisfaction satisfaction,
                               std::vector<v1::DissatisfactionReason> why) {
    v1::CloseTicketRequest close;
    close.set_name(t);
    close.set_satisfaction(satisfaction);
    for (auto reason : why) close.add_dissatisfaction_reasons(reason);
    return bureau().CloseTicket(close);
  }
  absl::StatusOr<Ticket> Appeal(Client& client, const std::string& t) {
    v1::AppealRatingRequest appeal;
    appeal.set_name(t);
    appeal.set_grounds("诉求超出政策规定, 已如实解释");
    return client.AppealRating(appeal);
  }
  v1::Figures March(const std::string& department = "") {
    return FiguresOf("2021-03-01", "2021-04-01", absl::InfiniteFuture(),
                     department);
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> transport_;
};

TEST_F(CallbackTest, ThreeMissedCallsCloseAsUnreachable) {
  const std::string t = Replied();
  const size_t events = History(t).size();
  // Bad attempts change nothing.
  v1::RecordCallbackRequest bad;
  bad.set_name(t);
  bad.set_result(CallbackAttempt::REACHED);
  absl::StatusOr<Ticket> no_channel = bureau().RecordCallback(bad);
  EXPECT_EQ(no_channel.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(no_channel.status())[0].field(), "channel");
  EXPECT_EQ(
      ReasonOf(Call(t, CallbackAttempt::UNREACHABLE, housing_.get()).status()),
      v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(History(t).size(), events);

  ASSERT_EQ(Call(t, CallbackAttempt::UNREACHABLE)->state(), Ticket::REPLIED);
  ASSERT_EQ(Call(t, CallbackAttempt::REFUSED)->state(), Ticket::REPLIED);
  absl::StatusOr<Ticket> third = Call(t, CallbackAttempt::UNREACHABLE);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->state(), Ticket::CLOSED);
  EXPECT_TRUE(third->closed_unreachable());
  EXPECT_EQ(third->callback_attempts_size(), 3);
  const std::vector<Event> history = History(t);
  ASSERT_EQ(history.size(), events + 3);
  EXPECT_EQ(history[events].type(), Event::CALLBACK_ATTEMPT);
  EXPECT_EQ(history.back().type(), Event::CLOSED);
  // Housing sees how its ticket was closed.
  v1::GetTicketRequest get;
  get.set_name(t);
  EXPECT_TRUE(housing_->GetTicket(get)->closed_unreachable());

  const v1::Figures housing = March("departments/housing");
  EXPECT_EQ(housing.callbacks_unreachable(), 1);
  EXPECT_EQ(housing.satisfied() + housing.basically_satisfied() +
                housing.dissatisfied(),
            0);
  EXPECT_FALSE(housing.has_satisfaction_rate_permille());
}

TEST_F(CallbackTest, ADissatisfiedRatingAppealedAndSetAside) {
  const std::string t = Replied();
  // Reasons go with a dissatisfied rating only.
  absl::StatusOr<Ticket> wrong =
      Close(t, Ticket::SATISFIED, {v1::PROBLEM_UNSOLVED});
  EXPECT_EQ(FieldViolationsOf(wrong.status())[0].field(),
            "dissatisfaction_reasons");
  ASSERT_TRUE(Call(t, CallbackAttempt::REACHED).ok());
  absl::StatusOr<Ticket> closed =
      Close(t, Ticket::DISSATISFIED, {v1::PROBLEM_UNSOLVED, v1::TOO_SLOW});
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->dissatisfaction_reasons_size(), 2);
  const std::string satisfied = Replied();
  ASSERT_TRUE(Close(satisfied, Ticket::SATISFIED, {}).ok());
  EXPECT_EQ(March("departments/housing").satisfaction_rate_permille(), 500);

  // Only housing appeals, only a dissatisfied rating, once.
  const size_t events = History(t).size();
  EXPECT_EQ(ReasonOf(Appeal(*transport_, t).status()), v1::NOT_YOURS);
  EXPECT_EQ(ReasonOf(Appeal(bureau(), t).status()), v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(ReasonOf(Appeal(*housing_, satisfied).status()),
            v1::NOT_DISSATISFIED);
  EXPECT_EQ(History(t).size(), events);
  absl::StatusOr<Ticket> appealed = Appeal(*housing_, t);
  ASSERT_TRUE(appealed.ok()) << appealed.status();
  EXPECT_EQ(appealed->rating_appeal().state(), RatingAppeal::PENDING);
  EXPECT_EQ(ReasonOf(Appeal(*housing_, t).status()), v1::APPEAL_EXISTS);

  v1::DecideAppealRequest decide;
  decide.set_name(t);
  decide.set_uphold(true);
  decide.set_note("不合理差评");
  EXPECT_EQ(ReasonOf(housing_->DecideAppeal(decide).status()),
            v1::ROLE_NOT_ALLOWED);
  absl::StatusOr<Ticket> upheld = bureau().DecideAppeal(decide);
  ASSERT_TRUE(upheld.ok()) << upheld.status();
  EXPECT_EQ(upheld->rating_appeal().state(), RatingAppeal::UPHELD);
  EXPECT_EQ(History(t).back().type(), Event::APPEAL_UPHELD);
  EXPECT_EQ(ReasonOf(bureau().DecideAppeal(decide).status()),
            v1::APPEAL_NOT_PENDING);

  const v1::Figures housing = March("departments/housing");
  EXPECT_EQ(housing.dissatisfied(), 1);
  EXPECT_EQ(housing.appeals(), 1);
  EXPECT_EQ(housing.appeals_upheld(), 1);
  EXPECT_EQ(housing.satisfaction_rate_permille(), 1000);
}

TEST_F(CallbackTest, AnAppealAfterItsWindowIsRefused) {
  const std::string t = Replied();
  ASSERT_TRUE(Close(t, Ticket::DISSATISFIED, {}).ok());  // Monday 09:00
  // Three working days: by Thursday 24:00.
  AdvanceTo(Beijing(2021, 3, 5, 0, 0) + absl::Seconds(1));
  absl::StatusOr<Ticket> late = Appeal(*housing_, t);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(late.status()), v1::APPEAL_TOO_LATE);
  EXPECT_EQ(March("departments/housing").appeals(), 0);
}

}  // namespace
}  // namespace hotline
