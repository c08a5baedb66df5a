#include "workflow/card_rules.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/merge_rules.h"

namespace hotline {

using v1::Card;
using v1::Event;

absl::StatusOr<CardChange> IssueCard(const v1::Ticket& ticket,
                                     Card::Color color,
                                     absl::string_view reason,
                                     const ActionContext& context) {
  // A merged ticket (并单) earns no card of its own: its main does.
  RETURN_IF_ERROR(CheckNotMerged(ticket, "IssueCard"));
  if (ticket.department().empty()) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            ticket.name(), " is ", v1::Ticket::State_Name(ticket.state()),
            " and held by no department; a card is charged to the department "
            "holding the ticket")),
        v1::NO_DEPARTMENT_TO_CHARGE,
        {{"ticket", ticket.name()},
         {"state", v1::Ticket::State_Name(ticket.state())}});
  }
  CardChange result{
      BeginStep(ticket, Event::CARD_ISSUED, ticket.state(), context), Card()};
  Card& card = result.card;
  card.set_ticket(ticket.name());
  card.set_department(ticket.department());
  card.set_color(color);
  card.set_reason(std::string(reason));
  card.set_issuer(context.actor.ToString());
  *card.mutable_issue_time() = ToProtoTime(context.now);
  v1::Ticket& t = result.ticket_change.ticket;
  if (color == Card::YELLOW) {
    t.set_yellow_cards(t.yellow_cards() + 1);
  } else {
    t.set_red_cards(t.red_cards() + 1);
  }
  result.ticket_change.event.set_card_color(color);
  result.ticket_change.event.set_reason(std::string(reason));
  FinishStep(ticket, result.ticket_change);
  return result;
}

absl::StatusOr<CardChange> RevokeCard(const v1::Ticket& ticket,
                                      const Card& card,
                                      absl::string_view reason,
                                      const ActionContext& context) {
  if (card.has_revoke_time()) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat(card.name(), " is already revoked")),
                      v1::ALREADY_REVOKED, {{"resource", card.name()}});
  }
  CardChange result{
      BeginStep(ticket, Event::CARD_REVOKED, ticket.state(), context), card};
  result.card.set_revoke_reason(std::string(reason));
  result.card.set_revoked_by(context.actor.ToString());
  *result.card.mutable_revoke_time() = ToProtoTime(context.now);
  v1::Ticket& t = result.ticket_change.ticket;
  if (card.color() == Card::YELLOW) {
    t.set_yellow_cards(std::max(0, t.yellow_cards() - 1));
  } else {
    t.set_red_cards(std::max(0, t.red_cards() - 1));
  }
  v1::Event& event = result.ticket_change.event;
  event.set_card(card.name());
  event.set_card_color(card.color());
  event.set_reason(std::string(reason));
  FinishStep(ticket, result.ticket_change);
  // The revocation is about the card's department, whoever holds the
  // ticket now.
  event.set_department(card.department());
  return result;
}

}  // namespace hotline
