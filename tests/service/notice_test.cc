// Urging notices (催办通知, 督办), end to end: the real server in rehearsal
// mode driven through the client library. The bureau urges housing, which
// signs for and answers; an unanswered notice escalates through the
// sweeper; the notices are listed by whom they are addressed to; the
// figures count them; a policy that urges with the yellow card does so.
// Refusals change nothing.
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
using v1::Event;
using v1::Notice;
using v1::Ticket;

class NoticeTest : public ServerTest {
 protected:
  void SetUp() override {
    if (urge_at_yellow_card_) {
      options_.policy = DefaultPolicy();
      options_.policy.set_version("urging");
      options_.policy.set_urge_at_yellow_card(true);
    }
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("transport");
    housing_ = Connect(CreateToken("department/housing"));
    transport_ = Connect(CreateToken("department/transport"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  // A ticket of housing's, signed for.
  std::string InProgress() {
    const std::string t = CreateTicket("housing").name();
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(t);
    EXPECT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    return t;
  }
  absl::StatusOr<Ticket> Urge(const std::string& t,
                              Notice::Level level = Notice::URGING) {
    v1::IssueNoticeRequest urge;
    urge.set_name(t);
    urge.set_level(level);
    urge.set_reason("群众反映强烈, 请加快办理");
    urge.set_copy_to("分管副局长");
    return bureau().IssueNotice(urge);
  }
  std::vector<Notice> Notices(Client& client, v1::ListNoticesRequest request) {
    absl::StatusOr<v1::ListNoticesResponse> listed =
        client.ListNotices(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return {};
    return {listed->notices().begin(), listed->notices().end()};
  }
  v1::Figures March(const std::string& department = "") {
    return FiguresOf("2021-03-01", "2021-04-01", absl::InfiniteFuture(),
                     department);
  }

  bool urge_at_yellow_card_ = false;
  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> transport_;
};

class PolicyUrgingTest : public NoticeTest {
 protected:
  PolicyUrgingTest() { urge_at_yellow_card_ = true; }
};

TEST_F(NoticeTest, BadRequestsAreRefusedAndChangeNothing) {
  const std::string t = InProgress();
  const size_t events = History(t).size();
  v1::IssueNoticeRequest urge;
  urge.set_name(t);
  absl::StatusOr<Ticket> no_reason = bureau().IssueNotice(urge);
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(no_reason.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(no_reason.status())[0].field(), "reason");
  urge.set_reason("请加快办理");
  urge.set_level(static_cast<Notice::Level>(9));
  EXPECT_EQ(FieldViolationsOf(bureau().IssueNotice(urge).status())[0].field(),
            "level");
  urge.set_level(Notice::URGING);
  urge.set_copy_to(std::string(201, 'x'));
  EXPECT_EQ(FieldViolationsOf(bureau().IssueNotice(urge).status())[0].field(),
            "copy_to");
  urge.clear_copy_to();
  // Only the bureau urges; only the holder answers.
  EXPECT_EQ(ReasonOf(housing_->IssueNotice(urge).status()),
            v1::ROLE_NOT_ALLOWED);
  ASSERT_TRUE(bureau().IssueNotice(urge).ok());
  const size_t urged = History(t).size();
  EXPECT_EQ(urged, events + 1);
  v1::AcknowledgeNoticeRequest ack;
  ack.set_name(t + "/notices/1");
  EXPECT_EQ(ReasonOf(transport_->AcknowledgeNotice(ack).status()),
            v1::NOT_YOURS);
  EXPECT_EQ(ReasonOf(bureau().AcknowledgeNotice(ack).status()),
            v1::ROLE_NOT_ALLOWED);
  ack.set_name(t + "/notices/2");
  EXPECT_EQ(housing_->AcknowledgeNotice(ack).status().code(),
            absl::StatusCode::kNotFound);
  ack.set_name(t + "/notice/1");
  EXPECT_EQ(
      FieldViolationsOf(housing_->AcknowledgeNotice(ack).status())[0].field(),
      "name");
  v1::AnswerNoticeRequest answer;
  answer.set_name(t + "/notices/1");
  EXPECT_EQ(
      FieldViolationsOf(housing_->AnswerNotice(answer).status())[0].field(),
      "answer");
  answer.set_answer("已处理");
  EXPECT_EQ(ReasonOf(housing_->AnswerNotice(answer).status()),
            v1::NOTICE_STATE);
  // The same level again while it is open.
  EXPECT_EQ(ReasonOf(bureau().IssueNotice(urge).status()), v1::NOTICE_OPEN);
  EXPECT_EQ(History(t).size(), urged);
  // Intake sees no notices.
  std::unique_ptr<Client> intake = Connect(CreateToken("intake/platform"));
  EXPECT_EQ(ReasonOf(intake->ListNotices({}).status()), v1::ROLE_NOT_ALLOWED);
  v1::ListNoticesRequest others;
  others.set_department("departments/housing");
  EXPECT_EQ(ReasonOf(transport_->ListNotices(others).status()), v1::NOT_YOURS);
}

TEST_F(NoticeTest, UrgedSignedForAnsweredListedAndCounted) {
  const std::string t = InProgress();
  v1::IssueNoticeRequest urge;
  urge.set_name(t);
  urge.set_reason("群众反映强烈, 请加快办理");
  urge.set_copy_to("分管副局长");
  urge.set_request_id("urge-1");
  absl::StatusOr<Ticket> urged = bureau().IssueNotice(urge);
  ASSERT_TRUE(urged.ok()) << urged.status();
  ASSERT_EQ(urged->notices_size(), 1);
  const Notice& notice = urged->notices(0);
  EXPECT_EQ(notice.name(), t + "/notices/1");
  EXPECT_EQ(notice.level(), Notice::URGING);
  EXPECT_EQ(notice.department(), "departments/housing");
  // Monday 09:00 + one working day: by the end of Tuesday.
  EXPECT_EQ(FromProtoTime(notice.answer_due_at()), Beijing(2021, 3, 3));
  // A retry of the same request issues nothing new.
  absl::StatusOr<Ticket> retried = bureau().IssueNotice(urge);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->notices_size(), 1);

  // Listed for housing (its default), not for transport.
  std::vector<Notice> own = Notices(*housing_, {});
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].name(), t + "/notices/1");
  EXPECT_EQ(own[0].copy_to(), "分管副局长");
  EXPECT_TRUE(Notices(*transport_, {}).empty());

  v1::AcknowledgeNoticeRequest ack;
  ack.set_name(t + "/notices/1");
  ASSERT_TRUE(housing_->AcknowledgeNotice(ack).ok());
  AdvanceTo(Beijing(2021, 3, 2, 15));
  v1::AnswerNoticeRequest answer;
  answer.set_name(t + "/notices/1");
  answer.set_answer("已安排人员现场处理, 3月5日前答复");
  absl::StatusOr<Ticket> answered = housing_->AnswerNotice(answer);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->notices(0).state(), Notice::ANSWERED);
  EXPECT_EQ(answered->notices(0).answered_by(), "department/housing");

