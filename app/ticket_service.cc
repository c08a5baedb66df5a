#include "app/ticket_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "app/idempotency.h"
#include "app/paging.h"
#include "app/ticket_changes.h"
#include "app/ticket_filter.h"
#include "app/ticket_step.h"
#include "storage/store.h"
#include "workflow/extension_rules.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckReason(absl::string_view reason) {
  return CheckRequiredText(reason, "reason", kMaxReasonChars);
}

absl::Status CheckEtagSyntax(absl::string_view etag) {
  return CheckOptionalText(etag, "etag", 32);
}

}  // namespace

void TicketService::Transition(const Principal& principal, TicketAction action,
                               const std::string& name,
                               const google::protobuf::Message& request,
                               Rule rule, TicketDone done) {
  absl::StatusOr<int64_t> id = ParseTicketName(name, "name");
  if (!id.ok()) return done(id.status());
  absl::StatusOr<RequestIdentity> identity =
      IdentifyRequest(principal, request);
  if (!identity.ok()) return done(identity.status());
  if (absl::Status s = AuthorizeAction(principal, action); !s.ok()) {
    return done(s);
  }
  CommitPlanned<v1::Ticket>(
      store_, executor_,
      AnswerRetries<v1::Ticket>(
          *std::move(identity), clock_, store_,
          [this, principal, action, name, id = *id,
           rule = std::move(rule)]() -> absl::StatusOr<Planned<v1::Ticket>> {
            absl::StatusOr<Planned<v1::Ticket>> planned = PlanTicketStep(
                *store_, *policies_, ActionContext{principal, clock_->Now()},
                action, id, name, rule);
            if (!planned.ok()) return planned.status();
            planned->answer = ViewFor(principal, planned->answer);
            return planned;
          }),
      std::move(done));
}

void TicketService::CreateTicket(const Principal& principal,
                                 const v1::CreateTicketRequest& request,
                                 TicketDone done) {
  if (absl::Status s = ValidateNewTicket(request.ticket(), clock_->Now());
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckOptionalText(request.request_id(), "request_id",
                                         kMaxRequestIdChars);
      !s.ok()) {
    return done(s);
  }
  std::optional<std::string> department_id;
  if (!request.dispatch_to().empty()) {
    absl::StatusOr<std::string> id =
        ParseDepartmentName(request.dispatch_to(), "dispatch_to");
    if (!id.ok()) return done(id.status());
    department_id = *id;
  }
  absl::StatusOr<RequestIdentity> identity =
      IdentifyRequest(principal, request);
  if (!identity.ok()) return done(identity.status());
  if (absl::Status s = AuthorizeAction(principal, TicketAction::kCreate);
      !s.ok()) {
    return done(s);
  }
  // Within the retention of request outcomes a request_id reused for
  // another request is refused (idempotency.h); create_requests keeps every
  // create's id for good, so a late retry still finds its ticket.
  CommitPlanned<v1::Ticket>(
      store_, executor_,
      AnswerRetries<v1::Ticket>(
          *std::move(identity), clock_, store_,
          [this, principal, request,
           department_id]() -> absl::StatusOr<Planned<v1::Ticket>> {
            Planned<v1::Ticket> planned;
            const std::string caller = principal.ToString();
            // A retry of an earlier create: answer with what it made.
            if (!request.request_id().empty()) {
              absl::StatusOr<std::optional<int64_t>> earlier =
                  store_->FindCreateRequest(caller, request.request_id());
              if (!earlier.ok()) return earlier.status();
              if (earlier->has_value()) {
                absl::StatusOr<std::optional<v1::Ticket>> ticket =
                    store_->LoadTicket(**earlier);
                if (!ticket.ok()) return ticket.status();
                if (!ticket->has_value()) {
                  return absl::InternalError(
                      "a recorded create lost its ticket");
                }
                planned.answer = ViewFor(principal, **ticket);
                return planned;  // nothing to write
              }
            }
            // The platform's ticket number identifies the ticket too.
            const std::string& source_id = request.ticket().source_id();
            if (!source_id.empty()) {
              absl::StatusOr<std::optional<v1::Ticket>> existing =
                  store_->LoadTicketBySourceId(source_id);
              if (!existing.ok()) return existing.status();
              if (existing->has_value()) {
                if ((*existing)->created_by() != caller &&
                    principal.kind != Principal::Kind::kBureau) {
                  // Not this caller's ticket: its name is not told.
                  return WithReason(
                      absl::AlreadyExistsError(absl::StrCat(
                          "a ticket with source_id \"", source_id,
                          "\" was already created by another source")),
                      v1::ALREADY_EXISTS, {{"source_id", source_id}});
                }
                // A re-sent row: nothing new is created, and the caller
                // learns which ticket it already has (one call a row).
                return WithReason(
                    absl::AlreadyExistsError(absl::StrCat(
                        "source_id \"", source_id, "\" was already created as ",
                        (*existing)->name(), "; nothing new was created")),
                    v1::DUPLICATE_SOURCE_ID,
                    {{"source_id", source_id},
                     {"ticket", (*existing)->name()}});
              }
            }
            if (department_id) {
              absl::StatusOr<std::optional<v1::Department>> department =
                  store_->LoadDepartment(*department_id);
              if (!department.ok()) return department.status();
              if (!department->has_value()) {
                return ResourceNotFound(
                    "dispatch_to: department", request.dispatch_to(),
                    "the bureau creates it with CreateDepartment");
              }
            }
            const ActionContext context{principal, clock_->Now()};
            TicketChange created = NewTicket(request.ticket(), context);
            TicketChanges changes(store_, policies_->calendar().zone(),
                                  &planned.changes);
            if (absl::Status s =
                    changes.AddNew(&created.ticket, &created.event);
                !s.ok()) {
              return s;
            }
            v1::Ticket ticket = created.ticket;
            if (department_id) {
              absl::StatusOr<TicketChange> dispatched =
                  Dispatch(ticket, request.dispatch_to(), "", "", context,
                           policies_->CurrentRules());
              if (!dispatched.ok()) return dispatched.status();
              changes.AddVersion(created.ticket, &dispatched->ticket);
              changes.AddEvent(dispatched->event);
              ticket = dispatched->ticket;
            }
            if (!request.request_id().empty()) {
              planned.changes.create_requests.push_back(
                  {caller, request.request_id(), storage::TicketId(ticket),
                   absl::ToUnixMicros(context.now)});
            }
            planned.answer = ViewFor(principal, ticket);
            return planned;
          }),
      std::move(done));
}

