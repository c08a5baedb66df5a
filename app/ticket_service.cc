#include "app/ticket_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "app/dispatch_catalogue_versions.h"
#include "app/paging.h"
#include "app/ticket_changes.h"
#include "app/ticket_filter.h"
#include "app/ticket_step.h"
#include "app/write.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/assist_rules.h"
#include "workflow/callback_rules.h"
#include "workflow/dispatch_catalogue.h"
#include "workflow/extension_rules.h"
#include "workflow/reply_review_rules.h"
#include "workflow/return_review_rules.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckReason(absl::string_view reason) {
  return CheckRequiredText(reason, "reason", kMaxReasonChars);
}

// A step that takes a reason and an etag (return, reopen, ask for or reject
// an extension).
template <typename Request>
absl::Status CheckReasonAndEtag(const Request& request) {
  RETURN_IF_ERROR(CheckReason(request.reason()));
  return CheckEtagSyntax(request.etag());
}

// The department a new ticket is dispatched to at once, if any.
absl::StatusOr<std::optional<std::string>> CheckCreateTicket(
    const v1::CreateTicketRequest& request, absl::Time now) {
  RETURN_IF_ERROR(ValidateNewTicket(request.ticket(), now));
  RETURN_IF_ERROR(CheckOptionalText(request.request_id(), "request_id",
                                    kMaxRequestIdChars));
  if (request.dispatch_to().empty()) {
    if (!request.assisting_departments().empty()) {
      return InvalidFieldError(
          "assisting_departments",
          "assisting_departments (协办) go with dispatch_to (the lead, 主办); "
          "name the lead too, or dispatch the ticket later");
    }
    return std::nullopt;
  }
  RETURN_IF_ERROR(CheckAssistingDepartments(request.assisting_departments(),
                                            request.dispatch_to()));
  return ParseDepartmentName(request.dispatch_to(), "dispatch_to");
}

