#include "server/card_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "server/completion.h"
#include "server/idempotency.h"
#include "server/paging.h"
#include "storage/queries.h"
#include "workflow/access.h"
#include "workflow/card_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

using storage::Connection;

absl::Status CheckColor(v1::Card::Color color) {
  if (color != v1::Card::YELLOW && color != v1::Card::RED) {
    return InvalidFieldError("color",
                             absl::StrCat("color must be YELLOW or RED (got ",
                                          static_cast<int>(color), ")"));
  }
  return absl::OkStatus();
}

// Stores the ticket side of a card change (its new version and event)
// after the card itself, and hands the card to `result`.
absl::Status StoreCardTicketChange(Connection& db, const v1::Ticket& before,
                                   CardChange& change, v1::Card* result) {
  if (absl::Status s =
          storage::StoreTicketChange(db, before, &change.ticket_change.ticket,
                                     &change.ticket_change.event);
      !s.ok()) {
    return s;
  }
  *result = change.card;
  return absl::OkStatus();
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
  switch (principal.kind) {
    case Principal::Kind::kBureau:
      break;
    case Principal::Kind::kDepartment:
      if (query.department && *query.department != principal.DepartmentName()) {
        return WithReason(
            absl::PermissionDeniedError(absl::StrCat(
                principal.ToString(), " may list only the cards of ",
                principal.DepartmentName())),
            v1::NOT_YOURS,
            {{"principal", principal.ToString()},
             {"resource", *query.department}});
      }
      query.department = principal.DepartmentName();
      break;
    case Principal::Kind::kIntake:
      return WithReason(
          absl::PermissionDeniedError(
              absl::StrCat(principal.ToString(),
                           " may not list cards; the bureau and "
                           "departments may")),
          v1::ROLE_NOT_ALLOWED,
          {{"principal", principal.ToString()}, {"method", "ListCards"}});
  }
  query.limit = *page_size + 1;
  absl::StatusOr<std::vector<v1::Card>> cards =
      store_->Read<std::vector<v1::Card>>(
          [&](Connection& db) { return storage::QueryCards(db, query); });
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
  auto result = std::make_shared<v1::Card>();
  store_->Write(
      AnswerRetries<v1::Card>(
          *std::move(identity), clock_, result,
          [this, principal, request, id = *ticket_id,
           result](Connection& db) -> absl::Status {
            absl::StatusOr<std::optional<v1::Ticket>> ticket =
                storage::LoadTicket(db, id);
            if (!ticket.ok()) return ticket.status();
            if (!ticket->has_value()) {
              return ResourceNotFound("ticket", request.ticket());
            }
            absl::StatusOr<CardChange> change =
                hotline::IssueCard(**ticket, request.color(), request.reason(),
                                   ActionContext{principal, clock_->Now()});
            if (!change.ok()) return change.status();
            if (absl::Status s =
                    storage::InsertCard(db, **ticket, &change->card);
                !s.ok()) {
              return s;
            }
            change->ticket_change.event.set_card(change->card.name());
            return StoreCardTicketChange(db, **ticket, *change, result.get());
          }),
      DeliverWhenDurable<v1::Card>(result, std::move(done)));
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
  auto result = std::make_shared<v1::Card>();
  store_->Write(
      AnswerRetries<v1::Card>(
          *std::move(identity), clock_, result,
          [this, principal, request, id = *card_id,
           result](Connection& db) -> absl::Status {
            absl::StatusOr<std::optional<v1::Card>> card =
                storage::LoadCard(db, id);
            if (!card.ok()) return card.status();
            if (!card->has_value()) {
              return ResourceNotFound("card", request.name());
            }
            absl::StatusOr<std::optional<v1::Ticket>> ticket =
                storage::LoadTicket(db,
                                    storage::TicketIdOfName((*card)->ticket()));
            if (!ticket.ok()) return ticket.status();
            if (!ticket->has_value()) {
              return absl::InternalError("a card's ticket is missing");
            }
            absl::StatusOr<CardChange> change =
                hotline::RevokeCard(**ticket, **card, request.reason(),
                                    ActionContext{principal, clock_->Now()});
            if (!change.ok()) return change.status();
            if (absl::Status s =
                    storage::UpdateCard(db, **ticket, **card, change->card);
                !s.ok()) {
              return s;
            }
            return StoreCardTicketChange(db, **ticket, *change, result.get());
          }),
      DeliverWhenDurable<v1::Card>(result, std::move(done)));
}

}  // namespace hotline
