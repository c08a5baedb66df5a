// Extensions (延期) and the verdict they hold, end to end: the real server in
// rehearsal mode, driven through the client library. The scenario is the
// one verification reported (issue 9, item 1): an inquiry signed for on
// 2021-03-01, due 03-03 24:00; housing asks for 10 more working days at
// 03-03 23:00 and the bureau decides only the next morning.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Card;
using v1::Ticket;

class ExtensionTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    housing_ = Connect(CreateToken("department/housing"));
    AdvanceTo(Beijing(2021, 3, 1, 9));
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft(Ticket::INQUIRY);
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<Ticket> created = bureau().CreateTicket(create);
    ASSERT_TRUE(created.ok()) << created.status();
    name_ = created->name();
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(name_);
    absl::StatusOr<Ticket> acked = housing_->AcknowledgeTicket(ack);
    ASSERT_TRUE(acked.ok()) << acked.status();
    ASSERT_EQ(FromProtoTime(acked->reply_due_at()), Beijing(2021, 3, 4));
  }

  absl::Status AskForTenDays() {
    v1::RequestExtensionRequest ask;
    ask.set_name(name_);
    ask.set_working_days(10);
    ask.set_reason("需现场勘查");
    return housing_->RequestExtension(ask).status();
  }

  Ticket Get() {
    v1::GetTicketRequest get;
    get.set_name(name_);
    absl::StatusOr<Ticket> ticket = bureau().GetTicket(get);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  std::vector<Card> Cards() {
    v1::ListCardsRequest list;
    list.set_ticket(name_);
    absl::StatusOr<v1::ListCardsResponse> cards = bureau().ListCards(list);
    EXPECT_TRUE(cards.ok()) << cards.status();
    if (!cards.ok()) return {};
    return {cards->cards().begin(), cards->cards().end()};
  }

  // March 2021's figures as of `as_of`.
  v1::Figures March(absl::Time as_of) {
    return FiguresOf("2021-03-01", "2021-04-01", as_of);
  }

  std::unique_ptr<Client> housing_;
  std::string name_;
};

TEST_F(ExtensionTest, APendingRequestHoldsTheYellowCardUntilTheBureauDecides) {
  AdvanceTo(Beijing(2021, 3, 3, 23));
  ASSERT_TRUE(AskForTenDays().ok());
  v1::AdvanceClockResponse advanced = AdvanceTo(Beijing(2021, 3, 4, 9));
  EXPECT_EQ(advanced.yellow_cards(), 0);
  const Ticket held = Get();
  EXPECT_FALSE(held.reply_overdue());
  EXPECT_TRUE(held.has_pending_extension());
  EXPECT_TRUE(Cards().empty());
  EXPECT_EQ(March(Beijing(2021, 3, 4, 9)).pending_overdue(), 0);
}

TEST_F(ExtensionTest, ApprovalAfterTheDeadlineCountsAsGrantedInTime) {
  AdvanceTo(Beijing(2021, 3, 3, 23));
  ASSERT_TRUE(AskForTenDays().ok());
  AdvanceTo(Beijing(2021, 3, 4, 9));
  v1::ApproveExtensionRequest approve;
  approve.set_name(name_);
  absl::StatusOr<Ticket> approved = bureau().ApproveExtension(approve);
  ASSERT_TRUE(approved.ok()) << approved.status();
  // Ten working days from the deadline it replaces: 03-04 … 03-17.
  EXPECT_EQ(FromProtoTime(approved->reply_due_at()), Beijing(2021, 3, 18));
  EXPECT_FALSE(approved->reply_overdue());
  EXPECT_EQ(approved->yellow_cards(), 0);

  // Past the old red-card point (03-10 24:00): still nothing.
  v1::AdvanceClockResponse advanced = AdvanceTo(Beijing(2021, 3, 11, 9));
  EXPECT_EQ(advanced.yellow_cards() + advanced.red_cards(), 0);
  EXPECT_TRUE(Cards().empty());
  const v1::Figures figures = March(Beijing(2021, 3, 11, 9));
  EXPECT_EQ(figures.pending_overdue(), 0);
  EXPECT_EQ(figures.pending_not_overdue(), 1);
  EXPECT_FALSE(figures.has_on_time_rate_permille());  // nothing was due
  // As of any instant between the old deadline and the approval too.
  EXPECT_EQ(March(Beijing(2021, 3, 4, 8)).pending_overdue(), 0);

  // Replied within the extension: on time.
  AdvanceTo(Beijing(2021, 3, 17, 10));
  v1::ReplyTicketRequest reply;
  reply.set_name(name_);
  reply.set_reply_text("已答复");
  reply.set_outcome(Ticket::EXPLAINED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  const v1::Figures replied = March(Beijing(2021, 3, 18));
  EXPECT_EQ(replied.replied_on_time(), 1);
  EXPECT_EQ(replied.on_time_rate_permille(), 1000);
}

TEST_F(ExtensionTest, UnansweredPastTheExtendedDeadlineEarnsCardsNamingIt) {
  AdvanceTo(Beijing(2021, 3, 3, 23));
  ASSERT_TRUE(AskForTenDays().ok());
  AdvanceTo(Beijing(2021, 3, 4, 9));
  v1::ApproveExtensionRequest approve;
  approve.set_name(name_);
  ASSERT_TRUE(bureau().ApproveExtension(approve).ok());
  AdvanceTo(Beijing(2021, 3, 26));
  const std::vector<Card> cards = Cards();
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].color(), Card::YELLOW);
  EXPECT_EQ(FromProtoTime(cards[0].issue_time()), Beijing(2021, 3, 18));
  EXPECT_EQ(cards[1].color(), Card::RED);
  // Five working days after the extended deadline, which it names.
  EXPECT_EQ(FromProtoTime(cards[1].issue_time()), Beijing(2021, 3, 25));
  EXPECT_TRUE(absl::StrContains(cards[1].reason(), "2021-03-17 24:00"))
      << cards[1].reason();
}

