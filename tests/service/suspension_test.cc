// Suspension of the time limit (挂起), end to end: the real server in
// rehearsal mode, driven through the client library. A complaint dispatched
// to housing on Mon 2021-03-01 09:00 and signed for at 10:00 is due 24:00
// Mar 22 (15 working days); on Wed Mar 10 housing asks to suspend it.
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
using v1::Ticket;

class SuspensionTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
    AdvanceTo(Beijing(2021, 3, 1, 9));
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<Ticket> created = bureau().CreateTicket(create);
    ASSERT_TRUE(created.ok()) << created.status();
    name_ = created->name();
    AdvanceTo(Beijing(2021, 3, 1, 10));
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(name_);
    absl::StatusOr<Ticket> acked = housing_->AcknowledgeTicket(ack);
    ASSERT_TRUE(acked.ok()) << acked.status();
    ASSERT_EQ(FromProtoTime(acked->reply_due_at()), Beijing(2021, 3, 23));
    AdvanceTo(Beijing(2021, 3, 10, 10));
  }

  absl::StatusOr<Ticket> Ask(Client& as, absl::Time end,
                             const std::string& reason = "等待法院判决") {
    v1::RequestSuspensionRequest ask;
    ask.set_name(name_);
    ask.set_reason(reason);
    *ask.mutable_expected_end() = ToProtoTime(end);
    return as.RequestSuspension(ask);
  }

  absl::StatusOr<Ticket> Approve(Client& as) {
    v1::ApproveSuspensionRequest approve;
    approve.set_name(name_);
    return as.ApproveSuspension(approve);
  }

  Ticket Get() {
    v1::GetTicketRequest get;
    get.set_name(name_);
    absl::StatusOr<Ticket> ticket = bureau().GetTicket(get);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  v1::Figures March(absl::Time as_of) {
    return FiguresOf("2021-03-01", "2021-04-01", as_of);
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
  std::string name_;
};

TEST_F(SuspensionTest, ASuspendedTicketOwesNothingAndResumesAtTheApprovedEnd) {
  ASSERT_TRUE(Ask(*housing_, Beijing(2021, 3, 29, 15)).ok());
  AdvanceTo(Beijing(2021, 3, 10, 11));
  absl::StatusOr<Ticket> approved = Approve(bureau());
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), Ticket::SUSPENDED);
  // Reports missed before the suspension (Mar 1-9) stay missed.
  const int misses = approved->daily_report_misses();
  EXPECT_EQ(misses, 7);
  // The department finds it among its suspended tickets.
  v1::ListTicketsRequest list;
  list.set_filter("state = SUSPENDED");
  absl::StatusOr<v1::ListTicketsResponse> listed = housing_->ListTickets(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->tickets_size(), 1);
  EXPECT_EQ(listed->tickets(0).name(), name_);

  // Past the old deadline (24:00 Mar 22): no card, no report owed, and the
  // figures count it as suspended, not pending.
  v1::AdvanceClockResponse advanced = AdvanceTo(Beijing(2021, 3, 26, 9));
  EXPECT_EQ(advanced.yellow_cards() + advanced.red_cards(), 0);
  EXPECT_EQ(Get().daily_report_misses(), misses);
  v1::Figures figures = March(Beijing(2021, 3, 26, 9));
  EXPECT_EQ(figures.suspended(), 1);
  EXPECT_EQ(figures.pending_overdue(), 0);
  EXPECT_EQ(figures.pending_not_overdue(), 0);
  EXPECT_EQ(figures.received(), 1);

  // At the approved end the clock runs again: 8 working days were left
  // after Mar 10 (Mar 11, 12, 15-19, 22), so from Mar 29: Mar 30, 31,
  // Apr 1, 2, 6-9 (Apr 3-5 off).
  AdvanceTo(Beijing(2021, 3, 29, 16));
  const Ticket resumed = Get();
  EXPECT_EQ(resumed.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(FromProtoTime(resumed.reply_due_at()), Beijing(2021, 4, 10));
  const std::vector<Event> history = History(name_);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type(), Event::RESUMED);
  EXPECT_EQ(history.back().actor(), "sweeper");
  EXPECT_EQ(FromProtoTime(history.back().time()), Beijing(2021, 3, 29, 15));
  figures = March(Beijing(2021, 3, 29, 16));
  EXPECT_EQ(figures.suspended(), 0);
  EXPECT_EQ(figures.pending_not_overdue(), 1);

  // Replied within the moved deadline: on time.
  AdvanceTo(Beijing(2021, 4, 9, 10));
  v1::ReplyTicketRequest reply;
  reply.set_name(name_);
  reply.set_reply_text("已依判决处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  figures = March(Beijing(2021, 4, 9, 11));
  EXPECT_EQ(figures.replied_on_time(), 1);
  EXPECT_EQ(figures.on_time_rate_permille(), 1000);
}

