// Lead and assisting departments (主办/协办) as pure rules: the parts and
// their deadlines, the assisting department's own steps and their
// refusals, the lead's reply and the missing opinions, the sweeper's
// cards charged to the assisting department, suspension, who may do and
// see what, and what a part counts in the figures.
#include "workflow/assist_rules.h"

#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/access.h"
#include "workflow/scope.h"
#include "workflow/stat_facts.h"
#include "workflow/statistics.h"
#include "workflow/suspension_rules.h"
#include "workflow/sweep_rules.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::DefaultRules;
using v1::Assist;
using v1::Card;
using v1::Event;
using v1::Ticket;

// Monday 2021-03-01, 09:00.
const absl::Time kDispatch = Beijing(2021, 3, 1, 9, 0);
const std::string kHousing = "departments/housing";
const std::string kTransport = "departments/transport";
const std::string kMarket = "departments/market";

ActionContext Bureau(absl::Time at = kDispatch) {
  return {Principal::Bureau(), at};
}
ActionContext As(const std::string& id, absl::Time at) {
  return {Principal::Department(id), at};
}

Ticket Received() {
  Ticket t;
  t.set_name("tickets/7");
  t.set_etag("1");
  t.set_state(Ticket::RECEIVED);
  t.set_type(Ticket::COMPLAINT);
  t.set_topic("噪音");
  t.set_confidential(true);
  t.set_caller_phone("139 0000 0007");
  *t.mutable_received_at() = ToProtoTime(kDispatch - absl::Hours(1));
  *t.mutable_create_time() = ToProtoTime(kDispatch - absl::Hours(1));
  *t.mutable_update_time() = ToProtoTime(kDispatch - absl::Hours(1));
  return t;
}

// Housing leads; transport and market assist.
TicketChange Dispatched() {
  absl::StatusOr<TicketChange> change = DispatchWithAssists(
      Received(), kHousing, {kTransport, kMarket},
      "噪音扰民,交通与市场监管协办", "", Bureau(), DefaultRules());
  EXPECT_TRUE(change.ok()) << change.status();
  return *change;
}

const Assist& PartOf(const Ticket& t, const std::string& department) {
  for (const Assist& part : t.assists()) {
    if (part.department() == department) return part;
  }
  ADD_FAILURE() << "no part of " << department;
  static const Assist kNone;
  return kNone;
}

// A step that must succeed.
Ticket Ok(absl::StatusOr<TicketChange> change) {
  EXPECT_TRUE(change.ok()) << change.status();
  return change.ok() ? change->ticket : Ticket();
}

TEST(Assist, ADispatchAsksEachAssistingDepartmentWithItsOwnDeadlines) {
  const TicketChange change = Dispatched();
  const Ticket& t = change.ticket;
  EXPECT_EQ(t.department(), kHousing);
  ASSERT_EQ(t.assists_size(), 2);
  const Assist& transport = PartOf(t, kTransport);
  EXPECT_EQ(transport.state(), Assist::DISPATCHED);
  EXPECT_EQ(transport.added_by(), "bureau");
  // Sign-for and return: one working day, as for the lead (Tuesday's end).
  EXPECT_EQ(FromProtoTime(transport.ack_due_at()), Beijing(2021, 3, 3));
  EXPECT_EQ(FromProtoTime(transport.return_due_at()), Beijing(2021, 3, 3));
  // Until it signs, the opinion is due 5 working days after the sign-for
  // deadline: Thursday 03-04 through Wednesday 03-10.
  EXPECT_EQ(FromProtoTime(transport.opinion_due_at()), Beijing(2021, 3, 11));
  // One event, listing who sees it.
  EXPECT_EQ(change.event.type(), Event::DISPATCHED);
  EXPECT_EQ(
      std::vector<std::string>(change.event.assisting_departments().begin(),
                               change.event.assisting_departments().end()),
      (std::vector<std::string>{kTransport, kMarket}));
  // The lead's own deadlines are what they always were: 15 working days.
  EXPECT_EQ(FromProtoTime(t.reply_due_at()), Beijing(2021, 3, 23));
  // The sweeper looks at the ticket at the first pending deadline.
  EXPECT_EQ(FromProtoTime(t.next_due_at()), Beijing(2021, 3, 3));
}