void TicketService::DispatchTicket(const Principal& principal,
                                   const v1::DispatchTicketRequest& request,
                                   TicketDone done) {
  absl::StatusOr<std::string> department_id =
      ParseDepartmentName(request.department(), "department");
  if (!department_id.ok()) return done(department_id.status());
  if (absl::Status s =
          CheckOptionalText(request.note(), "note", kMaxReasonChars);
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  // The department must exist; checked in the unit so that the check and
  // the dispatch see the same database.
  Transition(
      principal, TicketAction::kDispatch, request.name(), request,
      [this, request, department_id = *department_id](
          storage::Store& store, const v1::Ticket& ticket,
          const ActionContext& context) -> absl::StatusOr<TicketChange> {
        absl::StatusOr<std::optional<v1::Department>> department =
            store.LoadDepartment(department_id);
        if (!department.ok()) return department.status();
        if (!department->has_value()) {
          return ResourceNotFound(
              "department", request.department(),
              "the bureau creates it with CreateDepartment");
        }
        return Dispatch(ticket, request.department(), request.note(),
                        request.etag(), context, policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::AcknowledgeTicket(
    const Principal& principal, const v1::AcknowledgeTicketRequest& request,
    TicketDone done) {
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kAcknowledge, request.name(), request,
      [this, etag = request.etag()](storage::Store&, const v1::Ticket& ticket,
                                    const ActionContext& context) {
        return Acknowledge(ticket, etag, context, policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::ReturnTicket(const Principal& principal,
                                 const v1::ReturnTicketRequest& request,
                                 TicketDone done) {
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return done(s);
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kReturn, request.name(), request,
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return Return(ticket, request.reason(), request.etag(), context);
      },
      std::move(done));
}

void TicketService::ReplyTicket(const Principal& principal,
                                const v1::ReplyTicketRequest& request,
                                TicketDone done) {
  if (request.reply_text().size() > static_cast<size_t>(kMaxContentBytes)) {
    return done(InvalidFieldError(
        "reply_text",
        absl::StrCat("reply_text is ", request.reply_text().size(),
                     " bytes long; at most ", kMaxContentBytes,
                     " are allowed")));
  }
  if (absl::Status s =
          CheckRequiredText(request.reply_text(), "reply_text", 1 << 30);
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckOutcome(request.outcome(), "outcome"); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kReply, request.name(), request,
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return Reply(ticket, request.reply_text(), request.outcome(),
                     request.etag(), context);
      },
      std::move(done));
}

void TicketService::CloseTicket(const Principal& principal,
                                const v1::CloseTicketRequest& request,
                                TicketDone done) {
  if (absl::Status s =
          CheckSatisfaction(request.satisfaction(), "satisfaction");
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kClose, request.name(), request,
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return Close(ticket, request.satisfaction(), request.etag(), context);
      },
      std::move(done));
}

void TicketService::ReopenTicket(const Principal& principal,
                                 const v1::ReopenTicketRequest& request,
                                 TicketDone done) {
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return done(s);
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kReopen, request.name(), request,
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
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return done(s);
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kRequestExtension, request.name(), request,
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
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kDecideExtension, request.name(), request,
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
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return done(s);
  if (absl::Status s = CheckEtagSyntax(request.etag()); !s.ok()) {
    return done(s);
  }
  Transition(
      principal, TicketAction::kDecideExtension, request.name(), request,
      [request](storage::Store&, const v1::Ticket& ticket,
                const ActionContext& context) {
        return hotline::RejectExtension(ticket, request.reason(),
                                        request.etag(), context);
      },
      std::move(done));
}

absl::StatusOr<v1::Ticket> TicketService::LoadVisible(
    const Principal& principal, const std::string& name,
    absl::string_view field) {
  absl::StatusOr<int64_t> id = ParseTicketName(name, field);
  if (!id.ok()) return id.status();
  if (absl::Status s = AuthorizeAction(principal, TicketAction::kView);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<v1::Ticket>> ticket = store_->LoadTicket(*id);
  if (!ticket.ok()) return ticket.status();
  const v1::Ticket* current = ticket->has_value() ? &**ticket : nullptr;
  if (absl::Status s =
          AuthorizeOnTicket(principal, TicketAction::kView, name, current);
      !s.ok()) {
    return s;
  }
  return ViewFor(principal, **ticket);
}

absl::StatusOr<v1::Ticket> TicketService::GetTicket(
    const Principal& principal, const v1::GetTicketRequest& request) {
  return LoadVisible(principal, request.name(), "name");
}

absl::StatusOr<v1::ListTicketsResponse> TicketService::ListTickets(
    const Principal& principal, const v1::ListTicketsRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<storage::TicketQuery> query =
      ParseTicketFilter(request.filter());
  if (!query.ok()) return query.status();
  const std::string scope = absl::StrCat("ListTickets\n", request.filter(),
                                         "\n", principal.ToString());
  absl::StatusOr<std::string> last =
      DecodePageToken(request.page_token(), scope);
  if (!last.ok()) return last.status();
  if (!last->empty() && !absl::SimpleAtoi(*last, &query->after_id)) {
    return InvalidFieldError("page_token", "page_token is malformed");
  }
  if (absl::Status s = AuthorizeAction(principal, TicketAction::kView);
      !s.ok()) {
    return s;
  }
  // Departments and intake list only their own tickets, whatever the filter.
  absl::StatusOr<Scope> visible =
      ScopeFor(principal, ScopedRead::kTickets, query->department.value_or(""),
               query->created_by.value_or(""));
  if (!visible.ok()) return visible.status();
  query->department = visible->department;
  query->created_by = visible->created_by;
  // One row more than asked tells whether another page follows.
  query->limit = *page_size + 1;
  absl::StatusOr<std::vector<v1::Ticket>> tickets =
      store_->QueryTickets(*query);
  if (!tickets.ok()) return tickets.status();
  v1::ListTicketsResponse response;
  const bool more = TrimToPage(&*tickets, *page_size);
  for (v1::Ticket& ticket : *tickets) {
    *response.add_tickets() = ViewFor(principal, std::move(ticket));
  }
  if (more) {
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(storage::TicketId(response.tickets().rbegin()[0])),
        scope));
  }
  return response;
}

absl::StatusOr<v1::ListTicketEventsResponse> TicketService::ListTicketEvents(
    const Principal& principal, const v1::ListTicketEventsRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const std::string scope = absl::StrCat("ListTicketEvents\n", request.parent(),
                                         "\n", principal.ToString());
  absl::StatusOr<std::string> last =
      DecodePageToken(request.page_token(), scope);
  if (!last.ok()) return last.status();
  int64_t after_seq = 0;
  if (!last->empty() && !absl::SimpleAtoi(*last, &after_seq)) {
    return InvalidFieldError("page_token", "page_token is malformed");
  }
  absl::StatusOr<v1::Ticket> ticket =
      LoadVisible(principal, request.parent(), "parent");
  if (!ticket.ok()) return ticket.status();
  const int64_t ticket_id = storage::TicketId(*ticket);
  absl::StatusOr<std::vector<v1::Event>> events =
      store_->QueryTicketEvents(ticket_id, after_seq, *page_size + 1);
  if (!events.ok()) return events.status();
  v1::ListTicketEventsResponse response;
  const bool more = TrimToPage(&*events, *page_size);
  for (v1::Event& event : *events) *response.add_events() = std::move(event);
  if (more) {
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(response.events().rbegin()[0].seq()), scope));
  }
  return response;
}

}  // namespace hotline
