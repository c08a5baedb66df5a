#include "storage/records.h"

#include "absl/strings/numbers.h"

namespace hotline::storage {

int64_t NumberOfName(absl::string_view name, absl::string_view prefix) {
  int64_t id = 0;
  if (name.size() <= prefix.size() ||
      !absl::SimpleAtoi(name.substr(prefix.size()), &id)) {
    return 0;
  }
  return id;
}

int64_t TicketId(const v1::Ticket& ticket) {
  return NumberOfName(ticket.name(), "tickets/");
}

int64_t TicketIdOfName(absl::string_view name) {
  return NumberOfName(name, "tickets/");
}

int64_t CardId(const v1::Card& card) {
  return NumberOfName(card.name(), "cards/");
}

}  // namespace hotline::storage