TEST_F(SuspensionTest, TheDepartmentResumesEarlyAndARejectionStopsNothing) {
  ASSERT_TRUE(Ask(*housing_, Beijing(2021, 4, 30)).ok());
  v1::RejectSuspensionRequest reject;
  reject.set_name(name_);
  reject.set_reason("不属于长周期事项");
  absl::StatusOr<Ticket> rejected = bureau().RejectSuspension(reject);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->state(), Ticket::IN_PROGRESS);
  EXPECT_FALSE(rejected->has_pending_suspension());
  EXPECT_EQ(FromProtoTime(rejected->reply_due_at()), Beijing(2021, 3, 23));

  ASSERT_TRUE(Ask(*housing_, Beijing(2021, 4, 30)).ok());
  ASSERT_TRUE(Approve(bureau()).ok());
  AdvanceTo(Beijing(2021, 3, 15, 9));
  v1::ResumeTicketRequest resume;
  resume.set_name(name_);
  resume.set_note("已取得鉴定结果");
  absl::StatusOr<Ticket> resumed = housing_->ResumeTicket(resume);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state(), Ticket::IN_PROGRESS);
  // 8 working days from Mon Mar 15: Mar 16-19, 22-25.
  EXPECT_EQ(FromProtoTime(resumed->reply_due_at()), Beijing(2021, 3, 26));
  EXPECT_EQ(resumed->suspension_count(), 1);
}

TEST_F(SuspensionTest, BadRequestsChangeNothing) {
  const Ticket before = Get();
  // Too far ahead, or not ahead at all.
  absl::StatusOr<Ticket> asked =
      Ask(*housing_, Beijing(2021, 3, 10, 10) + absl::Hours(24 * 181));
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(asked.status()), v1::SUSPENSION_TOO_LONG);
  EXPECT_NE(asked.status().message().find("180"), std::string::npos);
  asked = Ask(*housing_, Beijing(2021, 3, 9));
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kInvalidArgument);
  // No expected end, no reason.
  v1::RequestSuspensionRequest bare;
  bare.set_name(name_);
  bare.set_reason("x");
  asked = housing_->RequestSuspension(bare);
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(asked.status().message().find("expected_end"), std::string::npos);
  asked = Ask(*housing_, Beijing(2021, 4, 1), "");
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kInvalidArgument);
  // Another department's ticket.
  asked = Ask(*market_, Beijing(2021, 4, 1));
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(asked.status()), v1::NOT_YOURS);
  // Nothing to approve, and not the department's to approve.
  EXPECT_EQ(ReasonOf(Approve(bureau()).status()), v1::SUSPENSION_NOT_PENDING);
  EXPECT_EQ(Get().etag(), before.etag());
  ASSERT_TRUE(Ask(*housing_, Beijing(2021, 4, 1)).ok());
  const Ticket pending = Get();
  EXPECT_EQ(ReasonOf(Approve(*housing_).status()), v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(ReasonOf(Ask(*housing_, Beijing(2021, 4, 2)).status()),
            v1::SUSPENSION_PENDING);
  v1::ResumeTicketRequest resume;
  resume.set_name(name_);
  EXPECT_EQ(ReasonOf(housing_->ResumeTicket(resume).status()),
            v1::TICKET_STATE);
  EXPECT_EQ(Get().etag(), pending.etag());
}

TEST_F(SuspensionTest, AClosedTicketCannotBeSuspended) {
  v1::ReplyTicketRequest reply;
  reply.set_name(name_);
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  v1::CloseTicketRequest close;
  close.set_name(name_);
  close.set_satisfaction(Ticket::SATISFIED);
  ASSERT_TRUE(bureau().CloseTicket(close).ok());
  absl::StatusOr<Ticket> asked = Ask(bureau(), Beijing(2021, 4, 1));
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(asked.status()), v1::TICKET_STATE);
  EXPECT_NE(asked.status().message().find("CLOSED"), std::string::npos);
}

TEST_F(SuspensionTest, TheSuspensionSurvivesARestart) {
  ASSERT_TRUE(Ask(*housing_, Beijing(2021, 3, 29, 15)).ok());
  ASSERT_TRUE(Approve(bureau()).ok());
  RestartServer();
  EXPECT_EQ(Get().state(), Ticket::SUSPENDED);
  AdvanceTo(Beijing(2021, 3, 29, 16));
  EXPECT_EQ(Get().state(), Ticket::IN_PROGRESS);
}

}  // namespace
}  // namespace hotline
