// Every role against every method, through the real server: what is allowed
// succeeds, what is not is PERMISSION_DENIED (or UNAUTHENTICATED without a
// valid token) and changes nothing.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

using testing::ServerTest;
using v1::Ticket;

enum class Role {
  kBureau,
  kOwnDepartment,    // the ticket is assigned to it
  kOtherDepartment,  // it is not
  kCreatingIntake,   // created the ticket
  kOtherIntake,
  kRevokedToken,
  kNoToken,
};

const char* RoleName(Role role) {
  switch (role) {
    case Role::kBureau:
      return "bureau";
    case Role::kOwnDepartment:
      return "own department";
    case Role::kOtherDepartment:
      return "other department";
    case Role::kCreatingIntake:
      return "creating intake";
    case Role::kOtherIntake:
      return "other intake";
    case Role::kRevokedToken:
      return "revoked token";
    case Role::kNoToken:
      return "no token";
  }
  return "";
}

// The ticket state a method needs to succeed, and the call itself.
struct Method {
  std::string name;
  std::optional<Ticket::State> needs;  // no ticket needed when unset
  std::function<absl::Status(Client&, const std::string& ticket)> call;
  std::set<Role> allowed;
  // The ticket (IN_PROGRESS) has a suspension request waiting.
  bool pending_suspension = false;
  // The ticket (IN_PROGRESS) has a final answer waiting.
  bool pending_final_answer = false;
  // The ticket is linked (关联) to another (its first link).
  bool linked = false;
  // Market (the other department) assists (协办) the ticket; with
  // `assist_signed` it has signed for its part.
  bool assisted = false;
  bool assist_signed = false;
  // A REPLIED ticket's reply still waits for the bureau's review (办结审核;
  // the bureau accepts it otherwise).
  bool review_pending = false;
  // The ticket (IN_PROGRESS) has an urging notice (催办) from the bureau;
  // with `urge_signed` housing has signed for it.
  bool urged = false;
  bool urge_signed = false;
  // A CLOSED ticket (rated DISSATISFIED) whose rating housing appealed.
  bool appealed = false;
};

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

class AccessTest : public ServerTest {
 protected:
  void SetUp() override {
    // Replies are reviewed (办结审核), so AcceptReply and SendBackReply have
    // a reply to decide.
    options_.policy = DefaultPolicy();
    options_.policy.set_version("reviewed-1");
    options_.policy.set_review_replies(true);
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    clients_[Role::kBureau] = Connect(bureau_token_);
    clients_[Role::kOwnDepartment] = Connect(CreateToken("department/housing"));
    clients_[Role::kOtherDepartment] =
        Connect(CreateToken("department/market"));
    clients_[Role::kCreatingIntake] = Connect(CreateToken("intake/city"));
    clients_[Role::kOtherIntake] = Connect(CreateToken("intake/province"));
    v1::CreateTokenRequest request;
    request.mutable_token()->set_principal("department/housing");
    absl::StatusOr<v1::Token> revoked = bureau().CreateToken(request);
    ASSERT_TRUE(revoked.ok());
    v1::RevokeTokenRequest revoke;
    revoke.set_name(revoked->name());
    ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
    clients_[Role::kRevokedToken] = Connect(revoked->secret());
    clients_[Role::kNoToken] = Connect("");
    spare_token_counter_ = 0;
  }

