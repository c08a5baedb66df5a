// Final answers (最终答复), end to end: the real server in rehearsal mode,
// driven through the client library. Housing answers a caller's demand
// (ticket A) and gives a final answer; the bureau approves it; the same
// caller calls again (ticket B) and the bureau closes B with A's answer.
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
using v1::Event;
using v1::FinalAnswer;
using v1::Ticket;

class FinalAnswerTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
    AdvanceTo(Beijing(2021, 3, 1, 9));
    a_ = Create("departments/housing", "138 0000 0000");
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(a_);
    ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    v1::ReplyTicketRequest reply;
    reply.set_name(a_);
    reply.set_reply_text("已答复");
    reply.set_outcome(Ticket::EXPLAINED);
    ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
    AdvanceTo(Beijing(2021, 3, 2, 9));
  }

  std::string Create(const std::string& department, const std::string& phone) {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
    create.mutable_ticket()->set_caller_phone(phone);
    create.set_dispatch_to(department);
    absl::StatusOr<Ticket> created = bureau().CreateTicket(create);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  absl::StatusOr<Ticket> Give(Client& as, const std::string& basis = "依据") {
    v1::SubmitFinalAnswerRequest give;
    give.set_name(a_);
    give.set_answer("该诉求已依法答复完毕, 不再重复受理");
    give.set_basis(basis);
    return as.SubmitFinalAnswer(give);
  }

  absl::StatusOr<Ticket> Approve(Client& as) {
    v1::ApproveFinalAnswerRequest approve;
    approve.set_name(a_);
    return as.ApproveFinalAnswer(approve);
  }

  absl::StatusOr<Ticket> Close(const std::string& ticket,
                               const std::string& answered) {
    v1::CloseByFinalAnswerRequest close;
    close.set_name(ticket);
    close.set_final_answer_ticket(answered);
    close.set_note("重复诉求");
    return bureau().CloseByFinalAnswer(close);
  }

  Ticket Get(const std::string& name) {
    v1::GetTicketRequest get;
    get.set_name(name);
    absl::StatusOr<Ticket> ticket = bureau().GetTicket(get);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  v1::Figures March() { return FiguresOf("2021-03-01", "2021-04-01"); }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
  std::string a_;
};

TEST_F(FinalAnswerTest, ARepeatOfAnAnsweredDemandIsClosedWithTheFinalAnswer) {
  absl::StatusOr<Ticket> given = Give(*housing_, "《信访工作条例》第三十五条");
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->final_answer().state(), FinalAnswer::PENDING);
  absl::StatusOr<Ticket> approved = Approve(bureau());
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->final_answer().state(), FinalAnswer::APPROVED);

  AdvanceTo(Beijing(2021, 3, 3, 9));
  const std::string b = Create("", "138 0000 0000");
  absl::StatusOr<Ticket> closed = Close(b, a_);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), Ticket::CLOSED);
  EXPECT_EQ(closed->closed_by_final_answer(), a_);
  EXPECT_EQ(closed->reply_text(), "该诉求已依法答复完毕, 不再重复受理");
  EXPECT_EQ(closed->dispatch_count(), 0);
  const std::vector<Event> history = History(b);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type(), Event::CLOSED_BY_FINAL_ANSWER);
  EXPECT_EQ(history.back().final_answer_ticket(), a_);

  // Counted once as received, as closed by final answer, never as replied
  // or pending; the on-time rate is A's alone.
  const v1::Figures figures = March();
  EXPECT_EQ(figures.received(), 2);
  EXPECT_EQ(figures.replied(), 1);
  EXPECT_EQ(figures.closed_by_final_answer(), 1);
  EXPECT_EQ(figures.pending_not_overdue(), 0);
  EXPECT_EQ(figures.pending_overdue(), 0);
  EXPECT_EQ(figures.on_time_rate_permille(), 1000);

  // It cannot be reopened: no department ever held it.
  v1::ReopenTicketRequest reopen;
  reopen.set_name(b);
  reopen.set_reason("市民不满意");
  EXPECT_EQ(bureau().ReopenTicket(reopen).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FinalAnswerTest, BadRequestsChangeNothing) {
  const Ticket before = Get(a_);
  // Another department's ticket; the bureau's decision; a missing basis.
  EXPECT_EQ(ReasonOf(Give(*market_).status()), v1::NOT_YOURS);
  absl::StatusOr<Ticket> bare = Give(*housing_, "");
  EXPECT_EQ(bare.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bare.status().message().find("basis"), std::string::npos);
  EXPECT_EQ(ReasonOf(Approve(bureau()).status()),
            v1::FINAL_ANSWER_NOT_APPROVED);
  EXPECT_EQ(Get(a_).etag(), before.etag());

  ASSERT_TRUE(Give(*housing_).ok());
  EXPECT_EQ(ReasonOf(Approve(*housing_).status()), v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(ReasonOf(Give(*housing_).status()), v1::FINAL_ANSWER_EXISTS);

  // Not approved yet; another caller; no such ticket; not the bureau.
  const std::string b = Create("", "138 0000 0000");
  const Ticket b_before = Get(b);
  EXPECT_EQ(ReasonOf(Close(b, a_).status()), v1::FINAL_ANSWER_NOT_APPROVED);
  ASSERT_TRUE(Approve(bureau()).ok());
  const std::string other = Create("", "139 1111 1111");
  EXPECT_EQ(ReasonOf(Close(other, a_).status()), v1::NOT_THE_SAME_CALLER);
  EXPECT_EQ(Close(b, "tickets/999").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<Ticket> malformed = Close(b, "999");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.status().message().find("final_answer_ticket"),
            std::string::npos);
  v1::CloseByFinalAnswerRequest as_housing;
  as_housing.set_name(b);
  as_housing.set_final_answer_ticket(a_);
  EXPECT_EQ(ReasonOf(housing_->CloseByFinalAnswer(as_housing).status()),
            v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(Get(b).etag(), b_before.etag());
  EXPECT_EQ(Get(b).state(), Ticket::RECEIVED);
}

}  // namespace
}  // namespace hotline