TEST(Assist, TheLeadCannotAssistNorAssistTwice) {
  absl::StatusOr<TicketChange> lead_too = DispatchWithAssists(
      Received(), kHousing, {kHousing}, "", "", Bureau(), DefaultRules());
  EXPECT_EQ(lead_too.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(lead_too.status()), v1::ASSIST_IS_LEAD);

  const Ticket t = Dispatched().ticket;
  absl::StatusOr<TicketChange> again =
      AddAssist(t, kTransport, "", "", Bureau(), DefaultRules());
  EXPECT_EQ(ReasonOf(again.status()), v1::ALREADY_ASSISTING);
  absl::StatusOr<TicketChange> the_lead =
      AddAssist(t, kHousing, "", "", Bureau(), DefaultRules());
  EXPECT_EQ(ReasonOf(the_lead.status()), v1::ASSIST_IS_LEAD);
  // Making an assisting department the lead needs its part removed first.
  absl::StatusOr<TicketChange> swap =
      DispatchWithAssists(t, kTransport, {}, "", "", Bureau(), DefaultRules());
  EXPECT_EQ(ReasonOf(swap.status()), v1::ALREADY_ASSISTING);
  // Nothing is added to a ticket nobody leads.
  absl::StatusOr<TicketChange> unassigned =
      AddAssist(Received(), kMarket, "", "", Bureau(), DefaultRules());
  EXPECT_EQ(unassigned.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Assist, SignForThenOpinionAndTheRefusalsOutOfOrder) {
  Ticket t = Dispatched().ticket;
  const absl::Time tuesday = Beijing(2021, 3, 2, 10, 0);
  // An opinion before the sign-for.
  absl::StatusOr<TicketChange> early =
      SubmitAssistOpinion(t, "意见", "", As("transport", tuesday));
  EXPECT_EQ(ReasonOf(early.status()), v1::ASSIST_STATE);
  // A department that does not assist.
  absl::StatusOr<TicketChange> stranger =
      AcknowledgeAssist(t, "", As("water", tuesday), DefaultRules());
  EXPECT_EQ(ReasonOf(stranger.status()), v1::NOT_ASSISTING);

  absl::StatusOr<TicketChange> signed_for =
      AcknowledgeAssist(t, "", As("transport", tuesday), DefaultRules());
  ASSERT_TRUE(signed_for.ok()) << signed_for.status();
  EXPECT_EQ(signed_for->event.type(), Event::ASSIST_ACKNOWLEDGED);
  EXPECT_EQ(signed_for->event.assist_department(), kTransport);
  EXPECT_EQ(signed_for->ticket.state(), Ticket::DISPATCHED);  // the lead's
  t = signed_for->ticket;
  // Five working days from the sign-for: 03-03 through 03-09.
  EXPECT_EQ(FromProtoTime(PartOf(t, kTransport).opinion_due_at()),
            Beijing(2021, 3, 10));
  EXPECT_EQ(ReasonOf(AcknowledgeAssist(t, "", As("transport", tuesday),
                                       DefaultRules())
                         .status()),
            v1::ASSIST_STATE);

  t = Ok(SubmitAssistOpinion(t, "路段限行已安排", "",
                             As("transport", tuesday + absl::Hours(2))));
  EXPECT_EQ(PartOf(t, kTransport).state(), Assist::OPINION_GIVEN);
  EXPECT_EQ(PartOf(t, kTransport).opinion(), "路段限行已安排");
  EXPECT_EQ(
      ReasonOf(SubmitAssistOpinion(t, "again", "", As("transport", tuesday))
                   .status()),
      v1::ASSIST_STATE);
  // A part whose opinion is in cannot be returned.
  EXPECT_EQ(
      ReasonOf(
          ReturnAssist(t, "不是我们的", "", As("transport", tuesday)).status()),
      v1::ASSIST_STATE);
}

TEST(Assist, ALateSignForDoesNotPostponeTheOpinion) {
  const Ticket t = Dispatched().ticket;
  // Market signs on Monday 03-08, after its deadline (end of 03-02): its
  // opinion stays due 5 working days after that deadline, 03-10's end.
  const Ticket late = Ok(AcknowledgeAssist(
      t, "", As("market", Beijing(2021, 3, 8, 10, 0)), DefaultRules()));
  EXPECT_EQ(FromProtoTime(PartOf(late, kMarket).opinion_due_at()),
            Beijing(2021, 3, 11));
}

TEST(Assist, TheOpinionIsNeverDueAfterTheLeadsReply) {
  Ticket urgent = Received();
  urgent.set_urgency(Ticket::URGENT);  // the lead has 24 clock hours
  const Ticket t = Ok(DispatchWithAssists(urgent, kHousing, {kTransport}, "",
                                          "", Bureau(), DefaultRules()));
  EXPECT_EQ(FromProtoTime(PartOf(t, kTransport).opinion_due_at()),
            kDispatch + absl::Hours(24));
  const Ticket signed_for = Ok(AcknowledgeAssist(
      t, "", As("transport", kDispatch + absl::Minutes(30)), DefaultRules()));
  EXPECT_EQ(FromProtoTime(PartOf(signed_for, kTransport).opinion_due_at()),
            kDispatch + absl::Hours(24));
}

TEST(Assist, AReturnWithinTheWindowEndsThePartAndItsView) {
  const Ticket t = Dispatched().ticket;
  absl::StatusOr<TicketChange> returned = ReturnAssist(
      t, "非本单位职责", "", As("market", Beijing(2021, 3, 2, 16, 0)));
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(PartOf(returned->ticket, kMarket).state(), Assist::RETURNED);
  EXPECT_EQ(PartOf(returned->ticket, kMarket).end_reason(), "非本单位职责");
  EXPECT_EQ(AssistingDepartments(returned->ticket),
            std::vector<std::string>{kTransport});
  // The event reaches the department that returned its part.
  EXPECT_EQ(returned->event.assist_department(), kMarket);
  Scope market;
  market.department = kMarket;
  EXPECT_TRUE(InScope(market, t));
  EXPECT_FALSE(InScope(market, returned->ticket));
  // After the window (Tuesday's end) only the bureau may remove it.
  absl::StatusOr<TicketChange> late =
      ReturnAssist(t, "晚了", "", As("market", Beijing(2021, 3, 3, 9, 0)));
  EXPECT_EQ(ReasonOf(late.status()), v1::ASSIST_STATE);
  // The bureau may ask it again.
  const Ticket asked_again =
      Ok(AddAssist(returned->ticket, kMarket, "请协办", "",
                   Bureau(Beijing(2021, 3, 3)), DefaultRules()));
  EXPECT_EQ(PartOf(asked_again, kMarket).state(), Assist::DISPATCHED);
  EXPECT_EQ(asked_again.assists_size(), 2);
}

TEST(Assist, TheLeadRepliesWhenTheOpinionsAreInOrSaysWhyNot) {
  Ticket t = Dispatched().ticket;
  t = Ok(Acknowledge(t, "", As("housing", Beijing(2021, 3, 1, 10, 0)),
                     DefaultRules()));
  const ActionContext lead = As("housing", Beijing(2021, 3, 5, 10, 0));
  absl::StatusOr<TicketChange> early =
      Reply(t, "已处理", Ticket::RESOLVED, "", lead);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(early.status()), v1::OPINIONS_MISSING);
  EXPECT_EQ(ErrorMetadataOf(early.status(), "missing"),
            kTransport + ", " + kMarket);

  const Ticket with_reason = Ok(
      Reply(t, "已处理", Ticket::RESOLVED, "", lead, "市场监管局逾期未反馈"));
  EXPECT_EQ(with_reason.missing_opinions_reason(), "市场监管局逾期未反馈");
  // The reply ends the parts' clocks.
  EXPECT_FALSE(with_reason.has_next_due_at());

  // With every opinion in, no reason is needed and none is kept.
  const absl::Time tuesday = Beijing(2021, 3, 2, 10, 0);
  for (const char* id : {"transport", "market"}) {
    t = Ok(AcknowledgeAssist(t, "", As(id, tuesday), DefaultRules()));
    t = Ok(SubmitAssistOpinion(t, "意见", "", As(id, tuesday)));
  }
  const Ticket replied = Ok(Reply(t, "已处理", Ticket::RESOLVED, "", lead));
  EXPECT_EQ(replied.missing_opinions_reason(), "");

  // A removal after the reply: not of an opinion the reply rests on.
  absl::StatusOr<TicketChange> removal = RemoveAssist(
      replied, kTransport, "误派", "", Bureau(Beijing(2021, 3, 6)));
  EXPECT_EQ(ReasonOf(removal.status()), v1::OPINION_RELIED_ON);
  const Ticket removed = Ok(RemoveAssist(with_reason, kMarket, "未参与", "",
                                         Bureau(Beijing(2021, 3, 6))));
  EXPECT_EQ(PartOf(removed, kMarket).state(), Assist::REMOVED);
  EXPECT_EQ(ReasonOf(RemoveAssist(removed, kMarket, "again", "",
                                  Bureau(Beijing(2021, 3, 6)))
                         .status()),
            v1::NOT_ASSISTING);
}