  // A ticket created by intake/city, brought into `state` at housing.
  // RETURNED: returned by housing; SUSPENDED: signed for, suspended with
  // the bureau's approval. With `pending_suspension` an IN_PROGRESS ticket
  // has a suspension request waiting. MERGED: dispatched to housing, then
  // merged by the bureau into a ticket of its own. With `linked` the
  // ticket is linked to a ticket the bureau created. With `assisted`
  // market assists it (协办), from its dispatch.
  std::string TicketIn(Ticket::State state, bool pending_suspension = false,
                       bool pending_final_answer = false, bool linked = false,
                       bool assisted = false, bool assist_signed = false,
                       bool review_pending = false, bool urged = false,
                       bool urge_signed = false, bool appealed = false) {
    if (state == Ticket::MERGED || linked) {
      const std::string name =
          TicketIn(state == Ticket::MERGED ? Ticket::DISPATCHED : state,
                   pending_suspension, pending_final_answer);
      const std::string other = CreateTicket().name();
      absl::Status done;
      if (linked) {
        v1::LinkTicketsRequest link;
        link.set_name(name);
        link.set_other_ticket(other);
        link.set_reason("the same site");
        done = bureau().LinkTickets(link).status();
      } else {
        v1::MergeTicketRequest merge;
        merge.set_name(name);
        merge.set_main_ticket(other);
        merge.set_reason("the same demand");
        done = bureau().MergeTicket(merge).status();
      }
      EXPECT_TRUE(done.ok()) << done;
      return name;
    }
    Client& intake = *clients_[Role::kCreatingIntake];
    Client& housing = *clients_[Role::kOwnDepartment];
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft();
    if (state != Ticket::RECEIVED)
      create.set_dispatch_to("departments/housing");
    if (assisted) create.add_assisting_departments("departments/market");
    absl::StatusOr<Ticket> ticket = intake.CreateTicket(create);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    const std::string name = ticket->name();
    if (assist_signed) {
      v1::AcknowledgeAssistRequest part;
      part.set_name(name);
      absl::Status signed_for =
          clients_[Role::kOtherDepartment]->AcknowledgeAssist(part).status();
      EXPECT_TRUE(signed_for.ok()) << signed_for;
    }
    if (state == Ticket::RECEIVED || state == Ticket::DISPATCHED) return name;
    if (state == Ticket::RETURNED) {
      v1::ReturnTicketRequest give_back;
      give_back.set_name(name);
      give_back.set_reason("not ours");
      EXPECT_TRUE(housing.ReturnTicket(give_back).ok());
      return name;
    }
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(name);
    EXPECT_TRUE(housing.AcknowledgeTicket(ack).ok());
    if (pending_final_answer) {
      v1::SubmitFinalAnswerRequest give;
      give.set_name(name);
      give.set_answer("answered in full");
      give.set_basis("the regulations");
      absl::Status given = housing.SubmitFinalAnswer(give).status();
      EXPECT_TRUE(given.ok()) << given;
      return name;
    }
    if (state == Ticket::SUSPENDED || pending_suspension) {
      v1::RequestSuspensionRequest ask;
      ask.set_name(name);
      ask.set_reason("waiting for a court ruling");
      *ask.mutable_expected_end() =
          ToProtoTime(testing::SpringFestivalEve() + absl::Hours(24 * 30));
      absl::Status asked = housing.RequestSuspension(ask).status();
      EXPECT_TRUE(asked.ok()) << asked;
      if (state == Ticket::IN_PROGRESS) return name;
      v1::ApproveSuspensionRequest approve;
      approve.set_name(name);
      absl::Status approved = bureau().ApproveSuspension(approve).status();
      EXPECT_TRUE(approved.ok()) << approved;
      return name;
    }
    if (urged) {
      v1::IssueNoticeRequest urge;
      urge.set_name(name);
      urge.set_reason("please hurry");
      absl::Status issued = bureau().IssueNotice(urge).status();
      EXPECT_TRUE(issued.ok()) << issued;
      if (urge_signed) {
        v1::AcknowledgeNoticeRequest sign;
        sign.set_name(name + "/notices/1");
        absl::Status signed_for = housing.AcknowledgeNotice(sign).status();
        EXPECT_TRUE(signed_for.ok()) << signed_for;
      }
    }
    if (state == Ticket::IN_PROGRESS) return name;
    v1::ReplyTicketRequest reply;
    reply.set_name(name);
    reply.set_reply_text("done");
    reply.set_outcome(Ticket::RESOLVED);
    EXPECT_TRUE(housing.ReplyTicket(reply).ok());
    if (!review_pending) {
      v1::AcceptReplyRequest accept;
      accept.set_name(name);
      absl::Status accepted = bureau().AcceptReply(accept).status();
      EXPECT_TRUE(accepted.ok()) << accepted;
    }
    if (state != Ticket::CLOSED) return name;  // REPLIED
    v1::CloseTicketRequest close;
    close.set_name(name);
    close.set_satisfaction(Ticket::DISSATISFIED);
    absl::Status closed = bureau().CloseTicket(close).status();
    EXPECT_TRUE(closed.ok()) << closed;
    if (appealed) {
      v1::AppealRatingRequest appeal;
      appeal.set_name(name);
      appeal.set_grounds("beyond the rules");
      absl::Status lodged = housing.AppealRating(appeal).status();
      EXPECT_TRUE(lodged.ok()) << lodged;
    }
    return name;
  }

  std::map<Role, std::unique_ptr<Client>> clients_;
  int spare_token_counter_;
};

// A PNG's signature and a few bytes: what an upload sniffs as image/png.
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR....";

// A file the bureau attached, at `step`, to a new ticket it dispatched to
// housing.
absl::StatusOr<v1::Attachment> AttachedByBureau(Client& bureau,
                                                bool confidential,
                                                v1::Attachment::Step step) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = ServerTest::Draft();
  create.mutable_ticket()->set_confidential(confidential);
  create.set_dispatch_to("departments/housing");
  absl::StatusOr<Ticket> ticket = bureau.CreateTicket(create);
  if (!ticket.ok()) return ticket.status();
  v1::AttachmentHeader header;
  header.set_ticket(ticket->name());
  header.set_file_name("photo.png");
  header.set_step(step);
  return bureau.UploadAttachment(header, kPng);
}

// A subscription of housing's made by the bureau (a receiver that is never
// reached: the matrix asks who may manage it, not what it delivers).
absl::StatusOr<v1::Subscription> HousingSubscription(Client& bureau) {
  v1::CreateSubscriptionRequest create;
  create.mutable_subscription()->set_channel(v1::Subscription::WEBHOOK);
  create.mutable_subscription()->set_url("https://receiver.invalid/hook");
  create.mutable_subscription()->set_department("departments/housing");
  return bureau.CreateSubscription(create);
}

