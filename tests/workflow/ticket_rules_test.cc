// The lifecycle rules as pure functions: every allowed and every disallowed
// transition, from every state.
#include "workflow/ticket_rules.h"

#include <functional>
#include <map>
#include <set>
#include <string>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/access.h"
#include "workflow/scope.h"
#include "workflow/suspension_rules.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Ticket;

const absl::Time kNow = absl::FromUnixSeconds(1612918800);  // 2021-02-10

ActionContext Bureau() { return {Principal::Bureau(), kNow}; }
ActionContext Housing() { return {Principal::Department("housing"), kNow}; }

Ticket InState(Ticket::State state) {
  Ticket ticket;
  ticket.set_name("tickets/1");
  ticket.set_etag("5");
  ticket.set_state(state);
  if (state != Ticket::RECEIVED && state != Ticket::RETURNED) {
    ticket.set_department("departments/housing");
  }
  return ticket;
}

using Step = std::function<absl::StatusOr<TicketChange>(const Ticket&)>;

const std::map<std::string, Step>& Steps() {
  static const auto* steps = new std::map<std::string, Step>{
      {"Dispatch",
       [](const Ticket& t) {
         return Dispatch(t, "departments/market", "note", "", Bureau(),
                         testing::DefaultRules());
       }},
      {"Acknowledge",
       [](const Ticket& t) {
         return Acknowledge(t, "", Housing(), testing::DefaultRules());
       }},
      {"Return",
       [](const Ticket& t) { return Return(t, "not ours", "", Housing()); }},
      {"Reply",
       [](const Ticket& t) {
         return Reply(t, "done", Ticket::RESOLVED, "", Housing());
       }},
      {"Close",
       [](const Ticket& t) {
         return Close(t, Ticket::SATISFIED, "", Bureau());
       }},
      {"Reopen",
       [](const Ticket& t) {
         return Reopen(t, "again", "", Bureau(), testing::DefaultRules());
       }},
      {"Resume",
       [](const Ticket& t) {
         return Resume(t, "", "", Housing(), testing::DefaultRules());
       }},
  };
  return *steps;
}

// The lifecycle of docs/design.md ("The ticket lifecycle"): step -> the
// states it is allowed from, and the state it leads to.
struct Allowed {
  std::set<Ticket::State> from;
  Ticket::State to;
};
const std::map<std::string, Allowed>& Lifecycle() {
  static const auto* lifecycle = new std::map<std::string, Allowed>{
      {"Dispatch",
       {{Ticket::RECEIVED, Ticket::RETURNED, Ticket::DISPATCHED,
         Ticket::IN_PROGRESS},
        Ticket::DISPATCHED}},
      {"Acknowledge", {{Ticket::DISPATCHED}, Ticket::IN_PROGRESS}},
      {"Return", {{Ticket::DISPATCHED, Ticket::IN_PROGRESS}, Ticket::RETURNED}},
      {"Reply", {{Ticket::IN_PROGRESS}, Ticket::REPLIED}},
      {"Close", {{Ticket::REPLIED}, Ticket::CLOSED}},
      {"Reopen", {{Ticket::REPLIED, Ticket::CLOSED}, Ticket::IN_PROGRESS}},
      {"Resume", {{Ticket::SUSPENDED}, Ticket::IN_PROGRESS}},
  };
  return *lifecycle;
}