absl::Status CheckDispatchTicket(const v1::DispatchTicketRequest& request) {
  RETURN_IF_ERROR(
      ParseDepartmentName(request.department(), "department").status());
  RETURN_IF_ERROR(CheckOptionalText(request.note(), "note", kMaxReasonChars));
  RETURN_IF_ERROR(CheckAssistingDepartments(request.assisting_departments(),
                                            request.department()));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckReplyTicket(const v1::ReplyTicketRequest& request) {
  RETURN_IF_ERROR(CheckRequiredLongText(request.reply_text(), "reply_text"));
  RETURN_IF_ERROR(CheckOutcome(request.outcome(), "outcome"));
  RETURN_IF_ERROR(CheckOptionalText(request.missing_opinions_reason(),
                                    "missing_opinions_reason",
                                    kMaxReasonChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckCloseTicket(const v1::CloseTicketRequest& request) {
  RETURN_IF_ERROR(CheckSatisfaction(request.satisfaction(), "satisfaction"));
  RETURN_IF_ERROR(CheckDissatisfactionReasons(request.dissatisfaction_reasons(),
                                              request.satisfaction()));
  return CheckEtagSyntax(request.etag());
}

}  // namespace

// The department to dispatch to (`name`, well-formed) must exist: checked
// in the plan, so that the check and the dispatch see the same database.
// `what` names it in NOT_FOUND ("department", "dispatch_to: department").
absl::Status CheckDepartmentExists(storage::Store& store,
                                   const std::string& name,
                                   absl::string_view what) {
  ASSIGN_OR_RETURN(std::string id, ParseDepartmentName(name, "department"));
  ASSIGN_OR_RETURN(std::optional<v1::Department> department,
                   store.LoadDepartment(id));
  if (!department) {
    return ResourceNotFound(what, name,
                            "the bureau creates it with CreateDepartment");
  }
  return absl::OkStatus();
}

void TicketService::Step(const Principal& principal, TicketAction action,
                         const std::string& name,
                         const google::protobuf::Message& request,
                         const absl::Status& checked, StepPlan plan,
                         TicketDone done) {
  if (!checked.ok()) return done(checked);
  absl::StatusOr<int64_t> id = ParseTicketName(name, "name");
  if (!id.ok()) return done(id.status());
  writer_.Run<v1::Ticket>(
      principal, request, action,
      [this, principal, id = *id,
       plan = std::move(plan)]() -> absl::StatusOr<Planned<v1::Ticket>> {
        ASSIGN_OR_RETURN(Planned<v1::Ticket> planned,
                         plan(ActionContext{principal, clock_->Now()}, id));
        planned.answer = ViewFor(principal, planned.answer);
        return planned;
      },
      std::move(done));
}

void TicketService::Transition(const Principal& principal, TicketAction action,
                               const std::string& name,
                               const google::protobuf::Message& request,
                               const absl::Status& checked, Rule rule,
                               TicketDone done) {
  Step(
      principal, action, name, request, checked,
      [this, action, name, rule = std::move(rule)](const ActionContext& context,
                                                   int64_t id) {
        return PlanTicketStep(*store_, *policies_, context, action, id, name,
                              rule);
      },
      std::move(done));
}

void TicketService::CreateTicket(const Principal& principal,
                                 const v1::CreateTicketRequest& request,
                                 TicketDone done) {
  absl::StatusOr<std::optional<std::string>> department_id =
      CheckCreateTicket(request, clock_->Now());
  if (!department_id.ok()) return done(department_id.status());
  if (absl::Status s = policies_->categories().Check(
          request.ticket().category(), "ticket.category");
      !s.ok()) {
    return done(s);
  }
  // Within the retention of request outcomes a request_id reused for
  // another request is refused (idempotency.h); create_requests keeps every
  // create's id for good, so a late retry still finds its ticket.
  writer_.Run<v1::Ticket>(
      principal, request, TicketAction::kCreate,
      [this, principal, request] { return PlanCreate(principal, request); },
      std::move(done));
}

absl::StatusOr<std::optional<v1::Ticket>> TicketService::FindCreated(
    const Principal& principal, const std::string& request_id) const {
  if (request_id.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<int64_t> earlier,
                   store_->FindCreateRequest(principal.ToString(), request_id));
  if (!earlier) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket,
                   store_->LoadTicket(*earlier));
  if (!ticket) return absl::InternalError("a recorded create lost its ticket");
  return ticket;
}

absl::StatusOr<Planned<v1::Ticket>> TicketService::PlanCreate(
    const Principal& principal, const v1::CreateTicketRequest& request) const {
  Planned<v1::Ticket> planned;
  // A retry of an earlier create: answer with what it made.
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> earlier,
                   FindCreated(principal, request.request_id()));
  if (earlier) {
    planned.answer = ViewFor(principal, *std::move(earlier));
    return planned;  // nothing to write
  }
  // The platform's ticket number identifies the ticket too.
  const std::string& source_id = request.ticket().source_id();
  if (!source_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<v1::Ticket> existing,
                     store_->LoadTicketBySourceId(source_id));
    RETURN_IF_ERROR(CheckSourceIdFree(principal, source_id,
                                      existing ? &*existing : nullptr));
  }
  if (!request.dispatch_to().empty()) {
    RETURN_IF_ERROR(CheckDepartmentExists(*store_, request.dispatch_to(),
                                          "dispatch_to: department"));
  }
  for (const std::string& assisting : request.assisting_departments()) {
    RETURN_IF_ERROR(CheckDepartmentExists(*store_, assisting,
                                          "assisting_departments: department"));
  }
  const ActionContext context{principal, clock_->Now()};
  ASSIGN_OR_RETURN(v1::Ticket ticket,
                   PlanNewTicket(request, context, &planned.changes));
  if (!request.request_id().empty()) {
    planned.changes.create_requests.push_back(
        {principal.ToString(), request.request_id(), storage::TicketId(ticket),
         absl::ToUnixMicros(context.now)});
  }
  planned.answer = ViewFor(principal, ticket);
  return planned;
}

absl::StatusOr<v1::Ticket> TicketService::PlanNewTicket(
    const v1::CreateTicketRequest& request, const ActionContext& context,
    storage::ChangeSet* change_set) const {
  TicketChange created = NewTicket(request.ticket(), context);
  TicketChanges changes(store_, policies_->calendar().zone(), change_set);
  RETURN_IF_ERROR(changes.AddNew(&created.ticket, &created.event));
  if (request.dispatch_to().empty()) return created.ticket;
  ASSIGN_OR_RETURN(
      TicketChange dispatched,
      DispatchWithAssists(created.ticket, request.dispatch_to(),
                          {request.assisting_departments().begin(),
                           request.assisting_departments().end()},
                          "", "", context, policies_->CurrentRules()));
  ASSIGN_OR_RETURN(std::shared_ptr<const v1::DispatchCatalogue> catalogue,
                   dispatch_catalogue_.Get(*store_));
  RecordDispatchOn(*catalogue, context.now, dispatched.ticket,
                   dispatched.event);
  changes.AddVersion(created.ticket, &dispatched.ticket);
  changes.AddEvent(dispatched.event);
  return dispatched.ticket;
}

