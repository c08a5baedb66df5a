// Reply review (办结审核), end to end: the real server in rehearsal mode under
// a policy that reviews replies, driven through the client library. The
// bureau sends housing's first reply back (退回重办) with reasons, accepts
// the second, then closes; the figures count the send-back for housing by
// reason. Without review nothing changes.
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
using v1::ReplyReview;
using v1::Ticket;

class ReplyReviewTest : public ServerTest {
 protected:
  void SetUp() override {
    if (review_) {
      // A policy that reviews replies.
      options_.policy = DefaultPolicy();
      options_.policy.set_version("reviewed");
      options_.policy.set_review_replies(true);
    }
    ServerTest::SetUp();
    CreateDepartment("housing");
    housing_ = Connect(CreateToken("department/housing"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  // A ticket of housing's, signed for and replied.
  std::string Replied() {
    const std::string t = CreateTicket("housing").name();
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(t);
    EXPECT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    EXPECT_TRUE(Reply(t, "已处理").ok());
    return t;
  }
  absl::StatusOr<Ticket> Reply(const std::string& t, const std::string& text) {
    v1::ReplyTicketRequest reply;
    reply.set_name(t);
    reply.set_reply_text(text);
    reply.set_outcome(Ticket::RESOLVED);
    absl::StatusOr<Ticket> replied = housing_->ReplyTicket(reply);
    EXPECT_TRUE(replied.ok()) << replied.status();
    return replied;
  }
  absl::StatusOr<Ticket> Close(const std::string& t) {
    v1::CloseTicketRequest close;
    close.set_name(t);
    close.set_satisfaction(Ticket::SATISFIED);
    return bureau().CloseTicket(close);
  }
  v1::Figures March(const std::string& department = "") {
    return FiguresOf("2021-03-01", "2021-04-01", absl::InfiniteFuture(),
                     department);
  }

  bool review_ = false;
  std::unique_ptr<Client> housing_;
};

class ReviewedReplyTest : public ReplyReviewTest {
 protected:
  ReviewedReplyTest() { review_ = true; }
};

TEST_F(ReplyReviewTest, WithoutReviewARepliedTicketClosesAsBefore) {
  const std::string t = Replied();
  v1::GetTicketRequest get;
  get.set_name(t);
  EXPECT_EQ(bureau().GetTicket(get)->reply_review().state(),
            ReplyReview::STATE_UNSPECIFIED);
  v1::AcceptReplyRequest accept;
  accept.set_name(t);
  EXPECT_EQ(ReasonOf(bureau().AcceptReply(accept).status()),
            v1::REVIEW_NOT_PENDING);
  EXPECT_TRUE(Close(t).ok());
}

TEST_F(ReviewedReplyTest, SentBackThenAcceptedThenClosed) {
  const std::string t = Replied();
  // The close waits for the review; the department cannot review.
  absl::StatusOr<Ticket> early = Close(t);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(early.status()), v1::REPLY_NOT_REVIEWED);
  v1::AcceptReplyRequest accept;
  accept.set_name(t);
  EXPECT_EQ(ReasonOf(housing_->AcceptReply(accept).status()),
            v1::ROLE_NOT_ALLOWED);
  // Bad send-backs change nothing.
  v1::SendBackReplyRequest send_back;
  send_back.set_name(t);
  absl::StatusOr<Ticket> no_reason = bureau().SendBackReply(send_back);
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(no_reason.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(no_reason.status())[0].field(), "reasons");
  send_back.add_reasons(v1::DEMAND_UNRESOLVED);
  send_back.add_reasons(v1::DEMAND_UNRESOLVED);
  EXPECT_EQ(bureau().SendBackReply(send_back).status().code(),
            absl::StatusCode::kInvalidArgument);
  const size_t events_before = History(t).size();

  AdvanceTo(Beijing(2021, 3, 8, 9));
  send_back.clear_reasons();
  send_back.add_reasons(v1::DEMAND_UNRESOLVED);
  send_back.add_reasons(v1::CALLER_NOT_CONTACTED);
  send_back.set_note("请联系诉求人并现场核实");
  absl::StatusOr<Ticket> back = bureau().SendBackReply(send_back);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(back->send_back_count(), 1);
  EXPECT_EQ(FromProtoTime(back->reply_due_at()), Beijing(2021, 3, 16));
  const std::vector<Event> history = History(t);
  ASSERT_EQ(history.size(), events_before + 1);
  EXPECT_EQ(history.back().type(), Event::REPLY_SENT_BACK);
  EXPECT_EQ(history.back().reason(), "请联系诉求人并现场核实");
  // Housing sees why, and replies again; this reply is reviewed too.
  v1::GetTicketRequest get;
  get.set_name(t);
  absl::StatusOr<Ticket> seen = housing_->GetTicket(get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->last_send_back().reasons_size(), 2);
  absl::StatusOr<Ticket> again = Reply(t, "已联系诉求人, 现场已整改");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reply_review().state(), ReplyReview::PENDING);
  absl::StatusOr<Ticket> accepted = bureau().AcceptReply(accept);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->reply_review().state(), ReplyReview::ACCEPTED);
  EXPECT_EQ(ReasonOf(bureau().AcceptReply(accept).status()),
            v1::REVIEW_NOT_PENDING);
  ASSERT_TRUE(Close(t).ok());

  const v1::Figures housing = March("departments/housing");
  EXPECT_EQ(housing.replied(), 1);
  EXPECT_EQ(housing.reopens(), 0);
  EXPECT_EQ(housing.replies_sent_back(), 1);
  EXPECT_EQ(housing.sent_back_unresolved(), 1);
  EXPECT_EQ(housing.sent_back_not_contacted(), 1);
  EXPECT_EQ(housing.sent_back_nonstandard(), 0);
  EXPECT_EQ(March().replies_sent_back(), 1);
}

}  // namespace
}  // namespace hotline
