#include "storage/records.h"

#include "absl/strings/numbers.h"

namespace hotline::storage {
namespace {

// The number after `prefix` in `name`; 0 when malformed.
int64_t NumericId(absl::string_view name, absl::string_view prefix) {
  int64_t id = 0;
  if (name.size() <= prefix.size() ||
      !absl::SimpleAtoi(name.substr(prefix.size()), &id)) {
    return 0;
  }
  return id;
}

}  // namespace

int64_t TicketId(const v1::Ticket& ticket) {
  return NumericId(ticket.name(), "tickets/");
}

int64_t TicketIdOfName(absl::string_view name) {
  return NumericId(name, "tickets/");
}

int64_t CardId(const v1::Card& card) {
  return NumericId(card.name(), "cards/");
}

}  // namespace hotline::storage