TEST(Assist, ALateOpinionEarnsTheAssistingDepartmentItsOwnCards) {
  Ticket t = Dispatched().ticket;
  t = Ok(Acknowledge(t, "", As("housing", Beijing(2021, 3, 1, 10, 0)),
                     DefaultRules()));
  t = Ok(AcknowledgeAssist(t, "", As("transport", Beijing(2021, 3, 2, 10, 0)),
                           DefaultRules()));
  // Market never signs: at Tuesday's end its sign-for is overdue, and at
  // 03-11 its opinion; transport's opinion is due 03-10.
  const SweepResult swept = Sweep(t, Beijing(2021, 3, 11), DefaultRules());
  std::vector<std::pair<Event::Type, std::string>> seen;
  std::vector<Card> cards;
  for (const SweepStep& step : swept.steps) {
    if (!step.event) continue;
    if (step.event->assist_department().empty()) continue;
    seen.emplace_back(step.event->type(), step.event->assist_department());
    if (step.card) cards.push_back(*step.card);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<Event::Type, std::string>>{
                      {Event::ASSIST_ACK_OVERDUE, kMarket},
                      {Event::CARD_ISSUED, kTransport},
                      {Event::CARD_ISSUED, kMarket}}));
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].department(), kTransport);
  EXPECT_TRUE(cards[0].assist());
  EXPECT_EQ(cards[0].color(), Card::YELLOW);
  EXPECT_EQ(FromProtoTime(cards[0].issue_time()), Beijing(2021, 3, 10));
  // The lead's own deadline has not passed: no card of its own.
  EXPECT_FALSE(swept.ticket.reply_overdue());
  EXPECT_TRUE(PartOf(swept.ticket, kTransport).opinion_overdue());

  // The red card by the same rule: 5 working days after 03-09's end.
  const SweepResult later =
      Sweep(swept.ticket, Beijing(2021, 3, 17), DefaultRules());
  int red = 0;
  for (const SweepStep& step : later.steps) {
    if (step.card && step.card->color() == Card::RED) {
      ++red;
      EXPECT_TRUE(step.card->assist());
      EXPECT_EQ(step.card->department(), kTransport);
      EXPECT_EQ(FromProtoTime(step.card->issue_time()), Beijing(2021, 3, 17));
    }
  }
  EXPECT_EQ(red, 1);
}