void TicketService::DispatchTicket(const Principal& principal,
                                   const v1::DispatchTicketRequest& request,
                                   TicketDone done) {
  absl::Status checked = CheckDispatchTicket(request);
  if (checked.ok()) {
    checked = policies_->categories().Check(request.category(), "category");
  }
  Transition(
      principal, TicketAction::kDispatch, request.name(), request, checked,
      [this, request](
          storage::Store& store, const v1::Ticket& ticket,
          const ActionContext& context) -> absl::StatusOr<TicketChange> {
        RETURN_IF_ERROR(
            CheckDepartmentExists(store, request.department(), "department"));
        for (const std::string& assisting : request.assisting_departments()) {
          RETURN_IF_ERROR(CheckDepartmentExists(
              store, assisting, "assisting_departments: department"));
        }
        v1::Ticket classified = ticket;
        if (!request.category().empty()) {
          classified.set_category(request.category());
        }
        ASSIGN_OR_RETURN(
            TicketChange dispatched,
            DispatchWithAssists(classified, request.department(),
                                {request.assisting_departments().begin(),
                                 request.assisting_departments().end()},
                                request.note(), request.etag(), context,
                                policies_->CurrentRules()));
        ASSIGN_OR_RETURN(std::shared_ptr<const v1::DispatchCatalogue> catalogue,
                         dispatch_catalogue_.Get(store));
        RecordDispatchOn(*catalogue, context.now, dispatched.ticket,
                         dispatched.event);
        return dispatched;
      },
      std::move(done));
}

