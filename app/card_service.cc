#include "app/card_service.h"

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
#include "app/planned_write.h"
#include "app/ticket_changes.h"
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

}  // namespace

absl::StatusOr<v1::ListCardsResponse> CardService::ListCards(
    const Principal& principal, const v1::ListCardsRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  storage::CardQuery query;
  if (!request.department().empty()) {
    absl::StatusOr<std::string> id =
        ParseDepartmentName(request.department(), "department");
    if (!id.ok()) return id.status();
    query.department = request.department();
  }
  if (!request.ticket().empty()) {
    absl::StatusOr<int64_t> id = ParseTicketName(request.ticket(), "ticket");
    if (!id.ok()) return id.status();
    query.ticket_id = *id;
  }
  if (request.color() != v1::Card::COLOR_UNSPECIFIED) {
    if (absl::Status s = CheckColor(request.color()); !s.ok()) return s;
    query.color = request.color();
  }
  if (request.has_issued_from()) {
    if (absl::Status s = CheckTimestamp(request.issued_from(), "issued_from");
        !s.ok()) {
      return s;
    }
    query.issued_from_micros = ToUnixMicros(request.issued_from());
  }
  if (request.has_issued_to()) {
    if (absl::Status s = CheckTimestamp(request.issued_to(), "issued_to");
        !s.ok()) {
      return s;
    }
    query.issued_to_micros = ToUnixMicros(request.issued_to());
  }
  if (!v1::ListCardsRequest::Which_IsValid(request.which())) {
    return InvalidFieldError(
        "which", "which must be WHICH_UNSPECIFIED (all), ACTIVE or REVOKED");
  }
  if (request.which() != v1::ListCardsRequest::WHICH_UNSPECIFIED) {
    query.active = request.which() == v1::ListCardsRequest::ACTIVE;
  }
  v1::ListCardsRequest scope_request = request;
  scope_request.clear_page_token();
  scope_request.clear_page_size();
  const std::string scope =
      absl::StrCat("ListCards\n", scope_request.SerializeAsString(), "\n",
                   principal.ToString());
  absl::StatusOr<std::string> last =
      DecodePageToken(request.page_token(), scope);
  if (!last.ok()) return last.status();
  if (!last->empty() && !absl::SimpleAtoi(*last, &query.after_id)) {
    return InvalidFieldError("page_token", "page_token is malformed");
  }
  absl::StatusOr<Scope> visible =
      ScopeFor(principal, ScopedRead::kCards, query.department.value_or(""));
  if (!visible.ok()) return visible.status();
  query.department = visible->department;
  query.limit = *page_size + 1;
  absl::StatusOr<std::vector<v1::Card>> cards = store_->QueryCards(query);
  if (!cards.ok()) return cards.status();
  v1::ListCardsResponse response;
  const bool more = TrimToPage(&*cards, *page_size);
  for (v1::Card& card : *cards) *response.add_cards() = std::move(card);
  if (more) {
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(storage::CardId(response.cards().rbegin()[0])), scope));
  }
  return response;
}

void CardService::IssueCard(const Principal& principal,
                            const v1::IssueCardRequest& request,
                            CardDone done) {
  absl::StatusOr<int64_t> ticket_id =
      ParseTicketName(request.ticket(), "ticket");
  if (!ticket_id.ok()) return done(ticket_id.status());
  if (absl::Status s = CheckColor(request.color()); !s.ok()) return done(s);
  if (absl::Status s =
          CheckRequiredText(request.reason(), "reason", kMaxReasonChars);
      !s.ok()) {
    return done(s);
  }
  absl::StatusOr<RequestIdentity> identity =
      IdentifyRequest(principal, request);
  if (!identity.ok()) return done(identity.status());
  if (absl::Status s = AuthorizeBureauOnly(principal, "IssueCard"); !s.ok()) {
    return done(s);
  }
  CommitPlanned<v1::Card>(
      store_, executor_,
      AnswerRetries<v1::Card>(
          *std::move(identity), clock_, store_,
          [this, principal, request,
           id = *ticket_id]() -> absl::StatusOr<Planned<v1::Card>> {
            absl::StatusOr<std::optional<v1::Ticket>> ticket =
                store_->LoadTicket(id);
            if (!ticket.ok()) return ticket.status();
            if (!ticket->has_value()) {
              return ResourceNotFound("ticket", request.ticket());
            }
            absl::StatusOr<CardChange> change =
                hotline::IssueCard(**ticket, request.color(), request.reason(),
                                   ActionContext{principal, clock_->Now()});
            if (!change.ok()) return change.status();
            Planned<v1::Card> planned;
            TicketChanges changes(store_, zone_, &planned.changes);
            if (absl::Status s = changes.AddNewCard(**ticket, &change->card);
                !s.ok()) {
              return s;
            }
            change->ticket_change.event.set_card(change->card.name());
            PlanCardChange(changes, **ticket, *change);
            planned.answer = change->card;
            return planned;
          }),
      std::move(done));
}

void CardService::RevokeCard(const Principal& principal,
                             const v1::RevokeCardRequest& request,
                             CardDone done) {
  absl::StatusOr<int64_t> card_id = ParseCardName(request.name(), "name");
  if (!card_id.ok()) return done(card_id.status());
  if (absl::Status s =
          CheckRequiredText(request.reason(), "reason", kMaxReasonChars);
      !s.ok()) {
    return done(s);
  }
  absl::StatusOr<RequestIdentity> identity =
      IdentifyRequest(principal, request);
  if (!identity.ok()) return done(identity.status());
  if (absl::Status s = AuthorizeBureauOnly(principal, "RevokeCard"); !s.ok()) {
    return done(s);
  }
  CommitPlanned<v1::Card>(
      store_, executor_,
      AnswerRetries<v1::Card>(
          *std::move(identity), clock_, store_,
          [this, principal, request,
           id = *card_id]() -> absl::StatusOr<Planned<v1::Card>> {
            absl::StatusOr<std::optional<v1::Card>> card = store_->LoadCard(id);
            if (!card.ok()) return card.status();
            if (!card->has_value()) {
              return ResourceNotFound("card", request.name());
            }
            absl::StatusOr<std::optional<v1::Ticket>> ticket =
                store_->LoadTicket(storage::TicketIdOfName((*card)->ticket()));
            if (!ticket.ok()) return ticket.status();
            if (!ticket->has_value()) {
              return absl::InternalError("a card's ticket is missing");
            }
            absl::StatusOr<CardChange> change =
                hotline::RevokeCard(**ticket, **card, request.reason(),
                                    ActionContext{principal, clock_->Now()});
            if (!change.ok()) return change.status();
            Planned<v1::Card> planned;
            TicketChanges changes(store_, zone_, &planned.changes);
            changes.AddChangedCard(**ticket, **card, change->card);
            PlanCardChange(changes, **ticket, *change);
            planned.answer = change->card;
            return planned;
          }),
      std::move(done));
}

}  // namespace hotline
