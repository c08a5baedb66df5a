// End to end: the real server on a loopback port, driven only through the
// client library, with a manual clock.
#include <set>
#include <string>
#include <vector>

#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ServerTest;
using v1::Event;
using v1::Ticket;

class LifecycleTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
    intake_ = Connect(CreateToken("intake/city"));
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
  std::unique_ptr<Client> intake_;
};

TEST_F(LifecycleTest, FullLifecycleIsRecordedAndSurvivesRestart) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
  create.mutable_ticket()->set_source_id("SZ2021021000001");
  absl::StatusOr<Ticket> ticket = intake_->CreateTicket(create);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::RECEIVED);
  EXPECT_EQ(ticket->created_by(), "intake/city");
  const std::string name = ticket->name();
  const absl::Time created = clock_.Now();

  clock_.Advance(absl::Minutes(10));
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(name);
  dispatch.set_department("departments/housing");
  dispatch.set_note("请核实处理");
  ticket = bureau().DispatchTicket(dispatch);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::DISPATCHED);
  EXPECT_EQ(ticket->department(), "departments/housing");

  clock_.Advance(absl::Hours(1));
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(name);
  ack.set_etag(ticket->etag());
  ticket = housing_->AcknowledgeTicket(ack);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(FromProtoTime(ticket->acknowledged_at()), clock_.Now());

  // In progress at the end of a working day: the day's report (一日一报).
  v1::SubmitDailyReportRequest report;
  report.set_date("2021-02-10");
  auto* entry = report.add_entries();
  entry->set_ticket(name);
  entry->set_progress("已联系施工单位");
  ASSERT_TRUE(housing_->SubmitDailyReport(report).ok());

  clock_.Advance(absl::Hours(20));
  v1::ReplyTicketRequest reply;
  reply.set_name(name);
  reply.set_reply_text("已责令施工单位夜间停工");
  reply.set_outcome(Ticket::RESOLVED);
  ticket = housing_->ReplyTicket(reply);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::REPLIED);

  clock_.Advance(absl::Hours(2));
  v1::CloseTicketRequest close;
  close.set_name(name);
  close.set_satisfaction(Ticket::SATISFIED);
  ticket = bureau().CloseTicket(close);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::CLOSED);

  clock_.Advance(absl::Hours(24));
  v1::ReopenTicketRequest reopen;
  reopen.set_name(name);
  reopen.set_reason("市民反映仍有夜间施工");
  ticket = bureau().ReopenTicket(reopen);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(ticket->department(), "departments/housing");
  EXPECT_EQ(ticket->reopen_count(), 1);
  // A reopen sets a reply deadline only: no return window, no red-card
  // point (they stay unset, never 1970).
  EXPECT_FALSE(ticket->has_return_due_at());
  EXPECT_FALSE(ticket->has_red_card_due_at());
  EXPECT_TRUE(ticket->has_reply_due_at());

  const std::vector<Event::Type> expected_types = {
      Event::CREATED,      Event::DISPATCHED, Event::ACKNOWLEDGED,
      Event::DAILY_REPORT, Event::REPLIED,    Event::CLOSED,
      Event::REOPENED};
  const std::vector<std::string> expected_actors = {"intake/city",
                                                    "bureau",
                                                    "department/housing",
                                                    "department/housing",
                                                    "department/housing",
                                                    "bureau",
                                                    "bureau"};
  const std::vector<absl::Duration> expected_offsets = {
      absl::ZeroDuration(),
      absl::Minutes(10),
      absl::Minutes(70),
      absl::Minutes(70),
      absl::Minutes(70) + absl::Hours(20),
      absl::Minutes(70) + absl::Hours(22),
      absl::Minutes(70) + absl::Hours(46)};
  auto check_history = [&] {
    std::vector<Event> history = History(name);
    ASSERT_EQ(history.size(), expected_types.size());
    for (size_t i = 0; i < history.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(history[i].type(), expected_types[i]);
      EXPECT_EQ(history[i].actor(), expected_actors[i]);
      EXPECT_EQ(FromProtoTime(history[i].time()),
                created + expected_offsets[i]);
      EXPECT_EQ(history[i].ticket(), name);
      if (i > 0) {
        EXPECT_GT(history[i].seq(), history[i - 1].seq());
        EXPECT_EQ(history[i].state_before(), history[i - 1].state_after());
      }
    }
    EXPECT_EQ(history[1].reason(), "请核实处理");
    EXPECT_EQ(history[3].report_date(), "2021-02-10");
    EXPECT_EQ(history[4].reply_text(), "已责令施工单位夜间停工");
    EXPECT_EQ(history[5].satisfaction(), Ticket::SATISFIED);
    EXPECT_EQ(history[6].reason(), "市民反映仍有夜间施工");
  };
  check_history();

  RestartServer();
  bureau_ = Connect(bureau_token_);
  v1::GetTicketRequest get;
  get.set_name(name);
  absl::StatusOr<Ticket> after = bureau().GetTicket(get);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->SerializeAsString(), ticket->SerializeAsString());
  check_history();
}