TEST_F(ExtensionTest, RejectionAfterTheDeadlineLetsTheCardFallAtOnce) {
  AdvanceTo(Beijing(2021, 3, 3, 23));
  ASSERT_TRUE(AskForTenDays().ok());
  AdvanceTo(Beijing(2021, 3, 4, 9));
  v1::RejectExtensionRequest reject;
  reject.set_name(name_);
  reject.set_reason("情况清楚,按期答复");
  absl::StatusOr<Ticket> rejected = bureau().RejectExtension(reject);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  // The answer already carries the card: it fell at the rejection.
  EXPECT_TRUE(rejected->reply_overdue());
  EXPECT_EQ(rejected->yellow_cards(), 1);
  const std::vector<Card> cards = Cards();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].color(), Card::YELLOW);
  EXPECT_EQ(FromProtoTime(cards[0].issue_time()), Beijing(2021, 3, 4, 9));
  EXPECT_TRUE(absl::StrContains(cards[0].reason(), "2021-03-03 24:00"))
      << cards[0].reason();
  // The figures count it overdue from the original deadline.
  EXPECT_EQ(March(Beijing(2021, 3, 4, 8)).pending_overdue(), 1);
  EXPECT_EQ(March(Beijing(2021, 3, 4, 8)).on_time_rate_permille(), 0);
  // The red card: five working days after the original deadline.
  v1::AdvanceClockResponse advanced = AdvanceTo(Beijing(2021, 3, 11, 9));
  EXPECT_EQ(advanced.red_cards(), 1);
  EXPECT_EQ(Cards().size(), 2u);
}

TEST_F(ExtensionTest, RejectionBeforeTheDeadlineLeavesTheCardAtTheDeadline) {
  AdvanceTo(Beijing(2021, 3, 3, 9));
  ASSERT_TRUE(AskForTenDays().ok());
  v1::RejectExtensionRequest reject;
  reject.set_name(name_);
  reject.set_reason("按期答复");
  absl::StatusOr<Ticket> rejected = bureau().RejectExtension(reject);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_FALSE(rejected->reply_overdue());
  v1::AdvanceClockResponse advanced = AdvanceTo(Beijing(2021, 3, 4, 9));
  EXPECT_EQ(advanced.yellow_cards(), 1);
  const std::vector<Card> cards = Cards();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(FromProtoTime(cards[0].issue_time()), Beijing(2021, 3, 4));
}

TEST_F(ExtensionTest, ARequestAfterTheDeadlineIsRefusedWithTheReason) {
  AdvanceTo(Beijing(2021, 3, 4, 0, 0, 1));
  const absl::Status asked = AskForTenDays();
  EXPECT_EQ(asked.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(asked.message(), "deadline has passed"))
      << asked.message();
  EXPECT_FALSE(Get().has_pending_extension());
}

}  // namespace
}  // namespace hotline
