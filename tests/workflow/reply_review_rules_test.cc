// Reply review (办结审核) as pure rules: a reviewed reply waits for the
// bureau, the close waits for the acceptance, a send-back (退回重办) gives
// the department a new reply deadline from the policy, and what a
// send-back counts in the figures.
#include "workflow/reply_review_rules.h"

#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/stat_facts.h"
#include "workflow/statistics.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::DefaultRules;
using v1::Event;
using v1::ReplyReview;
using v1::Ticket;

// Friday 2021-03-05, 10:00.
const absl::Time kReplyTime = Beijing(2021, 3, 5, 10, 0);

Ticket InProgress() {
  Ticket t;
  t.set_name("tickets/3");
  t.set_etag("4");
  t.set_state(Ticket::IN_PROGRESS);
  t.set_type(Ticket::COMPLAINT);
  t.set_topic("噪音");
  t.set_department("departments/housing");
  t.set_dispatch_count(1);
  *t.mutable_received_at() = ToProtoTime(Beijing(2021, 3, 1, 8, 0));
  *t.mutable_ack_due_at() = ToProtoTime(Beijing(2021, 3, 3));
  *t.mutable_reply_due_at() = ToProtoTime(Beijing(2021, 3, 23));
  return t;
}

ActionContext Bureau(absl::Time at) { return {Principal::Bureau(), at}; }
ActionContext Housing(absl::Time at) {
  return {Principal::Department("housing"), at};
}

// A reply under a policy that reviews replies.
Ticket Replied(bool reviewed = true) {
  absl::StatusOr<TicketChange> reply =
      Reply(InProgress(), "已处理", Ticket::RESOLVED, "", Housing(kReplyTime));
  EXPECT_TRUE(reply.ok()) << reply.status();
  v1::Policy policy = *DefaultRules().policy;
  policy.set_review_replies(reviewed);
  RequireReview(*reply, policy);
  return reply->ticket;
}

TEST(ReplyReview, WithoutReviewAReplyGoesOnToTheCloseAsBefore) {
  const Ticket t = Replied(false);
  EXPECT_EQ(t.reply_review().state(), ReplyReview::STATE_UNSPECIFIED);
  EXPECT_TRUE(
      Close(t, Ticket::SATISFIED, "", Bureau(kReplyTime + absl::Hours(1)))
          .ok());
  EXPECT_EQ(ReasonOf(AcceptReply(t, "", Bureau(kReplyTime)).status()),
            v1::REVIEW_NOT_PENDING);
}

TEST(ReplyReview, AReviewedReplyWaitsAndTheCloseWaitsForTheAcceptance) {
  const Ticket t = Replied();
  EXPECT_EQ(t.state(), Ticket::REPLIED);
  EXPECT_EQ(t.reply_review().state(), ReplyReview::PENDING);
  absl::StatusOr<TicketChange> early =
      Close(t, Ticket::SATISFIED, "", Bureau(kReplyTime + absl::Hours(1)));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(early.status()), v1::REPLY_NOT_REVIEWED);

  absl::StatusOr<TicketChange> accepted =
      AcceptReply(t, "", Bureau(kReplyTime + absl::Hours(2)));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->event.type(), Event::REPLY_ACCEPTED);
  EXPECT_EQ(accepted->ticket.state(), Ticket::REPLIED);
  EXPECT_EQ(accepted->ticket.reply_review().reviewed_by(), "bureau");
  EXPECT_EQ(ReasonOf(AcceptReply(accepted->ticket, "",
                                 Bureau(kReplyTime + absl::Hours(3)))
                         .status()),
            v1::REVIEW_NOT_PENDING);
  EXPECT_TRUE(Close(accepted->ticket, Ticket::SATISFIED, "",
                    Bureau(kReplyTime + absl::Hours(3)))
                  .ok());
}