TEST_F(LifecycleTest, RetriedCreateReturnsTheFirstTicket) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_request_id("retry-me-1");
  absl::StatusOr<Ticket> first = intake_->CreateTicket(create);
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Seconds(5));
  absl::StatusOr<Ticket> second = intake_->CreateTicket(create);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->name(), first->name());
  EXPECT_EQ(second->create_time().seconds(), first->create_time().seconds());

  v1::ListTicketsRequest list;
  absl::StatusOr<v1::ListTicketsResponse> all = bureau().ListTickets(list);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tickets_size(), 1);
  EXPECT_EQ(History(first->name()).size(), 1u);

  // Another caller's identical request id is its own request.
  absl::StatusOr<Ticket> other = bureau().CreateTicket(create);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->name(), first->name());
}

TEST_F(LifecycleTest, PlatformTicketNumberIsCreatedOnce) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.mutable_ticket()->set_source_id("SZ-77");
  absl::StatusOr<Ticket> first = intake_->CreateTicket(create);
  ASSERT_TRUE(first.ok());
  // A re-import with a fresh request id (the client sets one) creates
  // nothing and names the ticket made before.
  absl::StatusOr<Ticket> again = intake_->CreateTicket(create);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(again.status()), v1::DUPLICATE_SOURCE_ID);
  EXPECT_EQ(ErrorMetadataOf(again.status(), "ticket"), first->name());
  // Another intake source may not claim, or read, that number.
  std::unique_ptr<Client> other = Connect(CreateToken("intake/province"));
  absl::StatusOr<Ticket> foreign = other->CreateTicket(create);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorMetadataOf(foreign.status(), "ticket"), "");
  absl::StatusOr<v1::ListTicketsResponse> all =
      bureau().ListTickets(v1::ListTicketsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tickets_size(), 1);
}

TEST_F(LifecycleTest, CreateWithDepartmentDispatchesAtOnce) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_dispatch_to("departments/market");
  absl::StatusOr<Ticket> ticket = intake_->CreateTicket(create);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->state(), Ticket::DISPATCHED);
  EXPECT_EQ(ticket->department(), "departments/market");
  EXPECT_EQ(ticket->dispatch_count(), 1);
  std::vector<Event> history = History(ticket->name());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].type(), Event::CREATED);
  EXPECT_EQ(history[1].type(), Event::DISPATCHED);
  EXPECT_EQ(history[1].actor(), "intake/city");
  // The department sees it at once.
  v1::ListTicketsRequest list;
  list.set_filter("state = DISPATCHED");
  absl::StatusOr<v1::ListTicketsResponse> mine = market_->ListTickets(list);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->tickets_size(), 1);
  EXPECT_EQ(mine->tickets(0).name(), ticket->name());
}

