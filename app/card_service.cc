#include "app/card_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "app/paging.h"
#include "app/ticket_changes.h"
#include "app/write.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/card_rules.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

absl::Status CheckColor(v1::Card::Color color) {
  if (color != v1::Card::YELLOW && color != v1::Card::RED) {
    return InvalidFieldError("color",
                             absl::StrCat("color must be YELLOW or RED (got ",
                                          static_cast<int>(color), ")"));
  }
  return absl::OkStatus();
}

// The ticket side of a card change (its new version and event), after the
// card itself; the card is the answer.
void PlanCardChange(TicketChanges& changes, const v1::Ticket& before,
                    CardChange& change) {
  changes.ExpectStored(before);
  changes.AddVersion(before, &change.ticket_change.ticket);
  changes.AddEvent(change.ticket_change.event);
}

// The cards a list asks for, without its scope and page: INVALID_ARGUMENT
// naming the first malformed filter.
absl::StatusOr<storage::CardQuery> CardQueryOf(
    const v1::ListCardsRequest& request) {
  storage::CardQuery query;
  if (!request.department().empty()) {
    RETURN_IF_ERROR(
        ParseDepartmentName(request.department(), "department").status());
    query.department = request.department();
  }
  if (!request.ticket().empty()) {
    ASSIGN_OR_RETURN(query.ticket_id,
                     ParseTicketName(request.ticket(), "ticket"));
  }
  if (request.color() != v1::Card::COLOR_UNSPECIFIED) {
    RETURN_IF_ERROR(CheckColor(request.color()));
    query.color = request.color();
  }
  if (request.has_issued_from()) {
    RETURN_IF_ERROR(CheckTimestamp(request.issued_from(), "issued_from"));
    query.issued_from_micros = ToUnixMicros(request.issued_from());
  }
  if (request.has_issued_to()) {
    RETURN_IF_ERROR(CheckTimestamp(request.issued_to(), "issued_to"));
    query.issued_to_micros = ToUnixMicros(request.issued_to());
  }
  if (!v1::ListCardsRequest::Which_IsValid(request.which())) {
    return InvalidFieldError(
        "which", "which must be WHICH_UNSPECIFIED (all), ACTIVE or REVOKED");
  }
  if (request.which() != v1::ListCardsRequest::WHICH_UNSPECIFIED) {
    query.active = request.which() == v1::ListCardsRequest::ACTIVE;
  }
  return query;
}

// What a page token of ListCards is bound to: the filters and the caller.
std::string PageScopeOf(const Principal& principal,
                        const v1::ListCardsRequest& request) {
  v1::ListCardsRequest filters = request;
  filters.clear_page_token();
  filters.clear_page_size();
  return absl::StrCat("ListCards\n", filters.SerializeAsString(), "\n",
                      principal.ToString());
}

absl::StatusOr<int64_t> CheckIssueCard(const v1::IssueCardRequest& request) {
  ASSIGN_OR_RETURN(int64_t ticket_id,
                   ParseTicketName(request.ticket(), "ticket"));
  RETURN_IF_ERROR(CheckColor(request.color()));
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return ticket_id;
}

absl::StatusOr<int64_t> CheckRevokeCard(const v1::RevokeCardRequest& request) {
  ASSIGN_OR_RETURN(int64_t card_id, ParseCardName(request.name(), "name"));
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  return card_id;
}

}  // namespace

absl::StatusOr<v1::ListCardsResponse> CardService::ListCards(
    const Principal& principal, const v1::ListCardsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  ASSIGN_OR_RETURN(storage::CardQuery query, CardQueryOf(request));
  const std::string page_scope = PageScopeOf(principal, request);
  ASSIGN_OR_RETURN(query.after_id,
                   DecodeNumberPageToken(request.page_token(), page_scope));
  ASSIGN_OR_RETURN(Scope visible, ScopeFor(principal, ScopedRead::kCards,
                                           query.department.value_or("")));
  query.department = visible.department;
  query.limit = page_size + 1;
  ASSIGN_OR_RETURN(std::vector<v1::Card> cards, store_->QueryCards(query));
  v1::ListCardsResponse response;
  const bool more = TrimToPage(&cards, page_size);
  for (v1::Card& card : cards) *response.add_cards() = std::move(card);
  if (more) {
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(storage::CardId(response.cards().rbegin()[0])),
        page_scope));
  }
  return response;
}

absl::StatusOr<Planned<v1::Card>> CardService::PlanIssueCard(
    const Principal& principal, const v1::IssueCardRequest& request,
    int64_t ticket_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket,
                   store_->LoadTicket(ticket_id));
  if (!ticket) return ResourceNotFound("ticket", request.ticket());
  ASSIGN_OR_RETURN(
      CardChange change,
      hotline::IssueCard(*ticket, request.color(), request.reason(),
                         ActionContext{principal, clock_->Now()}));
  Planned<v1::Card> planned;
  TicketChanges changes(store_, zone_, &planned.changes);
  RETURN_IF_ERROR(changes.AddNewCard(*ticket, &change.card));
  change.ticket_change.event.set_card(change.card.name());
  PlanCardChange(changes, *ticket, change);
  planned.answer = change.card;
  return planned;
}

absl::StatusOr<Planned<v1::Card>> CardService::PlanRevokeCard(
    const Principal& principal, const v1::RevokeCardRequest& request,
    int64_t card_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::Card> card, store_->LoadCard(card_id));
  if (!card) return ResourceNotFound("card", request.name());
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket,
                   store_->LoadTicket(storage::TicketIdOfName(card->ticket())));
  if (!ticket) return absl::InternalError("a card's ticket is missing");
  ASSIGN_OR_RETURN(
      CardChange change,
      hotline::RevokeCard(*ticket, *card, request.reason(),
                          ActionContext{principal, clock_->Now()}));
  Planned<v1::Card> planned;
  TicketChanges changes(store_, zone_, &planned.changes);
  changes.AddChangedCard(*ticket, *card, change.card);
  PlanCardChange(changes, *ticket, change);
  planned.answer = change.card;
  return planned;
}

void CardService::IssueCard(const Principal& principal,
                            const v1::IssueCardRequest& request,
                            CardDone done) {
  absl::StatusOr<int64_t> ticket_id = CheckIssueCard(request);
  if (!ticket_id.ok()) return done(ticket_id.status());
  writer_.Run<v1::Card>(
      principal, request, WriteAccess::BureauOnly("IssueCard"),
      [this, principal, request, id = *ticket_id] {
        return PlanIssueCard(principal, request, id);
      },
      std::move(done));
}

void CardService::RevokeCard(const Principal& principal,
                             const v1::RevokeCardRequest& request,
                             CardDone done) {
  absl::StatusOr<int64_t> card_id = CheckRevokeCard(request);
  if (!card_id.ok()) return done(card_id.status());
  writer_.Run<v1::Card>(
      principal, request, WriteAccess::BureauOnly("RevokeCard"),
      [this, principal, request, id = *card_id] {
        return PlanRevokeCard(principal, request, id);
      },
      std::move(done));
}

}  // namespace hotline