  // Housing's history of the ticket shows each step.
  v1::ListTicketEventsRequest events;
  events.set_parent(t);
  absl::StatusOr<v1::ListTicketEventsResponse> seen =
      housing_->ListTicketEvents(events);
  ASSERT_TRUE(seen.ok()) << seen.status();
  std::vector<Event::Type> types;
  for (const Event& e : seen->events()) {
    if (!e.notice().empty()) types.push_back(e.type());
  }
  EXPECT_EQ(types, (std::vector<Event::Type>{Event::NOTICE_ISSUED,
                                             Event::NOTICE_ACKNOWLEDGED,
                                             Event::NOTICE_ANSWERED}));

  AdvanceTo(Beijing(2021, 3, 4, 9));  // past the deadline: nothing escalates
  const v1::Figures housing = March("departments/housing");
  EXPECT_EQ(housing.notices(), 1);
  EXPECT_EQ(housing.notices_answered_on_time(), 1);
  EXPECT_EQ(housing.notices_overdue(), 0);
  EXPECT_EQ(housing.notices_escalated(), 0);
  EXPECT_EQ(March().notices(), 1);
}

TEST_F(NoticeTest, AnUnansweredNoticeEscalatesAndLapsesWithTheReply) {
  const std::string t = InProgress();
  ASSERT_TRUE(Urge(t).ok());
  const std::string other = InProgress();
  ASSERT_TRUE(Urge(other).ok());
  // Past the deadline (Wednesday 00:00): 督办 follows at that instant.
  AdvanceTo(Beijing(2021, 3, 3, 8));
  v1::GetTicketRequest get;
  get.set_name(t);
  absl::StatusOr<Ticket> escalated = housing_->GetTicket(get);
  ASSERT_TRUE(escalated.ok()) << escalated.status();
  ASSERT_EQ(escalated->notices_size(), 2);
  EXPECT_EQ(escalated->notices(0).state(), Notice::ESCALATED);
  EXPECT_TRUE(escalated->notices(0).overdue());
  const Notice& supervision = escalated->notices(1);
  EXPECT_EQ(supervision.level(), Notice::SUPERVISION);
  EXPECT_EQ(supervision.escalated_from(), 1);
  EXPECT_EQ(FromProtoTime(supervision.issue_time()), Beijing(2021, 3, 3));
  EXPECT_EQ(supervision.issued_by(), "sweeper");
  // The notice steps in the history (among the daily reports missed).
  std::vector<Event> steps;
  for (const Event& e : History(t)) {
    if (!e.notice().empty()) steps.push_back(e);
  }
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].type(), Event::NOTICE_ISSUED);
  EXPECT_EQ(steps[0].actor(), "bureau");
  EXPECT_EQ(steps[1].type(), Event::NOTICE_OVERDUE);
  EXPECT_EQ(steps[2].type(), Event::NOTICE_ISSUED);
  EXPECT_EQ(steps[2].actor(), "sweeper");
  EXPECT_EQ(steps[2].notice(), t + "/notices/2");
  EXPECT_EQ(steps[2].notice_level(), Notice::SUPERVISION);
  EXPECT_EQ(FromProtoTime(steps[2].time()), Beijing(2021, 3, 3));

  // The bureau lists what went unanswered, by state and by deadline, a
  // page at a time.
  v1::ListNoticesRequest overdue;
  overdue.add_states(Notice::ESCALATED);
  overdue.add_states(Notice::UNANSWERED);
  *overdue.mutable_due_from() = ToProtoTime(Beijing(2021, 3, 1));
  *overdue.mutable_due_to() = ToProtoTime(Beijing(2021, 3, 4));
  overdue.set_page_size(1);
  absl::StatusOr<v1::ListNoticesResponse> first = bureau().ListNotices(overdue);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->notices_size(), 1);
  EXPECT_EQ(first->notices(0).name(), t + "/notices/1");
  ASSERT_FALSE(first->next_page_token().empty());
  overdue.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListNoticesResponse> second =
      bureau().ListNotices(overdue);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->notices_size(), 1);
  EXPECT_EQ(second->notices(0).name(), other + "/notices/1");
  EXPECT_TRUE(second->next_page_token().empty());
  overdue.set_level(Notice::SUPERVISION);
  EXPECT_EQ(ReasonOf(bureau().ListNotices(overdue).status()),
            v1::INVALID_FIELD);  // a token made for another filter

  // Housing replies: the open 督办 lapses; nothing escalates any more.
  v1::ReplyTicketRequest reply;
  reply.set_name(t);
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  absl::StatusOr<Ticket> replied = housing_->ReplyTicket(reply);
  ASSERT_TRUE(replied.ok()) << replied.status();
  EXPECT_EQ(replied->notices(1).state(), Notice::LAPSED);
  AdvanceTo(Beijing(2021, 3, 10, 9));
  get.set_name(t);
  EXPECT_EQ(bureau().GetTicket(get)->notices_size(), 2);

  const v1::Figures housing = March("departments/housing");
  // Two tickets: t (urged, escalated, 督办 lapsed) and other (escalated
  // up the whole ladder by 03-10).
  EXPECT_EQ(housing.notices(), 2 + 4);
  EXPECT_EQ(housing.notices_overdue(), 1 + 4);
  EXPECT_EQ(housing.notices_escalated(), 1 + 3);
  EXPECT_EQ(housing.notices_answered_on_time(), 0);
}

TEST_F(PolicyUrgingTest, ThePolicyUrgesWithTheYellowCard) {
  const std::string t = InProgress();
  v1::GetTicketRequest get;
  get.set_name(t);
  const absl::Time deadline =
      FromProtoTime(bureau().GetTicket(get)->reply_due_at());
  AdvanceTo(deadline + absl::Hours(1));
  absl::StatusOr<Ticket> overdue = housing_->GetTicket(get);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_EQ(overdue->yellow_cards(), 1);
  ASSERT_EQ(overdue->notices_size(), 1);
  EXPECT_EQ(overdue->notices(0).trigger(), Notice::AT_YELLOW_CARD);
  EXPECT_EQ(FromProtoTime(overdue->notices(0).issue_time()), deadline);
  EXPECT_EQ(overdue->notices(0).department(), "departments/housing");
  EXPECT_EQ(March("departments/housing").notices(), 1);
}

}  // namespace
}  // namespace hotline