TEST(TicketRules, EveryStepFromEveryState) {
  const Ticket::State states[] = {Ticket::RECEIVED,    Ticket::DISPATCHED,
                                  Ticket::IN_PROGRESS, Ticket::REPLIED,
                                  Ticket::CLOSED,      Ticket::RETURNED,
                                  Ticket::SUSPENDED};
  int allowed_count = 0;
  int refused_count = 0;
  for (const auto& [name, step] : Steps()) {
    const Allowed& allowed = Lifecycle().at(name);
    for (Ticket::State state : states) {
      SCOPED_TRACE(name + " from " + Ticket::State_Name(state));
      const Ticket before = InState(state);
      absl::StatusOr<TicketChange> change = step(before);
      if (allowed.from.count(state) > 0) {
        ++allowed_count;
        ASSERT_TRUE(change.ok()) << change.status();
        EXPECT_EQ(change->ticket.state(), allowed.to);
        EXPECT_EQ(change->event.state_before(), state);
        EXPECT_EQ(change->event.state_after(), allowed.to);
        EXPECT_EQ(change->event.ticket(), "tickets/1");
        EXPECT_EQ(FromProtoTime(change->event.time()), kNow);
        EXPECT_EQ(FromProtoTime(change->ticket.update_time()), kNow);
      } else {
        ++refused_count;
        ASSERT_FALSE(change.ok());
        EXPECT_EQ(change.status().code(),
                  absl::StatusCode::kFailedPrecondition);
        // The message names the current state, so a person knows why.
        EXPECT_NE(change.status().message().find(Ticket::State_Name(state)),
                  std::string::npos)
            << change.status();
      }
    }
  }
  EXPECT_EQ(allowed_count, 12);
  EXPECT_EQ(refused_count, 37);
}

TEST(TicketRules, NewTicketKeepsOnlyCallerFieldsAndDefaults) {
  Ticket draft;
  draft.set_name("tickets/999");
  draft.set_state(Ticket::CLOSED);
  draft.set_department("departments/x");
  draft.set_type(Ticket::INQUIRY);
  draft.set_topic("消费");
  draft.set_title("t");
  draft.set_content("c");
  draft.set_yellow_cards(3);
  TicketChange change = NewTicket(draft, {Principal::Intake("city"), kNow});
  EXPECT_EQ(change.ticket.name(), "");
  EXPECT_EQ(change.ticket.state(), Ticket::RECEIVED);
  EXPECT_EQ(change.ticket.department(), "");
  EXPECT_EQ(change.ticket.yellow_cards(), 0);
  EXPECT_EQ(change.ticket.urgency(), Ticket::NORMAL);
  EXPECT_EQ(change.ticket.created_by(), "intake/city");
  EXPECT_EQ(FromProtoTime(change.ticket.received_at()), kNow);
  EXPECT_EQ(change.event.type(), Event::CREATED);
  EXPECT_EQ(change.event.actor(), "intake/city");
  EXPECT_EQ(change.event.state_before(), Ticket::STATE_UNSPECIFIED);
}

TEST(TicketRules, NewTicketKeepsPlatformReceiptTime) {
  Ticket draft;
  draft.set_type(Ticket::HELP);
  *draft.mutable_received_at() = ToProtoTime(kNow - absl::Hours(30));
  TicketChange change = NewTicket(draft, Bureau());
  EXPECT_EQ(FromProtoTime(change.ticket.received_at()), kNow - absl::Hours(30));
}

TEST(TicketRules, DispatchRecordsDepartmentAndCount) {
  absl::StatusOr<TicketChange> change =
      Dispatch(InState(Ticket::RECEIVED), "departments/market", "请核实", "",
               Bureau(), testing::DefaultRules());
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.department(), "departments/market");
  EXPECT_EQ(change->ticket.dispatch_count(), 1);
  EXPECT_EQ(FromProtoTime(change->ticket.dispatched_at()), kNow);
  EXPECT_EQ(change->event.type(), Event::DISPATCHED);
  EXPECT_EQ(change->event.department(), "departments/market");
  EXPECT_EQ(change->event.previous_department(), "");
  EXPECT_EQ(change->event.reason(), "请核实");
}

TEST(TicketRules, ReassignClearsSignForAndNamesPreviousDepartment) {
  Ticket ticket = InState(Ticket::IN_PROGRESS);
  *ticket.mutable_acknowledged_at() = ToProtoTime(kNow - absl::Hours(1));
  absl::StatusOr<TicketChange> change = Dispatch(
      ticket, "departments/market", "", "", Bureau(), testing::DefaultRules());
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.state(), Ticket::DISPATCHED);
  EXPECT_FALSE(change->ticket.has_acknowledged_at());
  EXPECT_EQ(change->event.previous_department(), "departments/housing");
}