TEST(ReplyReview, ASendBackGivesTheDepartmentANewReplyDeadline) {
  const Ticket t = Replied();
  const absl::Time monday = Beijing(2021, 3, 8, 9, 0);
  absl::StatusOr<TicketChange> sent =
      SendBackReply(t, {v1::DEMAND_UNRESOLVED, v1::CALLER_NOT_CONTACTED},
                    "请联系诉求人", "", Bureau(monday), DefaultRules());
  ASSERT_TRUE(sent.ok()) << sent.status();
  const Ticket& back = sent->ticket;
  EXPECT_EQ(back.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(back.department(), "departments/housing");
  EXPECT_EQ(back.reply_text(), "");
  EXPECT_EQ(back.reply_review().state(), ReplyReview::STATE_UNSPECIFIED);
  EXPECT_EQ(back.send_back_count(), 1);
  EXPECT_EQ(back.reopen_count(), 0);  // a send-back is not a reopen
  EXPECT_EQ(back.last_send_back().reply_text(), "已处理");
  EXPECT_EQ(back.last_send_back().note(), "请联系诉求人");
  // Five working days from Monday 03-08: 03-09 .. 03-15, due at its end.
  EXPECT_EQ(FromProtoTime(back.reply_due_at()), Beijing(2021, 3, 16));
  EXPECT_EQ(FromProtoTime(back.warning_at()), Beijing(2021, 3, 15));
  EXPECT_TRUE(back.has_daily_report_due_at());
  EXPECT_EQ(sent->event.type(), Event::REPLY_SENT_BACK);
  EXPECT_EQ(sent->event.state_after(), Ticket::IN_PROGRESS);
  EXPECT_EQ(sent->event.send_back_reasons_size(), 2);
  EXPECT_EQ(sent->event.reply_text(), "已处理");

  // The figures: the ticket is no longer replied; the send-back counts for
  // housing, by each reason.
  const absl::TimeZone zone = DefaultRules().calendar->zone();
  const std::vector<TimedFacts> changes = TicketStatChanges(&t, back, zone);
  StatVector sum;
  for (const TimedFacts& change : changes) {
    if (change.before) sum -= change.before->counts;
    if (change.after) sum += change.after->counts;
    if (change.after && change.after->counts[kRepliesSentBack] > 0) {
      EXPECT_EQ(change.after->department, "departments/housing");
      EXPECT_EQ(change.at, monday);
    }
  }
  EXPECT_EQ(sum[hotline::kReplied], -1);
  EXPECT_EQ(sum[kRepliesSentBack], 1);
  EXPECT_EQ(sum[kSentBackUnresolved], 1);
  EXPECT_EQ(sum[kSentBackNotContacted], 1);
  EXPECT_EQ(sum[kSentBackNonstandard], 0);
  EXPECT_EQ(sum[kReopens], 0);
  const v1::Figures figures = MakeFigures(sum, 1);
  EXPECT_EQ(figures.replies_sent_back(), 1);
  EXPECT_EQ(figures.sent_back_not_contacted(), 1);

  // A second reply waits for the review again.
  absl::StatusOr<TicketChange> again =
      Reply(back, "已联系诉求人并处理", Ticket::RESOLVED, "",
            Housing(Beijing(2021, 3, 10, 9, 0)));
  ASSERT_TRUE(again.ok()) << again.status();
  RequireReview(*again, [] {
    v1::Policy p = *DefaultRules().policy;
    p.set_review_replies(true);
    return p;
  }());
  EXPECT_EQ(again->ticket.reply_review().state(), ReplyReview::PENDING);
  EXPECT_EQ(again->ticket.send_back_count(), 1);
}

TEST(ReplyReview, SendBackReasonsAreChecked) {
  google::protobuf::RepeatedField<int> none;
  EXPECT_EQ(ReasonOf(CheckSendBackReasons(none)), v1::INVALID_FIELD);
  google::protobuf::RepeatedField<int> twice;
  twice.Add(v1::NONSTANDARD_REPLY);
  twice.Add(v1::NONSTANDARD_REPLY);
  EXPECT_EQ(ReasonOf(CheckSendBackReasons(twice)), v1::INVALID_FIELD);
  google::protobuf::RepeatedField<int> unknown;
  unknown.Add(99);
  EXPECT_EQ(ReasonOf(CheckSendBackReasons(unknown)), v1::INVALID_FIELD);
  google::protobuf::RepeatedField<int> unspecified;
  unspecified.Add(v1::SEND_BACK_REASON_UNSPECIFIED);
  EXPECT_EQ(ReasonOf(CheckSendBackReasons(unspecified)), v1::INVALID_FIELD);
  google::protobuf::RepeatedField<int> fine;
  fine.Add(v1::INSUFFICIENT_EVIDENCE);
  fine.Add(v1::OTHER_SEND_BACK_REASON);
  EXPECT_TRUE(CheckSendBackReasons(fine).ok());
}

TEST(ReplyReview, OnlyAPendingReviewIsDecided) {
  // Not replied at all: the state check first.
  EXPECT_EQ(ReasonOf(SendBackReply(InProgress(), {v1::NONSTANDARD_REPLY}, "",
                                   "", Bureau(kReplyTime), DefaultRules())
                         .status()),
            v1::TICKET_STATE);
  // A stale etag.
  EXPECT_EQ(ReasonOf(AcceptReply(Replied(), "1", Bureau(kReplyTime)).status()),
            v1::ETAG_MISMATCH);
}

}  // namespace
}  // namespace hotline
