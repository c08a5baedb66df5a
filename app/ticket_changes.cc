#include "app/ticket_changes.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "workflow/stat_facts.h"

namespace hotline {

void TicketChanges::ExpectStored(const v1::Ticket& ticket) {
  changes_->ExpectVersion(storage::TicketId(ticket), ticket.etag());
}

absl::Status TicketChanges::AddNew(v1::Ticket* ticket, v1::Event* event) {
  ASSIGN_OR_RETURN(int64_t number,
                   store_->ReserveNumbers(storage::NumberKind::kTicket, 1));
  ticket->set_name(absl::StrCat("tickets/", number));
  ticket->set_etag("1");
  event->set_ticket(ticket->name());
  changes_->new_tickets.push_back(*ticket);
  for (TimedFacts& change : TicketStatChanges(nullptr, *ticket, zone_)) {
    changes_->stat_changes.push_back(std::move(change));
  }
  changes_->events.push_back(*event);
  return absl::OkStatus();
}

void TicketChanges::AddVersion(const v1::Ticket& before, v1::Ticket* after) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(before.etag(), &version)) version = 0;
  after->set_etag(absl::StrCat(version + 1));
  changes_->tickets.push_back(*after);
  for (TimedFacts& change : TicketStatChanges(&before, *after, zone_)) {
    changes_->stat_changes.push_back(std::move(change));
  }
}

void TicketChanges::AddEvent(v1::Event event) {
  changes_->events.push_back(std::move(event));
}

absl::Status TicketChanges::AddNewCard(const v1::Ticket& ticket,
                                       v1::Card* card) {
  ASSIGN_OR_RETURN(int64_t number,
                   store_->ReserveNumbers(storage::NumberKind::kCard, 1));
  card->set_name(absl::StrCat("cards/", number));
  changes_->new_cards.push_back(*card);
  if (std::optional<TimedFacts> change = CardStatChange(
          ticket.type(), ticket.topic(), nullptr, *card, zone_)) {
    changes_->stat_changes.push_back(*std::move(change));
  }
  return absl::OkStatus();
}

void TicketChanges::AddChangedCard(const v1::Ticket& ticket,
                                   const v1::Card& before,
                                   const v1::Card& after) {
  changes_->cards.push_back(after);
  if (std::optional<TimedFacts> change = CardStatChange(
          ticket.type(), ticket.topic(), &before, after, zone_)) {
    changes_->stat_changes.push_back(*std::move(change));
  }
}

absl::Status TicketChanges::AddSweepSteps(const v1::Ticket& ticket,
                                          std::vector<SweepStep>& steps,
                                          SweepCounts* counts) {
  for (SweepStep& step : steps) {
    if (step.card) {
      RETURN_IF_ERROR(AddNewCard(ticket, &*step.card));
      if (step.event) step.event->set_card(step.card->name());
      if (step.card->color() == v1::Card::YELLOW) {
        ++counts->yellow_cards;
      } else {
        ++counts->red_cards;
      }
    }
    if (step.obligation) {
      storage::DailyObligationRow row;
      row.ticket_id = storage::TicketId(ticket);
      row.date = step.obligation->date;
      row.department = step.obligation->department;
      row.reported = step.obligation->reported;
      row.stat_change =
          ObligationStatChange(row.date, row.department, row.reported,
                               ticket.type(), ticket.topic(), zone_);
      changes_->obligations.push_back(std::move(row));
      if (!step.obligation->reported) ++counts->daily_report_misses;
    }
    if (!step.event) continue;
    if (step.event->type() == v1::Event::DUE_SOON) ++counts->warnings;
    if (step.event->type() == v1::Event::ACK_OVERDUE) ++counts->ack_overdue;
    changes_->events.push_back(*step.event);
  }
  return absl::OkStatus();
}

}  // namespace hotline