TEST(TicketRules, DispatchToCurrentDepartmentIsRefused) {
  absl::StatusOr<TicketChange> change =
      Dispatch(InState(Ticket::DISPATCHED), "departments/housing", "", "",
               Bureau(), testing::DefaultRules());
  EXPECT_EQ(change.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(change.status().message().find("already assigned"),
            std::string::npos);
}

TEST(TicketRules, ReturnReleasesTheTicket) {
  absl::StatusOr<TicketChange> change =
      Return(InState(Ticket::IN_PROGRESS), "属于市场监管局", "", Housing());
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.department(), "");
  EXPECT_EQ(change->ticket.return_count(), 1);
  EXPECT_EQ(change->event.previous_department(), "departments/housing");
  EXPECT_EQ(change->event.department(), "");
  EXPECT_EQ(change->event.reason(), "属于市场监管局");
}

TEST(TicketRules, ReplyAndCloseRecordTheResult) {
  absl::StatusOr<TicketChange> replied = Reply(
      InState(Ticket::IN_PROGRESS), "已整改", Ticket::RESOLVED, "", Housing());
  ASSERT_TRUE(replied.ok());
  EXPECT_EQ(replied->ticket.reply_text(), "已整改");
  EXPECT_EQ(replied->ticket.outcome(), Ticket::RESOLVED);
  EXPECT_EQ(FromProtoTime(replied->ticket.replied_at()), kNow);
  EXPECT_EQ(replied->event.reply_text(), "已整改");

  absl::StatusOr<TicketChange> closed =
      Close(replied->ticket, Ticket::BASICALLY_SATISFIED, "", Bureau());
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->ticket.satisfaction(), Ticket::BASICALLY_SATISFIED);
  EXPECT_EQ(FromProtoTime(closed->ticket.closed_at()), kNow);
  EXPECT_EQ(closed->event.satisfaction(), Ticket::BASICALLY_SATISFIED);
}

TEST(TicketRules, ReopenKeepsDepartmentAndClearsResult) {
  Ticket closed = InState(Ticket::CLOSED);
  closed.set_reply_text("old");
  closed.set_outcome(Ticket::EXPLAINED);
  *closed.mutable_closed_at() = ToProtoTime(kNow);
  absl::StatusOr<TicketChange> change =
      Reopen(closed, "市民不满意", "", Bureau(), testing::DefaultRules());
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.department(), "departments/housing");
  EXPECT_EQ(change->ticket.reply_text(), "");
  EXPECT_EQ(change->ticket.outcome(), Ticket::OUTCOME_UNSPECIFIED);
  EXPECT_FALSE(change->ticket.has_closed_at());
  EXPECT_EQ(change->ticket.reopen_count(), 1);
  EXPECT_EQ(change->event.reason(), "市民不满意");
}

TEST(TicketRules, StaleEtagIsAbortedBeforeStateCheck) {
  // Even a step the state would refuse reports the stale etag first: the
  // caller's view is out of date and must be refreshed.
  absl::StatusOr<TicketChange> change =
      Close(InState(Ticket::RECEIVED), Ticket::SATISFIED, "4", Bureau());
  EXPECT_EQ(change.status().code(), absl::StatusCode::kAborted);
  absl::StatusOr<TicketChange> matching = Acknowledge(
      InState(Ticket::DISPATCHED), "5", Housing(), testing::DefaultRules());
  EXPECT_TRUE(matching.ok()) << matching.status();
}