std::vector<Method> Methods(int* token_counter, Client* bureau) {
  // One subscription the read and change methods work on.
  auto subscription = std::make_shared<absl::StatusOr<v1::Subscription>>(
      HousingSubscription(*bureau));
  const std::set<Role> everyone_valid = {
      Role::kBureau, Role::kOwnDepartment, Role::kOtherDepartment,
      Role::kCreatingIntake, Role::kOtherIntake};
  const std::set<Role> ticket_readers = {Role::kBureau, Role::kOwnDepartment,
                                         Role::kCreatingIntake};
  const std::set<Role> department_actors = {Role::kBureau,
                                            Role::kOwnDepartment};
  const std::set<Role> bureau_only = {Role::kBureau};
  const std::set<Role> assisting = {Role::kOtherDepartment};
  return {
      {"CreateTicket",
       std::nullopt,
       [](Client& c, const std::string&) {
         v1::CreateTicketRequest r;
         *r.mutable_ticket() = ServerTest::Draft();
         return StatusOf(c.CreateTicket(r));
       },
       {Role::kBureau, Role::kCreatingIntake, Role::kOtherIntake}},
      {"GetTicket", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::GetTicketRequest r;
         r.set_name(t);
         return StatusOf(c.GetTicket(r));
       },
       ticket_readers},
      {"ListTicketEvents", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::ListTicketEventsRequest r;
         r.set_parent(t);
         return StatusOf(c.ListTicketEvents(r));
       },
       ticket_readers},
      {"ListTickets", std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.ListTickets(v1::ListTicketsRequest()));
       },
       everyone_valid},
      {"DispatchTicket", Ticket::RECEIVED,
       [](Client& c, const std::string& t) {
         v1::DispatchTicketRequest r;
         r.set_name(t);
         r.set_department("departments/market");
         return StatusOf(c.DispatchTicket(r));
       },
       bureau_only},
      {"AcknowledgeTicket", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::AcknowledgeTicketRequest r;
         r.set_name(t);
         return StatusOf(c.AcknowledgeTicket(r));
       },
       department_actors},
      {"ReturnTicket", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::ReturnTicketRequest r;
         r.set_name(t);
         r.set_reason("not ours");
         return StatusOf(c.ReturnTicket(r));
       },
       department_actors},
      {"ReplyTicket", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::ReplyTicketRequest r;
         r.set_name(t);
         r.set_reply_text("done");
         r.set_outcome(Ticket::EXPLAINED);
         return StatusOf(c.ReplyTicket(r));
       },
       department_actors},
      {"CloseTicket", Ticket::REPLIED,
       [](Client& c, const std::string& t) {
         v1::CloseTicketRequest r;
         r.set_name(t);
         r.set_satisfaction(Ticket::SATISFIED);
         return StatusOf(c.CloseTicket(r));
       },
       bureau_only},
      {"ReopenTicket", Ticket::REPLIED,
       [](Client& c, const std::string& t) {
         v1::ReopenTicketRequest r;
         r.set_name(t);
         r.set_reason("again");
         return StatusOf(c.ReopenTicket(r));
       },
       bureau_only},
      {"RefuseReturn", Ticket::RETURNED,
       [](Client& c, const std::string& t) {
         v1::RefuseReturnRequest r;
         r.set_name(t);
         r.set_reason("it is yours");
         return StatusOf(c.RefuseReturn(r));
       },
       bureau_only},
      {"RequestSuspension", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::RequestSuspensionRequest r;
         r.set_name(t);
         r.set_reason("waiting for a court ruling");
         *r.mutable_expected_end() =
             ToProtoTime(testing::SpringFestivalEve() + absl::Hours(24 * 30));
         return StatusOf(c.RequestSuspension(r));
       },
       department_actors},
      {"ApproveSuspension", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::ApproveSuspensionRequest r;
         r.set_name(t);
         return StatusOf(c.ApproveSuspension(r));
       },
       bureau_only, /*pending_suspension=*/true},
      {"RejectSuspension", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::RejectSuspensionRequest r;
         r.set_name(t);
         r.set_reason("not a long-cycle matter");
         return StatusOf(c.RejectSuspension(r));
       },
       bureau_only, /*pending_suspension=*/true},
      {"ResumeTicket", Ticket::SUSPENDED,
       [](Client& c, const std::string& t) {
         v1::ResumeTicketRequest r;
         r.set_name(t);
         return StatusOf(c.ResumeTicket(r));
       },
       department_actors},
      {"SubmitFinalAnswer", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::SubmitFinalAnswerRequest r;
         r.set_name(t);
         r.set_answer("answered in full");
         r.set_basis("the regulations");
         return StatusOf(c.SubmitFinalAnswer(r));
       },
       department_actors},
      {"ApproveFinalAnswer", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::ApproveFinalAnswerRequest r;
         r.set_name(t);
         return StatusOf(c.ApproveFinalAnswer(r));
       },
       bureau_only, false, /*pending_final_answer=*/true},
      {"RejectFinalAnswer", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::RejectFinalAnswerRequest r;
         r.set_name(t);
         r.set_reason("no basis");
         return StatusOf(c.RejectFinalAnswer(r));
       },
       bureau_only, false, /*pending_final_answer=*/true},
      {"CloseByFinalAnswer", Ticket::RECEIVED,
       [bureau](Client& c, const std::string& t) {
         // The same caller's earlier ticket, with an approved final answer.
         v1::CreateTicketRequest create;
         *create.mutable_ticket() = ServerTest::Draft();
         create.set_dispatch_to("departments/housing");
         absl::StatusOr<Ticket> answered = bureau->CreateTicket(create);
         if (!answered.ok()) return answered.status();
         v1::AcknowledgeTicketRequest ack;
         ack.set_name(answered->name());
         if (!bureau->AcknowledgeTicket(ack).ok())
           return absl::InternalError("ack");
         v1::SubmitFinalAnswerRequest give;
         give.set_name(answered->name());
         give.set_answer("answered in full");
         give.set_basis("the regulations");
         if (!bureau->SubmitFinalAnswer(give).ok())
           return absl::InternalError("give");
         v1::ApproveFinalAnswerRequest approve;
         approve.set_name(answered->name());
         if (!bureau->ApproveFinalAnswer(approve).ok()) {
           return absl::InternalError("approve");
         }
         v1::CloseByFinalAnswerRequest r;
         r.set_name(t);
         r.set_final_answer_ticket(answered->name());
         return StatusOf(c.CloseByFinalAnswer(r));
       },
       bureau_only},
      {"MergeTicket", Ticket::DISPATCHED,
       [bureau](Client& c, const std::string& t) {
         const absl::StatusOr<Ticket> main = bureau->CreateTicket([] {
           v1::CreateTicketRequest create;
           *create.mutable_ticket() = ServerTest::Draft();
           return create;
         }());
         if (!main.ok()) return main.status();
         v1::MergeTicketRequest r;
         r.set_name(t);
         r.set_main_ticket(main->name());
         r.set_reason("the same demand");
         return StatusOf(c.MergeTicket(r));
       },
       bureau_only},
      {"UnmergeTicket", Ticket::MERGED,
       [](Client& c, const std::string& t) {
         v1::UnmergeTicketRequest r;
         r.set_name(t);
         r.set_reason("another demand");
         return StatusOf(c.UnmergeTicket(r));
       },
       bureau_only},
      {"ListDuplicateCandidates", Ticket::RECEIVED,
       [](Client& c, const std::string& t) {
         v1::ListDuplicateCandidatesRequest r;
         r.set_name(t);
         return StatusOf(c.ListDuplicateCandidates(r));
       },
       bureau_only},
      {"LinkTickets", Ticket::DISPATCHED,
       [bureau](Client& c, const std::string& t) {
         const absl::StatusOr<Ticket> other = bureau->CreateTicket([] {
           v1::CreateTicketRequest create;
           *create.mutable_ticket() = ServerTest::Draft();
           return create;
         }());
         if (!other.ok()) return other.status();
         v1::LinkTicketsRequest r;
         r.set_name(t);
         r.set_other_ticket(other->name());
         r.set_reason("the same site");
         return StatusOf(c.LinkTickets(r));
       },
       bureau_only},
      {"UnlinkTickets", Ticket::DISPATCHED,
       [bureau](Client& c, const std::string& t) {
         v1::GetTicketRequest get;
         get.set_name(t);
         const absl::StatusOr<Ticket> linked = bureau->GetTicket(get);
         if (!linked.ok() || linked->links().empty()) {
           return absl::InternalError("the ticket has no link");
         }
         v1::UnlinkTicketsRequest r;
         r.set_name(t);
         r.set_other_ticket(linked->links(0).ticket());
         return StatusOf(c.UnlinkTickets(r));
       },
       bureau_only, false, false, true},
      {"AddAssistingDepartment", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::AddAssistingDepartmentRequest r;
         r.set_name(t);
         r.set_department("departments/market");
         return StatusOf(c.AddAssistingDepartment(r));
       },
       bureau_only},
      {"RemoveAssistingDepartment", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::RemoveAssistingDepartmentRequest r;
         r.set_name(t);
         r.set_department("departments/market");
         r.set_reason("not needed");
         return StatusOf(c.RemoveAssistingDepartment(r));
       },
       bureau_only, false, false, false, true},
      // An assisting department's own part: market's, and nobody else's.
      {"AcknowledgeAssist", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::AcknowledgeAssistRequest r;
         r.set_name(t);
         return StatusOf(c.AcknowledgeAssist(r));
       },
       assisting, false, false, false, true},
      {"ReturnAssist", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::ReturnAssistRequest r;
         r.set_name(t);
         r.set_reason("not ours");
         return StatusOf(c.ReturnAssist(r));
       },
       assisting, false, false, false, true},
      {"SubmitAssistOpinion", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::SubmitAssistOpinionRequest r;
         r.set_name(t);
         r.set_opinion("agreed");
         return StatusOf(c.SubmitAssistOpinion(r));
       },
       assisting, false, false, false, true, true},
      {"AcceptReply", Ticket::REPLIED,
       [](Client& c, const std::string& t) {
         v1::AcceptReplyRequest r;
         r.set_name(t);
         return StatusOf(c.AcceptReply(r));
       },
       bureau_only, false, false, false, false, false, true},
      {"SendBackReply", Ticket::REPLIED,
       [](Client& c, const std::string& t) {
         v1::SendBackReplyRequest r;
         r.set_name(t);
         r.add_reasons(v1::NONSTANDARD_REPLY);
         return StatusOf(c.SendBackReply(r));
       },
       bureau_only, false, false, false, false, false, true},
      {"IssueNotice", Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::IssueNoticeRequest r;
         r.set_name(t);
         r.set_reason("please hurry");
         return StatusOf(c.IssueNotice(r));
       },
       bureau_only},
      // The answer to a notice is the department's it is addressed to.
      {"AcknowledgeNotice",
       Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::AcknowledgeNoticeRequest r;
         r.set_name(t + "/notices/1");
         return StatusOf(c.AcknowledgeNotice(r));
       },
       {Role::kOwnDepartment},
       false,
       false,
       false,
       false,
       false,
       false,
       /*urged=*/true},
      {"AnswerNotice",
       Ticket::IN_PROGRESS,
       [](Client& c, const std::string& t) {
         v1::AnswerNoticeRequest r;
         r.set_name(t + "/notices/1");
         r.set_answer("on it");
         return StatusOf(c.AnswerNotice(r));
       },
       {Role::kOwnDepartment},
       false,
       false,
       false,
       false,
       false,
       false,
       /*urged=*/true,
       /*urge_signed=*/true},
      // Each department lists the notices addressed to it; intake none.
      {"ListNotices",
       std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.ListNotices(v1::ListNoticesRequest()));
       },
       {Role::kBureau, Role::kOwnDepartment, Role::kOtherDepartment}},
      {"RecordCallback", Ticket::REPLIED,
       [](Client& c, const std::string& t) {
         v1::RecordCallbackRequest r;
         r.set_name(t);
         r.set_channel(v1::CallbackAttempt::PHONE);
         r.set_result(v1::CallbackAttempt::REACHED);
         return StatusOf(c.RecordCallback(r));
       },
       bureau_only},
      // The appeal of a rating is the rated department's.
      {"AppealRating",
       Ticket::CLOSED,
       [](Client& c, const std::string& t) {
         v1::AppealRatingRequest r;
         r.set_name(t);
         r.set_grounds("beyond the rules");
         return StatusOf(c.AppealRating(r));
       },
       {Role::kOwnDepartment}},
      {"DecideAppeal", Ticket::CLOSED,
       [](Client& c, const std::string& t) {
         v1::DecideAppealRequest r;
         r.set_name(t);
         r.set_uphold(true);
         return StatusOf(c.DecideAppeal(r));
       },
       bureau_only, false, false, false, false, false, false, false, false,
       /*appealed=*/true},
      // The scorecard: the bureau's all, each department its own row.
      {"GetAssessment",
       std::nullopt,
       [](Client& c, const std::string&) {
         v1::GetAssessmentRequest r;
         r.set_from_date("2021-02-01");
         r.set_to_date("2021-03-01");
         return StatusOf(c.GetAssessment(r));
       },
       {Role::kBureau, Role::kOwnDepartment, Role::kOtherDepartment}},
      // The catalogues: everyone reads them, the bureau changes the
      // dispatch catalogue and asks it; the figures by category and the
      // hotspots are the bureau's.
      {"ListCategories", std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.ListCategories());
       },
       everyone_valid},
      {"GetDispatchCatalogue", std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.GetDispatchCatalogue({}));
       },
       everyone_valid},
      {"UpdateDispatchCatalogue", std::nullopt,
       [bureau](Client& c, const std::string&) {
         absl::StatusOr<v1::DispatchCatalogue> current =
             bureau->GetDispatchCatalogue({});
         if (!current.ok()) return current.status();
         v1::UpdateDispatchCatalogueRequest r;
         r.set_expected_version(current->version());
         r.set_reason("a new version");
         v1::DispatchRule* rule = r.add_rules();
         rule->set_category("01");
         rule->set_department("departments/housing");
         return StatusOf(c.UpdateDispatchCatalogue(r));
       },
       bureau_only},
      {"SuggestDispatch", Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::SuggestDispatchRequest r;
         r.set_name(t);
         return StatusOf(c.SuggestDispatch(r));
       },
       bureau_only},
      {"GetCategoryStatistics", std::nullopt,
       [](Client& c, const std::string&) {
         v1::GetCategoryStatisticsRequest r;
         r.set_from_date("2021-02-01");
         r.set_to_date("2021-03-01");
         return StatusOf(c.GetCategoryStatistics(r));
       },
       bureau_only},
      {"GetHotspots", std::nullopt,
       [](Client& c, const std::string&) {
         v1::GetHotspotsRequest r;
         r.set_from_date("2021-02-01");
         r.set_to_date("2021-03-01");
         return StatusOf(c.GetHotspots(r));
       },
       bureau_only},
      // Attachments (附件): the caller's evidence is intake's and the
      // bureau's to attach; the others' steps are refused them.
      {"UploadAttachment",
       Ticket::DISPATCHED,
       [](Client& c, const std::string& t) {
         v1::AttachmentHeader header;
         header.set_ticket(t);
         header.set_file_name("photo.png");
         header.set_step(v1::Attachment::INTAKE);
         return StatusOf(c.UploadAttachment(header, kPng));
       },
       {Role::kBureau, Role::kCreatingIntake}},
      // On a ticket of its own: the bureau's, dispatched to housing.
      {"DownloadAttachment", std::nullopt,
       [bureau](Client& c, const std::string&) {
         absl::StatusOr<v1::Attachment> attached = AttachedByBureau(
             *bureau, /*confidential=*/false, v1::Attachment::OTHER);
         if (!attached.ok()) return attached.status();
         v1::DownloadAttachmentRequest r;
         r.set_name(attached->name());
         return StatusOf(c.DownloadAttachment(r));
       },
       department_actors},
      {"ReleaseAttachment", std::nullopt,
       [bureau](Client& c, const std::string&) {
         absl::StatusOr<v1::Attachment> attached = AttachedByBureau(
             *bureau, /*confidential=*/true, v1::Attachment::INTAKE);
         if (!attached.ok()) return attached.status();
         v1::ReleaseAttachmentRequest r;
         r.set_name(attached->name());
         r.set_reason("照片不含个人信息");
         return StatusOf(c.ReleaseAttachment(r));
       },
       bureau_only},
      // Notifications (通知订阅): the bureau's any, a department its own.
      {"CreateSubscription",
       std::nullopt,
       [](Client& c, const std::string&) {
         v1::CreateSubscriptionRequest r;
         r.mutable_subscription()->set_channel(v1::Subscription::WEBHOOK);
         r.mutable_subscription()->set_url("https://receiver.invalid/own");
         r.mutable_subscription()->set_department("departments/housing");
         return StatusOf(c.CreateSubscription(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"ListSubscriptions",
       std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.ListSubscriptions({}));
       },
       {Role::kBureau, Role::kOwnDepartment, Role::kOtherDepartment}},
      {"GetSubscription",
       std::nullopt,
       [subscription](Client& c, const std::string&) {
         if (!subscription->ok()) return subscription->status();
         return StatusOf(c.GetSubscription((*subscription)->name()));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"DeleteSubscription",
       std::nullopt,
       [bureau](Client& c, const std::string&) {
         absl::StatusOr<v1::Subscription> spare = HousingSubscription(*bureau);
         if (!spare.ok()) return spare.status();
         v1::DeleteSubscriptionRequest r;
         r.set_name(spare->name());
         return StatusOf(c.DeleteSubscription(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"PauseSubscription",
       std::nullopt,
       [subscription](Client& c, const std::string&) {
         if (!subscription->ok()) return subscription->status();
         v1::PauseSubscriptionRequest r;
         r.set_name((*subscription)->name());
         r.set_reason("维护");
         return StatusOf(c.PauseSubscription(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"ResumeSubscription",
       std::nullopt,
       [subscription](Client& c, const std::string&) {
         if (!subscription->ok()) return subscription->status();
         v1::ResumeSubscriptionRequest r;
         r.set_name((*subscription)->name());
         return StatusOf(c.ResumeSubscription(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"RotateSubscriptionSecret",
       std::nullopt,
       [subscription](Client& c, const std::string&) {
         if (!subscription->ok()) return subscription->status();
         v1::RotateSubscriptionSecretRequest r;
         r.set_name((*subscription)->name());
         return StatusOf(c.RotateSubscriptionSecret(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"ListDeliveries",
       std::nullopt,
       [subscription](Client& c, const std::string&) {
         if (!subscription->ok()) return subscription->status();
         v1::ListDeliveriesRequest r;
         r.set_parent((*subscription)->name());
         return StatusOf(c.ListDeliveries(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      // An event of a ticket housing holds.
      {"RedeliverEvent",
       Ticket::DISPATCHED,
       [subscription, bureau](Client& c, const std::string& t) {
         if (!subscription->ok()) return subscription->status();
         v1::ListTicketEventsRequest events;
         events.set_parent(t);
         absl::StatusOr<v1::ListTicketEventsResponse> listed =
             bureau->ListTicketEvents(events);
         if (!listed.ok()) return listed.status();
         v1::RedeliverEventRequest r;
         r.set_name((*subscription)->name());
         r.set_seq(listed->events(listed->events_size() - 1).seq());
         return StatusOf(c.RedeliverEvent(r));
       },
       {Role::kBureau, Role::kOwnDepartment}},
      {"CreateDepartment", std::nullopt,
       [token_counter](Client& c, const std::string&) {
         v1::CreateDepartmentRequest r;
         r.set_department_id("d" + std::to_string(++*token_counter));
         r.mutable_department()->set_display_name("new");
         return StatusOf(c.CreateDepartment(r));
       },
       bureau_only},
      {"GetDepartment", std::nullopt,
       [](Client& c, const std::string&) {
         v1::GetDepartmentRequest r;
         r.set_name("departments/housing");
         return StatusOf(c.GetDepartment(r));
       },
       everyone_valid},
      {"ListDepartments", std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.ListDepartments(v1::ListDepartmentsRequest()));
       },
       everyone_valid},
      {"CreateToken", std::nullopt,
       [](Client& c, const std::string&) {
         v1::CreateTokenRequest r;
         r.mutable_token()->set_principal("intake/new");
         return StatusOf(c.CreateToken(r));
       },
       bureau_only},
      {"ListTokens", std::nullopt,
       [](Client& c, const std::string&) {
         return StatusOf(c.ListTokens(v1::ListTokensRequest()));
       },
       bureau_only},
      {"RevokeToken", std::nullopt,
       [bureau](Client& c, const std::string&) {
         v1::CreateTokenRequest create;
         create.mutable_token()->set_principal("intake/spare");
         absl::StatusOr<v1::Token> spare = bureau->CreateToken(create);
         if (!spare.ok()) return spare.status();
         v1::RevokeTokenRequest r;
         r.set_name(spare->name());
         return StatusOf(c.RevokeToken(r));
       },
       bureau_only},
  };
}

TEST_F(AccessTest, EveryRoleAgainstEveryMethod) {
  const Role roles[] = {Role::kBureau,          Role::kOwnDepartment,
                        Role::kOtherDepartment, Role::kCreatingIntake,
                        Role::kOtherIntake,     Role::kRevokedToken,
                        Role::kNoToken};
  int checked = 0;
  for (const Method& method : Methods(&spare_token_counter_, &bureau())) {
    for (Role role : roles) {
      SCOPED_TRACE(method.name + " as " + RoleName(role));
      const std::string ticket =
          method.needs ? TicketIn(*method.needs, method.pending_suspension,
                                  method.pending_final_answer, method.linked,
                                  method.assisted, method.assist_signed,
                                  method.review_pending, method.urged,
                                  method.urge_signed, method.appealed)
                       : "";
      const size_t history_before = ticket.empty() ? 0 : History(ticket).size();
      absl::Status status = method.call(*clients_[role], ticket);
      ++checked;
      if (method.allowed.count(role) > 0) {
        EXPECT_TRUE(status.ok()) << status;
        continue;
      }
      const absl::StatusCode expected =
          role == Role::kRevokedToken || role == Role::kNoToken
              ? absl::StatusCode::kUnauthenticated
              : absl::StatusCode::kPermissionDenied;
      EXPECT_EQ(status.code(), expected) << status;
      EXPECT_FALSE(status.message().empty());
      if (!ticket.empty()) {
        EXPECT_EQ(History(ticket).size(), history_before) << "it changed";
      }
    }
  }
  EXPECT_EQ(checked, 63 * 7);
}

// A token in use is remembered by the server (no database read per call);
// its revocation still stops it at once, and stops only it.
TEST_F(AccessTest, ATokenInUseStopsTheMomentItIsRevoked) {
  v1::CreateTokenRequest create;
  create.mutable_token()->set_principal("department/housing");
  absl::StatusOr<v1::Token> token = bureau().CreateToken(create);
  ASSERT_TRUE(token.ok()) << token.status();
  std::unique_ptr<Client> desk = Connect(token->secret());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(desk->ListTickets(v1::ListTicketsRequest()).ok());
  }
  v1::RevokeTokenRequest revoke;
  revoke.set_name(token->name());
  ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
  absl::Status after = desk->ListTickets(v1::ListTicketsRequest()).status();
  EXPECT_EQ(after.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(after), v1::TOKEN_REVOKED);
  // The department's other token, remembered too, still works.
  EXPECT_TRUE(clients_[Role::kOwnDepartment]
                  ->ListTickets(v1::ListTicketsRequest())
                  .ok());
}

TEST_F(AccessTest, DepartmentCannotProbeForTicketsThatAreNotItsOwn) {
  const std::string other = TicketIn(Ticket::DISPATCHED);
  Client& market = *clients_[Role::kOtherDepartment];
  v1::GetTicketRequest foreign;
  foreign.set_name(other);
  v1::GetTicketRequest missing;
  missing.set_name("tickets/999999");
  absl::Status a = market.GetTicket(foreign).status();
  absl::Status b = market.GetTicket(missing).status();
  EXPECT_EQ(a.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(b.code(), absl::StatusCode::kPermissionDenied);
  // The bureau, who may see everything, is told what is missing.
  EXPECT_EQ(bureau().GetTicket(missing).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AccessTest, ListsAreScopedToTheCaller) {
  const std::string at_housing = TicketIn(Ticket::DISPATCHED);
  CreateTicket("market");  // created by the bureau
  CreateTicket();
  auto names = [](const absl::StatusOr<v1::ListTicketsResponse>& page) {
    std::set<std::string> out;
    if (page.ok()) {
      for (const Ticket& t : page->tickets()) out.insert(t.name());
    }
    return out;
  };
  v1::ListTicketsRequest all;
  EXPECT_EQ(names(clients_[Role::kOwnDepartment]->ListTickets(all)),
            std::set<std::string>{at_housing});
  EXPECT_EQ(names(clients_[Role::kCreatingIntake]->ListTickets(all)),
            std::set<std::string>{at_housing});
  EXPECT_TRUE(names(clients_[Role::kOtherIntake]->ListTickets(all)).empty());
  EXPECT_EQ(names(bureau().ListTickets(all)).size(), 3u);

  v1::ListTicketsRequest peek;
  peek.set_filter("department = \"departments/market\"");
  EXPECT_EQ(clients_[Role::kOwnDepartment]->ListTickets(peek).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListTicketsRequest peek_intake;
  peek_intake.set_filter("created_by = bureau");
  EXPECT_EQ(
      clients_[Role::kCreatingIntake]->ListTickets(peek_intake).status().code(),
      absl::StatusCode::kPermissionDenied);
}

TEST_F(AccessTest, RevocationTakesEffectAtOnce) {
  v1::CreateTokenRequest request;
  request.mutable_token()->set_principal("department/housing");
  absl::StatusOr<v1::Token> token = bureau().CreateToken(request);
  ASSERT_TRUE(token.ok());
  std::unique_ptr<Client> client = Connect(token->secret());
  EXPECT_TRUE(client->ListTickets(v1::ListTicketsRequest()).ok());
  v1::RevokeTokenRequest revoke;
  revoke.set_name(token->name());
  ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
  EXPECT_EQ(client->ListTickets(v1::ListTicketsRequest()).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Listing shows it revoked and never the secret.
  absl::StatusOr<v1::ListTokensResponse> tokens =
      bureau().ListTokens(v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok());
  bool found = false;
  for (const v1::Token& t : tokens->tokens()) {
    EXPECT_EQ(t.secret(), "");
    if (t.name() == token->name()) {
      found = true;
      EXPECT_TRUE(t.has_revoke_time());
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(AccessTest, TheLastBureauTokenCannotBeRevoked) {
  auto live_bureau_tokens = [&] {
    std::vector<std::string> names;
    absl::StatusOr<v1::ListTokensResponse> tokens =
        bureau().ListTokens(v1::ListTokensRequest());
    EXPECT_TRUE(tokens.ok()) << tokens.status();
    if (!tokens.ok()) return names;
    for (const v1::Token& t : tokens->tokens()) {
      if (t.principal() == "bureau" && !t.has_revoke_time()) {
        names.push_back(t.name());
      }
    }
    return names;
  };
  const std::vector<std::string> only = live_bureau_tokens();
  ASSERT_EQ(only.size(), 1u);
  v1::RevokeTokenRequest revoke;
  revoke.set_name(only[0]);
  absl::Status refused = bureau().RevokeToken(revoke).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("last"), std::string::npos) << refused;
  EXPECT_NE(refused.message().find("another bureau token"), std::string::npos)
      << refused;
  // Nothing changed: the bureau still works.
  ASSERT_EQ(live_bureau_tokens(), only);

  // With a second bureau token, the first may go; the second is then the
  // last (a revoked bureau token does not count).
  v1::CreateTokenRequest create;
  create.mutable_token()->set_principal("bureau");
  absl::StatusOr<v1::Token> second = bureau().CreateToken(create);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
  bureau_ = Connect(second->secret());
  EXPECT_EQ(live_bureau_tokens(), std::vector<std::string>{second->name()});
  revoke.set_name(second->name());
  EXPECT_EQ(bureau().RevokeToken(revoke).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(bureau().ListTickets(v1::ListTicketsRequest()).ok());
  // Other principals' last tokens may be revoked as before.
  absl::StatusOr<v1::ListTokensResponse> all =
      bureau().ListTokens(v1::ListTokensRequest());
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> intake;
  for (const v1::Token& t : all->tokens()) {
    if (t.principal() == "intake/city") intake.push_back(t.name());
  }
  ASSERT_EQ(intake.size(), 1u);
  revoke.set_name(intake[0]);
  EXPECT_TRUE(bureau().RevokeToken(revoke).ok());
}

TEST_F(AccessTest, MalformedAuthorizationIsUnauthenticated) {
  ClientOptions options;
  options.target = server_->address();
  options.token = "hl_not-a-real-token";
  Client forged(options);
  absl::Status status = forged.ListTickets(v1::ListTicketsRequest()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(status.message().find("unknown or revoked"), std::string::npos);
  std::unique_ptr<Client> none = Connect("");
  status = none->ListTickets(v1::ListTicketsRequest()).status();
  EXPECT_NE(status.message().find("Bearer"), std::string::npos) << status;
}

}  // namespace
}  // namespace hotline