void TicketService::AcknowledgeTicket(
    const Principal& principal, const v1::AcknowledgeTicketRequest& request,
    TicketDone done) {
  Transition(
      principal, TicketAction::kAcknowledge, request.name(), request,
      CheckEtagSyntax(request.etag()),
      [this, etag = request.etag()](storage::Store&, const v1::Ticket& ticket,
                                    const ActionContext& context) {
        return Acknowledge(ticket, etag, context, policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::ReturnTicket(const Principal& principal,
                                 const v1::ReturnTicketRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kReturn, request.name(), request,
      CheckReasonAndEtag(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return Return(ticket, request.reason(), request.etag(), context);
      },
      std::move(done));
}

void TicketService::ReplyTicket(const Principal& principal,
                                const v1::ReplyTicketRequest& request,
                                TicketDone done) {
  Transition(
      principal, TicketAction::kReply, request.name(), request,
      CheckReplyTicket(request),
      [this, request](
          storage::Store&, const v1::Ticket& ticket,
          const ActionContext& context) -> absl::StatusOr<TicketChange> {
        ASSIGN_OR_RETURN(
            TicketChange change,
            Reply(ticket, request.reply_text(), request.outcome(),
                  request.etag(), context, request.missing_opinions_reason()));
        RequireReview(change, *policies_->CurrentRules().policy);
        return change;
      },
      std::move(done));
}

void TicketService::CloseTicket(const Principal& principal,
                                const v1::CloseTicketRequest& request,
                                TicketDone done) {
  Transition(
      principal, TicketAction::kClose, request.name(), request,
      CheckCloseTicket(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) -> absl::StatusOr<TicketChange> {
        ASSIGN_OR_RETURN(
            TicketChange change,
            Close(ticket, request.satisfaction(), request.etag(), context));
        std::vector<v1::DissatisfactionReason> reasons;
        for (int reason : request.dissatisfaction_reasons()) {
          reasons.push_back(static_cast<v1::DissatisfactionReason>(reason));
        }
        SetDissatisfactionReasons(change, reasons);
        return change;
      },
      std::move(done));
}

void TicketService::ReopenTicket(const Principal& principal,
                                 const v1::ReopenTicketRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kReopen, request.name(), request,
      CheckReasonAndEtag(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return Reopen(ticket, request.reason(), request.etag(), context,
                      policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::RequestExtension(const Principal& principal,
                                     const v1::RequestExtensionRequest& request,
                                     TicketDone done) {
  Transition(
      principal, TicketAction::kRequestExtension, request.name(), request,
      CheckReasonAndEtag(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        // The limits of the policy that set this ticket's deadlines.
        return hotline::RequestExtension(
            ticket, request.working_days(), request.reason(), request.etag(),
            context, policies_->RulesFor(ticket.policy_version()));
      },
      std::move(done));
}

void TicketService::ApproveExtension(const Principal& principal,
                                     const v1::ApproveExtensionRequest& request,
                                     TicketDone done) {
  Transition(
      principal, TicketAction::kDecideExtension, request.name(), request,
      CheckEtagSyntax(request.etag()),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return hotline::ApproveExtension(
            ticket, request.etag(), context,
            policies_->RulesFor(ticket.policy_version()));
      },
      std::move(done));
}

void TicketService::RejectExtension(const Principal& principal,
                                    const v1::RejectExtensionRequest& request,
                                    TicketDone done) {
  Transition(
      principal, TicketAction::kDecideExtension, request.name(), request,
      CheckReasonAndEtag(request),
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::RejectExtension(ticket, request.reason(),
                                        request.etag(), context);
      },
      std::move(done));
}

void TicketService::RefuseReturn(const Principal& principal,
                                 const v1::RefuseReturnRequest& request,
                                 TicketDone done) {
  Transition(
      principal, TicketAction::kRefuseReturn, request.name(), request,
      CheckReasonAndEtag(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        // The deadlines it gives back are those of the policy that set them.
        return hotline::RefuseReturn(
            ticket, request.reason(), request.etag(), context,
            policies_->RulesFor(ticket.pending_return().policy_version()));
      },
      std::move(done));
}

absl::StatusOr<v1::Ticket> TicketService::LoadVisible(
    const Principal& principal, const std::string& name,
    absl::string_view field) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketName(name, field));
  RETURN_IF_ERROR(AuthorizeAction(principal, TicketAction::kView));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_->LoadTicket(id));
  RETURN_IF_ERROR(AuthorizeOnTicket(principal, TicketAction::kView, name,
                                    ticket ? &*ticket : nullptr));
  return ViewFor(principal, *std::move(ticket));
}

absl::StatusOr<v1::Ticket> TicketService::GetTicket(
    const Principal& principal, const v1::GetTicketRequest& request) {
  return LoadVisible(principal, request.name(), "name");
}

absl::StatusOr<v1::ListTicketsResponse> TicketService::ListTickets(
    const Principal& principal, const v1::ListTicketsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  ASSIGN_OR_RETURN(storage::TicketQuery query,
                   ParseTicketFilter(request.filter()));
  const std::string page_scope = absl::StrCat("ListTickets\n", request.filter(),
                                              "\n", principal.ToString());
  ASSIGN_OR_RETURN(query.after_id,
                   DecodeNumberPageToken(request.page_token(), page_scope));
  RETURN_IF_ERROR(AuthorizeAction(principal, TicketAction::kView));
  // Departments and intake list only their own tickets, whatever the filter:
  // a department those it leads, or with `assisting` those it assists.
  if (query.assisting_department) {
    ASSIGN_OR_RETURN(Scope visible, ScopeFor(principal, ScopedRead::kTickets,
                                             *query.assisting_department,
                                             query.created_by.value_or("")));
    query.assisting_department = visible.department;
    query.created_by = visible.created_by;
  } else {
    ASSIGN_OR_RETURN(Scope visible, ScopeFor(principal, ScopedRead::kTickets,
                                             query.department.value_or(""),
                                             query.created_by.value_or("")));
    query.department = visible.department;
    query.created_by = visible.created_by;
  }
  // One row more than asked tells whether another page follows.
  query.limit = page_size + 1;
  ASSIGN_OR_RETURN(std::vector<v1::Ticket> tickets,
                   store_->QueryTickets(query));
  v1::ListTicketsResponse response;
  const bool more = TrimToPage(&tickets, page_size);
  for (v1::Ticket& ticket : tickets) {
    *response.add_tickets() = ViewFor(principal, std::move(ticket));
  }
  if (more) {
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(storage::TicketId(response.tickets().rbegin()[0])),
        page_scope));
  }
  return response;
}

absl::StatusOr<v1::ListTicketEventsResponse> TicketService::ListTicketEvents(
    const Principal& principal, const v1::ListTicketEventsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  const std::string page_scope = absl::StrCat(
      "ListTicketEvents\n", request.parent(), "\n", principal.ToString());
  ASSIGN_OR_RETURN(int64_t after_seq,
                   DecodeNumberPageToken(request.page_token(), page_scope));
  ASSIGN_OR_RETURN(v1::Ticket ticket,
                   LoadVisible(principal, request.parent(), "parent"));
  ASSIGN_OR_RETURN(std::vector<v1::Event> events,
                   store_->QueryTicketEvents(storage::TicketId(ticket),
                                             after_seq, page_size + 1));
  v1::ListTicketEventsResponse response;
  const bool more = TrimToPage(&events, page_size);
  for (v1::Event& event : events) {
    HideRestrictedAttachment(principal, event);
    *response.add_events() = std::move(event);
  }
  if (more) {
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(response.events().rbegin()[0].seq()), page_scope));
  }
  return response;
}

}  // namespace hotline