TEST(Access, RolesAndActions) {
  const Principal bureau = Principal::Bureau();
  const Principal department = Principal::Department("housing");
  const Principal intake = Principal::Intake("city");
  const TicketAction all[] = {
      TicketAction::kCreate,   TicketAction::kView,
      TicketAction::kDispatch, TicketAction::kAcknowledge,
      TicketAction::kReturn,   TicketAction::kReply,
      TicketAction::kClose,    TicketAction::kReopen};
  const std::set<TicketAction> department_may = {
      TicketAction::kView, TicketAction::kAcknowledge, TicketAction::kReturn,
      TicketAction::kReply};
  const std::set<TicketAction> intake_may = {TicketAction::kCreate,
                                             TicketAction::kView};
  for (TicketAction action : all) {
    SCOPED_TRACE(std::string(ActionName(action)));
    EXPECT_TRUE(AuthorizeAction(bureau, action).ok());
    EXPECT_EQ(AuthorizeAction(department, action).ok(),
              department_may.count(action) > 0);
    EXPECT_EQ(AuthorizeAction(intake, action).ok(),
              intake_may.count(action) > 0);
    if (!AuthorizeAction(intake, action).ok()) {
      EXPECT_EQ(AuthorizeAction(intake, action).code(),
                absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST(Access, DepartmentSeesOnlyTicketsAssignedToIt) {
  const Ticket housing = InState(Ticket::DISPATCHED);
  const Principal own = Principal::Department("housing");
  const Principal other = Principal::Department("market");
  EXPECT_TRUE(
      AuthorizeOnTicket(own, TicketAction::kView, "tickets/1", &housing).ok());
  EXPECT_EQ(AuthorizeOnTicket(other, TicketAction::kView, "tickets/1", &housing)
                .code(),
            absl::StatusCode::kPermissionDenied);
  // A missing ticket looks exactly like another department's.
  EXPECT_EQ(AuthorizeOnTicket(other, TicketAction::kView, "tickets/1", nullptr)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AuthorizeOnTicket(Principal::Bureau(), TicketAction::kView,
                              "tickets/1", nullptr)
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(Access, ConfidentialCallerHiddenFromDepartments) {
  Ticket ticket = InState(Ticket::DISPATCHED);
  ticket.set_caller_name("张三");
  ticket.set_caller_phone("13800000000");
  ticket.set_confidential(true);
  EXPECT_EQ(ViewFor(Principal::Department("housing"), ticket).caller_name(),
            "");
  EXPECT_EQ(ViewFor(Principal::Department("housing"), ticket).caller_phone(),
            "");
  EXPECT_EQ(ViewFor(Principal::Bureau(), ticket).caller_name(), "张三");
  ticket.set_confidential(false);
  EXPECT_EQ(ViewFor(Principal::Department("housing"), ticket).caller_phone(),
            "13800000000");
}

TEST(Access, FeedScopes) {
  EXPECT_FALSE(ScopeFor(Principal::Bureau(), ScopedRead::kFeed, "")
                   ->department.has_value());
  EXPECT_EQ(*ScopeFor(Principal::Bureau(), ScopedRead::kFeed, "departments/x")
                 ->department,
            "departments/x");
  const Principal housing = Principal::Department("housing");
  EXPECT_EQ(*ScopeFor(housing, ScopedRead::kFeed, "")->department,
            "departments/housing");
  EXPECT_EQ(ScopeFor(housing, ScopedRead::kFeed, "departments/market")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  const Principal city = Principal::Intake("city");
  EXPECT_EQ(*ScopeFor(city, ScopedRead::kFeed, "")->created_by, "intake/city");
  EXPECT_EQ(ScopeFor(city, ScopedRead::kFeed, "departments/x").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(Access, FeedEventsAsADepartmentSeesThem) {
  const Principal housing = Principal::Department("housing");
  v1::Event moved;
  moved.set_type(Event::DISPATCHED);
  moved.set_department("departments/market");
  moved.set_previous_department("departments/housing");
  moved.set_reason("请市场监管局处理");
  std::optional<v1::Event> view = EventViewFor(housing, moved);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->department(), "");
  EXPECT_EQ(view->reason(), "");
  EXPECT_EQ(view->previous_department(), "departments/housing");
  EXPECT_FALSE(EventViewFor(Principal::Department("parks"), moved).has_value());
  EXPECT_EQ(EventViewFor(Principal::Department("market"), moved)->reason(),
            "请市场监管局处理");
  EXPECT_EQ(EventViewFor(Principal::Bureau(), moved)->department(),
            "departments/market");
}

// The source_id owner rule: a platform's ticket number names one ticket.
// Its creator (a re-sent row) and the bureau learn which; any other caller
// is refused without being told the ticket's name.
TEST(TicketRules, SourceIdTakenTellsItsTicketOnlyToItsCreatorAndTheBureau) {
  const Principal city = Principal::Intake("city");
  EXPECT_TRUE(CheckSourceIdFree(city, "GD-1", nullptr).ok());

  Ticket existing = InState(Ticket::RECEIVED);
  existing.set_name("tickets/77");
  existing.set_source_id("GD-1");
  existing.set_created_by(city.ToString());
  for (const Principal& told : {city, Principal::Bureau()}) {
    absl::Status resent = CheckSourceIdFree(told, "GD-1", &existing);
    EXPECT_EQ(resent.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(ReasonOf(resent), v1::DUPLICATE_SOURCE_ID) << resent;
    EXPECT_EQ(ErrorMetadataOf(resent, "ticket"), "tickets/77");
    EXPECT_NE(resent.message().find("tickets/77"), std::string::npos) << resent;
  }
  for (const Principal& other :
       {Principal::Intake("app"), Principal::Department("housing")}) {
    absl::Status taken = CheckSourceIdFree(other, "GD-1", &existing);
    EXPECT_EQ(taken.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(ReasonOf(taken), v1::ALREADY_EXISTS) << taken;
    EXPECT_EQ(ErrorMetadataOf(taken, "source_id"), "GD-1");
    EXPECT_EQ(ErrorMetadataOf(taken, "ticket"), "");
    EXPECT_EQ(taken.message().find("tickets/77"), std::string::npos) << taken;
  }
}

// Statistics: the bureau cuts as it likes; a department reads its own
// figures whole, never another's nor a cut by type or topic; intake none.
TEST(Access, StatisticsCuts) {
  const StatisticsCut whole;
  const StatisticsCut by_type{Ticket::COMPLAINT, ""};
  const StatisticsCut by_topic{Ticket::TYPE_UNSPECIFIED, "噪音"};

  EXPECT_FALSE(
      ScopeFor(Principal::Bureau(), "", by_type)->department.has_value());
  EXPECT_EQ(
      *ScopeFor(Principal::Bureau(), "departments/market", whole)->department,
      "departments/market");

  const Principal housing = Principal::Department("housing");
  EXPECT_EQ(*ScopeFor(housing, "", whole)->department, "departments/housing");
  EXPECT_EQ(*ScopeFor(housing, "departments/housing", whole)->department,
            "departments/housing");
  struct Refused {
    std::string department;
    StatisticsCut cut;
    std::string resource;
  };
  for (const Refused& r :
       {Refused{"departments/market", whole, "departments/market"},
        Refused{"", by_type, "statistics"},
        Refused{"", by_topic, "statistics"}}) {
    absl::Status refused = ScopeFor(housing, r.department, r.cut).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(ReasonOf(refused), v1::NOT_YOURS) << refused;
    EXPECT_EQ(ErrorMetadataOf(refused, "resource"), r.resource);
    EXPECT_NE(refused.message().find("not another department's or a cut by "
                                     "type or topic"),
              std::string::npos)
        << refused;
  }

  absl::Status intake = ScopeFor(Principal::Intake("city"), "", whole).status();
  EXPECT_EQ(intake.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(intake), v1::ROLE_NOT_ALLOWED) << intake;
}

}  // namespace
}  // namespace hotline