TEST(Assist, ASuspensionStopsThePartsClocksToo) {
  Ticket t = Dispatched().ticket;
  t = Ok(Acknowledge(t, "", As("housing", Beijing(2021, 3, 1, 10, 0)),
                     DefaultRules()));
  t = Ok(AcknowledgeAssist(t, "", As("transport", Beijing(2021, 3, 2, 10, 0)),
                           DefaultRules()));
  // Suspended on Wednesday 03-03, resumed on Monday 03-15: the opinion due
  // at the end of 03-09 keeps the working days it had left after 03-03
  // (03-04 .. 03-09), counted again from the resumption, as the lead's.
  t.set_state(Ticket::SUSPENDED);
  t.mutable_suspension()->set_reason("等待鉴定");
  *t.mutable_suspension()->mutable_start_time() =
      ToProtoTime(Beijing(2021, 3, 3, 12, 0));
  *t.mutable_suspension()->mutable_expected_end() =
      ToProtoTime(Beijing(2021, 4, 1));
  EXPECT_EQ(NextAssistDue(t), absl::InfiniteFuture());
  const Ticket resumed =
      Ok(Resume(t, "鉴定完成", "", As("housing", Beijing(2021, 3, 15, 9, 0)),
                DefaultRules()));
  const absl::Time moved =
      FromProtoTime(PartOf(resumed, kTransport).opinion_due_at());
  EXPECT_EQ(moved, DefaultRules().calendar->MoveByPause(
                       Beijing(2021, 3, 10), Beijing(2021, 3, 3, 12, 0),
                       Beijing(2021, 3, 15, 9, 0)));
  EXPECT_GT(moved, Beijing(2021, 3, 15));
}

