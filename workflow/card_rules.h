// Cards issued and revoked by the bureau by hand. A card is charged to the
// department holding the ticket; the ticket counts its active cards
// (yellow_cards, red_cards). A revoked card stays in history and stops
// counting.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_CARD_RULES_H_
#define HOTLINE_WORKFLOW_CARD_RULES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workflow/ticket_rules.h"

namespace hotline {

struct CardChange {
  TicketChange ticket_change;
  v1::Card card;
};

// FAILED_PRECONDITION when no department holds the ticket.
absl::StatusOr<CardChange> IssueCard(const v1::Ticket& ticket,
                                     v1::Card::Color color,
                                     absl::string_view reason,
                                     const ActionContext& context);

// FAILED_PRECONDITION when the card is revoked already.
absl::StatusOr<CardChange> RevokeCard(const v1::Ticket& ticket,
                                      const v1::Card& card,
                                      absl::string_view reason,
                                      const ActionContext& context);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CARD_RULES_H_
