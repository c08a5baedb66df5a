// Lead and assisting departments (主办/协办), end to end: the real server in
// rehearsal mode, driven through the client library. A noise complaint
// crosses departments: housing leads, transport and market assist. Each
// assisting department signs for its part and gives its opinion (or
// returns its part); the lead replies on them; a late opinion earns the
// assisting department its own card; the figures count each part for its
// department and the ticket once for its lead.
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
using v1::Assist;
using v1::Event;
using v1::Ticket;

class AssistTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    for (const char* id : {"housing", "transport", "market", "water"}) {
      CreateDepartment(id);
    }
    housing_ = Connect(CreateToken("department/housing"));
    transport_ = Connect(CreateToken("department/transport"));
    market_ = Connect(CreateToken("department/market"));
    water_ = Connect(CreateToken("department/water"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  v1::CreateTicketRequest Request(std::vector<std::string> assisting) {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
    create.mutable_ticket()->set_caller_phone("139 0000 0007");
    create.mutable_ticket()->set_confidential(true);
    create.set_dispatch_to("departments/housing");
    for (std::string& department : assisting) {
      create.add_assisting_departments(std::move(department));
    }
    return create;
  }

  std::string Create(std::vector<std::string> assisting = {
                         "departments/transport", "departments/market"}) {
    absl::StatusOr<Ticket> created =
        bureau().CreateTicket(Request(std::move(assisting)));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  absl::StatusOr<Ticket> Get(Client& as, const std::string& name) {
    v1::GetTicketRequest get;
    get.set_name(name);
    return as.GetTicket(get);
  }
  absl::StatusOr<Ticket> Ack(Client& as, const std::string& name) {
    v1::AcknowledgeAssistRequest ack;
    ack.set_name(name);
    return as.AcknowledgeAssist(ack);
  }
  absl::StatusOr<Ticket> Opinion(Client& as, const std::string& name,
                                 const std::string& text) {
    v1::SubmitAssistOpinionRequest opinion;
    opinion.set_name(name);
    opinion.set_opinion(text);
    return as.SubmitAssistOpinion(opinion);
  }
  absl::StatusOr<Ticket> Reply(const std::string& name,
                               const std::string& missing_reason = "") {
    v1::ReplyTicketRequest reply;
    reply.set_name(name);
    reply.set_reply_text("已协调处理");
    reply.set_outcome(Ticket::RESOLVED);
    reply.set_missing_opinions_reason(missing_reason);
    return housing_->ReplyTicket(reply);
  }
  std::vector<std::string> Listed(Client& as, const std::string& filter) {
    v1::ListTicketsRequest list;
    list.set_filter(filter);
    absl::StatusOr<v1::ListTicketsResponse> response = as.ListTickets(list);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> names;
    if (!response.ok()) return names;
    for (const Ticket& t : response->tickets()) names.push_back(t.name());
    return names;
  }
  const Assist& PartOf(const Ticket& t, const std::string& department) {
    for (const Assist& part : t.assists()) {
      if (part.department() == department) return part;
    }
    ADD_FAILURE() << "no part of " << department;
    static const Assist kNone;
    return kNone;
  }
  v1::Figures March(const std::string& department = "") {
    return FiguresOf("2021-03-01", "2021-04-01", absl::InfiniteFuture(),
                     department);
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> transport_;
  std::unique_ptr<Client> market_;
  std::unique_ptr<Client> water_;
};

TEST_F(AssistTest, BadAssistingDepartmentsAtCreateMakeNothing) {
  struct Case {
    std::vector<std::string> assisting;
    bool dispatch;
    absl::StatusCode code;
    v1::ErrorReason reason;
  };
  const std::vector<Case> cases = {
      {{"departments/transport"},
       false,
       absl::StatusCode::kInvalidArgument,
       v1::INVALID_FIELD},
      {{"departments/housing"},
       true,
       absl::StatusCode::kInvalidArgument,
       v1::ASSIST_IS_LEAD},
      {{"departments/transport", "departments/transport"},
       true,
       absl::StatusCode::kInvalidArgument,
       v1::INVALID_FIELD},
      {{"transport"},
       true,
       absl::StatusCode::kInvalidArgument,
       v1::INVALID_FIELD},
      {{"departments/nowhere"},
       true,
       absl::StatusCode::kNotFound,
       v1::NOT_FOUND},
  };
  for (const Case& c : cases) {
    v1::CreateTicketRequest create = Request(c.assisting);
    if (!c.dispatch) create.clear_dispatch_to();
    absl::StatusOr<Ticket> created = bureau().CreateTicket(create);
    EXPECT_EQ(created.status().code(), c.code) << created.status();
    EXPECT_EQ(ReasonOf(created.status()), c.reason) << created.status();
  }
  EXPECT_TRUE(Listed(bureau(), "").empty());
}

TEST_F(AssistTest, AnAssistingDepartmentSeesTheTicketAndWorksOnlyOnItsPart) {
  const std::string t = Create();
  // Transport sees it, the caller hidden as from the lead; a stranger not.
  absl::StatusOr<Ticket> seen = Get(*transport_, t);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->caller_phone(), "");
  EXPECT_EQ(seen->department(), "departments/housing");
  EXPECT_EQ(ReasonOf(Get(*water_, t).status()), v1::NOT_YOURS);
  // Its list of tickets it assists; its own queue holds only what it leads.
  EXPECT_EQ(Listed(*transport_, "assisting = \"departments/transport\""),
            std::vector<std::string>{t});
  EXPECT_TRUE(Listed(*transport_, "").empty());
  EXPECT_EQ(Listed(bureau(), "assisting = \"departments/market\""),
            std::vector<std::string>{t});
  v1::ListTicketsRequest others;
  others.set_filter("assisting = \"departments/market\"");
  EXPECT_EQ(ReasonOf(transport_->ListTickets(others).status()), v1::NOT_YOURS);

  // It cannot take the lead's steps, nor the lead its part.
  v1::AcknowledgeTicketRequest lead_ack;
  lead_ack.set_name(t);
  absl::Status lead_step = transport_->AcknowledgeTicket(lead_ack).status();
  EXPECT_EQ(lead_step.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(lead_step), v1::NOT_YOURS);
  EXPECT_EQ(ReasonOf(Ack(*housing_, t).status()), v1::NOT_YOURS);
  EXPECT_EQ(ReasonOf(Ack(bureau(), t).status()), v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(ReasonOf(Ack(*water_, t).status()), v1::NOT_YOURS);
  // Out of order: an opinion before the sign-for changes nothing.
  absl::StatusOr<Ticket> early = Opinion(*transport_, t, "意见");
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(early.status()), v1::ASSIST_STATE);
  const size_t events_before = History(t).size();

  absl::StatusOr<Ticket> signed_for = Ack(*transport_, t);
  ASSERT_TRUE(signed_for.ok()) << signed_for.status();
  EXPECT_EQ(PartOf(*signed_for, "departments/transport").state(),
            Assist::ACKNOWLEDGED);
  EXPECT_EQ(signed_for->state(), Ticket::DISPATCHED);
  absl::StatusOr<Ticket> answered = Opinion(*transport_, t, "已安排限行");
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(PartOf(*answered, "departments/transport").opinion(), "已安排限行");
  // Market returns its part within its window, and no longer sees it.
  v1::ReturnAssistRequest give_back;
  give_back.set_name(t);
  give_back.set_reason("非本单位职责");
  absl::StatusOr<Ticket> returned = market_->ReturnAssist(give_back);
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(PartOf(*returned, "departments/market").state(), Assist::RETURNED);
  EXPECT_EQ(ReasonOf(Get(*market_, t).status()), v1::NOT_YOURS);

  const std::vector<Event> history = History(t);
  ASSERT_EQ(history.size(), events_before + 3);
  EXPECT_EQ(history[events_before].type(), Event::ASSIST_ACKNOWLEDGED);
  EXPECT_EQ(history[events_before + 1].type(), Event::ASSIST_OPINION);
  EXPECT_EQ(history[events_before + 1].reply_text(), "已安排限行");
  EXPECT_EQ(history[events_before + 2].type(), Event::ASSIST_RETURNED);
  EXPECT_EQ(history[events_before + 2].assist_department(),
            "departments/market");
  // The assisting department reads the whole history of its ticket.
  v1::ListTicketEventsRequest events;
  events.set_parent(t);
  absl::StatusOr<v1::ListTicketEventsResponse> its =
      transport_->ListTicketEvents(events);
  ASSERT_TRUE(its.ok()) << its.status();
  EXPECT_EQ(static_cast<size_t>(its->events_size()), history.size());
}

TEST_F(AssistTest, TheLeadRepliesOnTheOpinionsOrSaysWhichAreMissing) {
  const std::string t = Create({"departments/transport"});
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(t);
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  // The bureau adds market later; adding the lead or twice is refused.
  v1::AddAssistingDepartmentRequest add;
  add.set_name(t);
  add.set_department("departments/housing");
  EXPECT_EQ(ReasonOf(bureau().AddAssistingDepartment(add).status()),
            v1::ASSIST_IS_LEAD);
  add.set_department("departments/transport");
  EXPECT_EQ(ReasonOf(bureau().AddAssistingDepartment(add).status()),
            v1::ALREADY_ASSISTING);
  EXPECT_EQ(ReasonOf(housing_->AddAssistingDepartment(add).status()),
            v1::ROLE_NOT_ALLOWED);
  add.set_department("departments/market");
  add.set_note("涉及占道经营");
  absl::StatusOr<Ticket> added = bureau().AddAssistingDepartment(add);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(PartOf(*added, "departments/market").note(), "涉及占道经营");
  EXPECT_EQ(History(t).back().type(), Event::ASSIST_ADDED);

  ASSERT_TRUE(Ack(*transport_, t).ok());
  ASSERT_TRUE(Opinion(*transport_, t, "已安排限行").ok());
  AdvanceTo(Beijing(2021, 3, 5, 10));
  absl::StatusOr<Ticket> early = Reply(t);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(early.status()), v1::OPINIONS_MISSING);
  EXPECT_EQ(ErrorMetadataOf(early.status(), "missing"), "departments/market");
  EXPECT_EQ(Get(bureau(), t)->state(), Ticket::IN_PROGRESS);

  absl::StatusOr<Ticket> replied = Reply(t, "市场监管局未反馈,先行答复");
  ASSERT_TRUE(replied.ok()) << replied.status();
  EXPECT_EQ(replied->missing_opinions_reason(), "市场监管局未反馈,先行答复");
  // After the reply the part is over: no opinion, and no removal of the
  // opinion the reply rests on.
  EXPECT_EQ(ReasonOf(Ack(*market_, t).status()), v1::TICKET_STATE);
  v1::RemoveAssistingDepartmentRequest remove;
  remove.set_name(t);
  remove.set_department("departments/transport");
  remove.set_reason("误派");
  EXPECT_EQ(ReasonOf(bureau().RemoveAssistingDepartment(remove).status()),
            v1::OPINION_RELIED_ON);
  remove.set_department("departments/market");
  absl::StatusOr<Ticket> removed = bureau().RemoveAssistingDepartment(remove);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(PartOf(*removed, "departments/market").state(), Assist::REMOVED);
  EXPECT_EQ(ReasonOf(Get(*market_, t).status()), v1::NOT_YOURS);
}

TEST_F(AssistTest, ALateOpinionEarnsTheAssistingDepartmentItsCardsAndFigures) {
  const std::string answered = Create({"departments/transport"});
  const std::string late = Create({"departments/market"});
  ASSERT_TRUE(Ack(*transport_, answered).ok());
  ASSERT_TRUE(Opinion(*transport_, answered, "同意").ok());
  ASSERT_TRUE(Ack(*market_, late).ok());
  // Market signed on Monday: its opinion was due at the end of Monday
  // 03-08; a yellow card for market at that instant, none for housing.
  AdvanceTo(Beijing(2021, 3, 9, 9));
  v1::ListCardsRequest cards;
  cards.set_department("departments/market");
  absl::StatusOr<v1::ListCardsResponse> market_cards =
      bureau().ListCards(cards);
  ASSERT_TRUE(market_cards.ok()) << market_cards.status();
  ASSERT_EQ(market_cards->cards_size(), 1);
  const v1::Card& card = market_cards->cards(0);
  EXPECT_TRUE(card.assist());
  EXPECT_EQ(card.ticket(), late);
  EXPECT_EQ(card.color(), v1::Card::YELLOW);
  EXPECT_EQ(FromProtoTime(card.issue_time()), Beijing(2021, 3, 9));
  // Market sees its own card.
  absl::StatusOr<v1::ListCardsResponse> own = market_->ListCards({});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->cards_size(), 1);

  const v1::Figures total = March();
  EXPECT_EQ(total.received(), 2);
  EXPECT_EQ(total.yellow_cards(), 0);
  EXPECT_EQ(total.assists(), 2);
  EXPECT_EQ(total.assist_yellow_cards(), 1);
  const v1::Figures housing = March("departments/housing");
  EXPECT_EQ(housing.received(), 2);
  EXPECT_EQ(housing.assists(), 0);
  const v1::Figures transport = March("departments/transport");
  EXPECT_EQ(transport.received(), 0);
  EXPECT_EQ(transport.assists(), 1);
  EXPECT_EQ(transport.assist_opinions_on_time(), 1);
  EXPECT_EQ(transport.assist_on_time_rate_permille(), 1000);
  const v1::Figures market = March("departments/market");
  EXPECT_EQ(market.assists(), 1);
  EXPECT_EQ(market.assist_overdue(), 1);
  EXPECT_EQ(market.assist_on_time_rate_permille(), 0);
  EXPECT_EQ(market.assist_yellow_cards(), 1);
  EXPECT_EQ(market.yellow_cards(), 0);
  // A department reads its own assisting figures.
  v1::GetStatisticsRequest own_figures;
  own_figures.set_from_date("2021-03-01");
  own_figures.set_to_date("2021-04-01");
  absl::StatusOr<v1::Statistics> mine = market_->GetStatistics(own_figures);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->total().assist_yellow_cards(), 1);
  EXPECT_EQ(mine->total().received(), 0);
}

TEST_F(AssistTest, WithoutAssistingDepartmentsTheFiguresAreTodays) {
  const std::string t = Create({});
  EXPECT_EQ(Get(bureau(), t)->assists_size(), 0);
  const v1::Figures total = March();
  EXPECT_EQ(total.received(), 1);
  EXPECT_EQ(total.assists(), 0);
  EXPECT_FALSE(total.has_assist_on_time_rate_permille());
}

}  // namespace
}  // namespace hotline