TEST_F(LifecycleTest, ReturnedTicketGoesToAnotherDepartment) {
  Ticket ticket = CreateTicket("housing");
  v1::ReturnTicketRequest back;
  back.set_name(ticket.name());
  back.set_reason("属于市场监管职责");
  absl::StatusOr<Ticket> returned = housing_->ReturnTicket(back);
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state(), Ticket::RETURNED);
  EXPECT_EQ(returned->department(), "");
  // Housing no longer sees it.
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  EXPECT_EQ(housing_->GetTicket(get).status().code(),
            absl::StatusCode::kPermissionDenied);

  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(ticket.name());
  dispatch.set_department("departments/market");
  absl::StatusOr<Ticket> redispatched = bureau().DispatchTicket(dispatch);
  ASSERT_TRUE(redispatched.ok());
  EXPECT_EQ(redispatched->dispatch_count(), 2);
  EXPECT_EQ(redispatched->return_count(), 1);
  EXPECT_TRUE(market_->GetTicket(get).ok());
  std::vector<Event> history = History(ticket.name());
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[2].type(), Event::RETURNED);
  EXPECT_EQ(history[2].previous_department(), "departments/housing");
  EXPECT_EQ(history[2].reason(), "属于市场监管职责");
}

TEST_F(LifecycleTest, ReassignMovesTheTicketBetweenDepartments) {
  Ticket ticket = CreateTicket("housing");
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(ticket.name());
  dispatch.set_department("departments/market");
  ASSERT_TRUE(bureau().DispatchTicket(dispatch).ok());
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  EXPECT_EQ(housing_->GetTicket(get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(market_->GetTicket(get).ok());
  std::vector<Event> history = History(ticket.name());
  EXPECT_EQ(history.back().previous_department(), "departments/housing");
  EXPECT_EQ(history.back().department(), "departments/market");
}

TEST_F(LifecycleTest, ConcurrentEditsAreCaughtByEtag) {
  Ticket ticket = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(ticket.name());
  ack.set_etag(ticket.etag());
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  // A second writer that read the same version is refused.
  v1::ReturnTicketRequest back;
  back.set_name(ticket.name());
  back.set_reason("not ours");
  back.set_etag(ticket.etag());
  absl::StatusOr<Ticket> stale = housing_->ReturnTicket(back);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
}

TEST_F(LifecycleTest, ListingPagesThroughEveryTicketOnce) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) created.push_back(CreateTicket("housing").name());
  for (int i = 0; i < 2; ++i) CreateTicket();  // not dispatched
  v1::ListTicketsRequest list;
  list.set_page_size(3);
  list.set_filter("department = \"departments/housing\"");
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    absl::StatusOr<v1::ListTicketsResponse> page = bureau().ListTickets(list);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const Ticket& t : page->tickets()) seen.push_back(t.name());
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen, created);
  EXPECT_EQ(pages, 3);
  // The department's own view, without a filter, is the same set.
  v1::ListTicketsRequest own;
  own.set_page_size(500);
  absl::StatusOr<v1::ListTicketsResponse> mine = housing_->ListTickets(own);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->tickets_size(), 7);
  EXPECT_TRUE(mine->next_page_token().empty());
}

TEST_F(LifecycleTest, ConfidentialCallerIsHiddenFromTheDepartment) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.mutable_ticket()->set_confidential(true);
  create.set_dispatch_to("departments/housing");
  absl::StatusOr<Ticket> ticket = intake_->CreateTicket(create);
  ASSERT_TRUE(ticket.ok());
  v1::GetTicketRequest get;
  get.set_name(ticket->name());
  absl::StatusOr<Ticket> seen = housing_->GetTicket(get);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->caller_name(), "");
  EXPECT_EQ(seen->caller_phone(), "");
  v1::ListTicketsRequest list;
  absl::StatusOr<v1::ListTicketsResponse> listed = housing_->ListTickets(list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->tickets(0).caller_phone(), "");
  absl::StatusOr<Ticket> bureau_view = bureau().GetTicket(get);
  EXPECT_EQ(bureau_view->caller_name(), "张三");
}

TEST_F(LifecycleTest, HealthCheckAnswersWithoutToken) {
  std::unique_ptr<Client> anonymous = Connect("");
  EXPECT_TRUE(anonymous->CheckHealth().ok());
}

}  // namespace
}  // namespace hotline
