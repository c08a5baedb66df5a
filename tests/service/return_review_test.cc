// Review of returns (派单异议审核), end to end: the real server in rehearsal
// mode, driven through the client library. An inquiry dispatched to housing
// on Mon 2021-03-01 09:00 (signed for by 24:00 Mar 2, due 24:00 Mar 3) is
// returned; the bureau refuses the return, or accepts it by dispatching
// the ticket elsewhere.
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
using v1::Card;
using v1::Event;
using v1::Ticket;

class ReturnReviewTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
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
    ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    AdvanceTo(Beijing(2021, 3, 1, 11));
    v1::ReturnTicketRequest give_back;
    give_back.set_name(name_);
    give_back.set_reason("属于市场监管局");
    absl::StatusOr<Ticket> returned = housing_->ReturnTicket(give_back);
    ASSERT_TRUE(returned.ok()) << returned.status();
    ASSERT_EQ(returned->state(), Ticket::RETURNED);
  }

  Ticket Get() {
    v1::GetTicketRequest get;
    get.set_name(name_);
    absl::StatusOr<Ticket> ticket = bureau().GetTicket(get);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  absl::StatusOr<Ticket> Refuse(Client& as, const std::string& reason,
                                const std::string& request_id = "") {
    v1::RefuseReturnRequest refuse;
    refuse.set_name(name_);
    refuse.set_reason(reason);
    refuse.set_request_id(request_id);
    return as.RefuseReturn(refuse);
  }

  // March 2021's row of `department` (empty: the total) as of `as_of`.
  v1::Figures Row(const std::string& department, absl::Time as_of) {
    return FiguresOf("2021-03-01", "2021-04-01", as_of, department);
  }

  std::unique_ptr<Client> housing_;
  std::string name_;
};

TEST_F(ReturnReviewTest,
       ARefusedReturnGoesBackToTheDepartmentWithItsDeadlines) {
  // While the bureau reviews, the ticket is not the department's.
  v1::GetTicketRequest get;
  get.set_name(name_);
  EXPECT_EQ(housing_->GetTicket(get).status().code(),
            absl::StatusCode::kPermissionDenied);
  const Ticket waiting = Get();
  EXPECT_EQ(waiting.pending_return().department(), "departments/housing");
  EXPECT_EQ(waiting.pending_return().reason(), "属于市场监管局");

  AdvanceTo(Beijing(2021, 3, 2, 9));
  absl::StatusOr<Ticket> refused = Refuse(bureau(), "属于本单位职责");
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(refused->department(), "departments/housing");
  EXPECT_EQ(FromProtoTime(refused->reply_due_at()), Beijing(2021, 3, 4));
  EXPECT_EQ(refused->refused_return_count(), 1);
  EXPECT_FALSE(refused->has_pending_return());
  // The department has it back, history and all.
  absl::StatusOr<Ticket> seen = housing_->GetTicket(get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->state(), Ticket::IN_PROGRESS);
  const std::vector<Event> history = History(name_);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type(), Event::RETURN_REFUSED);
  EXPECT_EQ(history.back().reason(), "属于本单位职责");
  EXPECT_EQ(history.back().department(), "departments/housing");

  // The figures: one return, refused, both counted against housing; the
  // ticket counts once, as housing's pending ticket.
  const v1::Figures row = Row("departments/housing", Beijing(2021, 3, 2, 10));
  EXPECT_EQ(row.returns(), 1);
  EXPECT_EQ(row.refused_returns(), 1);
  EXPECT_EQ(row.received(), 1);
  EXPECT_EQ(row.pending_not_overdue(), 1);
  const v1::Figures total = Row("", Beijing(2021, 3, 2, 10));
  EXPECT_EQ(total.received(), 1);
  EXPECT_EQ(total.refused_returns(), 1);
  // As of before the refusal, nothing was refused.
  EXPECT_EQ(Row("", Beijing(2021, 3, 2, 8)).refused_returns(), 0);
}

TEST_F(ReturnReviewTest, DispatchingElsewhereAcceptsTheReturn) {
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(name_);
  dispatch.set_department("departments/market");
  absl::StatusOr<Ticket> accepted = bureau().DispatchTicket(dispatch);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_FALSE(accepted->has_pending_return());
  absl::StatusOr<Ticket> refused = Refuse(bureau(), "too late");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused.status()), v1::TICKET_STATE);
  const v1::Figures row = Row("departments/housing", Beijing(2021, 3, 1, 12));
  EXPECT_EQ(row.returns(), 1);
  EXPECT_EQ(row.refused_returns(), 0);
}

TEST_F(ReturnReviewTest, BadRefusalsChangeNothing) {
  const Ticket before = Get();
  // Not the department's to decide.
  absl::StatusOr<Ticket> refused = Refuse(*housing_, "mine after all");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), v1::ROLE_NOT_ALLOWED);
  // A reason is required.
  refused = Refuse(bureau(), "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("reason"), std::string::npos);
  // A stale etag.
  v1::RefuseReturnRequest stale;
  stale.set_name(name_);
  stale.set_reason("x");
  stale.set_etag("1");
  EXPECT_EQ(bureau().RefuseReturn(stale).status().code(),
            absl::StatusCode::kAborted);
  // No such ticket.
  v1::RefuseReturnRequest missing;
  missing.set_name("tickets/999");
  missing.set_reason("x");
  EXPECT_EQ(bureau().RefuseReturn(missing).status().code(),
            absl::StatusCode::kNotFound);
  const Ticket after = Get();
  EXPECT_EQ(after.etag(), before.etag());
  EXPECT_EQ(after.state(), Ticket::RETURNED);
}

TEST_F(ReturnReviewTest, ARetriedRefusalAnswersAsTheFirst) {
  absl::StatusOr<Ticket> first = Refuse(bureau(), "属于本单位职责", "r-1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Ticket> again = Refuse(bureau(), "属于本单位职责", "r-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->etag(), first->etag());
  EXPECT_EQ(Get().refused_return_count(), 1);
}

TEST_F(ReturnReviewTest, ALateRefusalLetsTheCardFallAtTheRefusal) {
  // The reply deadline (24:00 Mar 3) passes while the bureau reviews.
  AdvanceTo(Beijing(2021, 3, 5, 9));
  EXPECT_EQ(Row("", Beijing(2021, 3, 5, 9)).pending_overdue(), 0);
  ASSERT_TRUE(Refuse(bureau(), "属于本单位职责").ok());
  // (The sweeper may take it before the clock moves: it wakes after
  // commits. Either way the card is the same.)
  AdvanceTo(Beijing(2021, 3, 5, 10));
  v1::ListCardsRequest list;
  list.set_ticket(name_);
  absl::StatusOr<v1::ListCardsResponse> cards = bureau().ListCards(list);
  ASSERT_TRUE(cards.ok());
  ASSERT_EQ(cards->cards_size(), 1);
  EXPECT_EQ(cards->cards(0).department(), "departments/housing");
  EXPECT_EQ(FromProtoTime(cards->cards(0).issue_time()),
            Beijing(2021, 3, 5, 9));
  // Overdue from the refusal on; not before (it was with the bureau).
  EXPECT_EQ(
      Row("departments/housing", Beijing(2021, 3, 5, 10)).pending_overdue(), 1);
  EXPECT_EQ(
      Row("departments/housing", Beijing(2021, 3, 4, 12)).pending_overdue(), 0);
  EXPECT_EQ(Row("", Beijing(2021, 3, 4, 12)).pending_overdue(), 0);
}

}  // namespace
}  // namespace hotline