TEST(Assist, EachDepartmentActsOnlyInItsOwnRole) {
  const Ticket t = Dispatched().ticket;
  const Principal transport = Principal::Department("transport");
  const Principal housing = Principal::Department("housing");
  const Principal water = Principal::Department("water");
  // The assisting department sees the ticket and works on its part...
  EXPECT_TRUE(
      AuthorizeOnTicket(transport, TicketAction::kView, t.name(), &t).ok());
  EXPECT_TRUE(
      AuthorizeOnTicket(transport, TicketAction::kAssistPart, t.name(), &t)
          .ok());
  // ... but cannot reply, return the ticket or sign for the lead.
  for (TicketAction action : {TicketAction::kReply, TicketAction::kReturn,
                              TicketAction::kAcknowledge}) {
    const absl::Status status =
        AuthorizeOnTicket(transport, action, t.name(), &t);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(ReasonOf(status), v1::NOT_YOURS);
  }
  // The lead does not work on an assisting part; a stranger sees nothing.
  EXPECT_EQ(AuthorizeOnTicket(housing, TicketAction::kAssistPart, t.name(), &t)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AuthorizeOnTicket(water, TicketAction::kView, t.name(), &t).code(),
            absl::StatusCode::kPermissionDenied);
  // Only the bureau adds and removes; only departments work on parts.
  EXPECT_TRUE(AuthorizeAction(Principal::Bureau(), TicketAction::kAssign).ok());
  EXPECT_EQ(AuthorizeAction(transport, TicketAction::kAssign).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      AuthorizeAction(Principal::Bureau(), TicketAction::kAssistPart).code(),
      absl::StatusCode::kPermissionDenied);
  // The caller of a confidential ticket stays hidden from it, as from the
  // lead.
  EXPECT_EQ(ViewFor(transport, t).caller_phone(), "");
  // It sees the ticket's events on its feed.
  Event dispatched = Dispatched().event;
  EXPECT_TRUE(EventViewFor(transport, dispatched).has_value());
  EXPECT_FALSE(EventViewFor(water, dispatched).has_value());
}

TEST(Assist, APartCountsForItsDepartmentAndTheTicketOnceForItsLead) {
  const absl::TimeZone zone = DefaultRules().calendar->zone();
  Ticket t = Dispatched().ticket;
  // The ticket's own figures do not see the parts.
  Ticket alone = t;
  alone.clear_assists();
  EXPECT_EQ(TicketFacts(t, zone).counts.c, TicketFacts(alone, zone).counts.c);
  EXPECT_EQ(TicketFacts(t, zone).department, kHousing);

  std::vector<StatFacts> parts = AssistFacts(t, zone);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].department, kTransport);
  EXPECT_EQ(parts[0].counts[kAssists], 1);
  EXPECT_EQ(parts[0].counts[kAssistOpinions], 0);

  // Transport answers on time; market's deadline passes.
  const absl::Time tuesday = Beijing(2021, 3, 2, 10, 0);
  Ticket answered =
      Ok(AcknowledgeAssist(t, "", As("transport", tuesday), DefaultRules()));
  answered =
      Ok(SubmitAssistOpinion(answered, "意见", "", As("transport", tuesday)));
  const SweepResult swept =
      Sweep(answered, Beijing(2021, 3, 11, 8, 0), DefaultRules());
  StatVector sum;
  for (const StatFacts& facts : AssistFacts(swept.ticket, zone)) {
    sum += facts.counts;
  }
  EXPECT_EQ(sum[kAssists], 2);
  EXPECT_EQ(sum[kAssistOpinions], 1);
  EXPECT_EQ(sum[kAssistOpinionsOnTime], 1);
  EXPECT_EQ(sum[kAssistOverdue], 1);
  const v1::Figures figures = MakeFigures(sum, 1);
  EXPECT_EQ(figures.assist_on_time_rate_permille(), 500);
  EXPECT_EQ(figures.received(), 0);

  // Market's overdue counts from its deadline, not from the late sweep.
  const std::vector<TimedFacts> changes =
      TicketStatChanges(&answered, swept.ticket, zone);
  bool found = false;
  for (const TimedFacts& change : changes) {
    if (change.after && change.after->department == kMarket &&
        change.after->counts[kAssistOverdue] == 1) {
      found = true;
      EXPECT_EQ(change.at, Beijing(2021, 3, 11));
    }
  }
  EXPECT_TRUE(found);

  // A card for a late opinion counts in the assisting cards, not the lead's.
  Card card;
  card.set_department(kMarket);
  card.set_color(Card::YELLOW);
  card.set_assist(true);
  *card.mutable_issue_time() = ToProtoTime(Beijing(2021, 3, 11));
  std::optional<StatFacts> card_facts =
      CardFacts(card, Ticket::COMPLAINT, "噪音", zone);
  ASSERT_TRUE(card_facts.has_value());
  EXPECT_EQ(card_facts->counts[kAssistYellowCards], 1);
  EXPECT_EQ(card_facts->counts[kYellowCards], 0);

  // A returned part counts as returned, no longer as an assist.
  const Ticket returned = Ok(
      ReturnAssist(t, "非本单位", "", As("market", Beijing(2021, 3, 2, 9, 0))));
  for (const StatFacts& facts : AssistFacts(returned, zone)) {
    if (facts.department != kMarket) continue;
    EXPECT_EQ(facts.counts[kAssists], 0);
    EXPECT_EQ(facts.counts[kAssistsReturned], 1);
  }
}

}  // namespace
}  // namespace hotline
