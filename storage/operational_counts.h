// What an operator's dashboard plots about the data, read in one go at
// scrape time: tickets by state, tickets overdue, cards by color, the head
// of the event feed and the earliest pending deadline.
//
//   absl::StatusOr<OperationalCounts> counts =
//       store.Read<OperationalCounts>(QueryOperationalCounts);
//
// Cost: tickets by state counts the tickets_by_state index (one pass over
// it); the rest reads the statistics sums (one row per day), the cards
// table and two index ends.
//
// Not thread-safe beyond the Connection's own rule: one thread at a time.
#ifndef HOTLINE_STORAGE_OPERATIONAL_COUNTS_H_
#define HOTLINE_STORAGE_OPERATIONAL_COUNTS_H_

#include <cstdint>
#include <map>
#include <optional>

#include "absl/status/statusor.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/sqlite.h"

namespace hotline::storage {

struct CardCounts {
  // Every card ever issued of the color, revoked ones included.
  int64_t issued = 0;
  // Of those, the ones revoked since.
  int64_t revoked = 0;
};

struct OperationalCounts {
  // Tickets in each state (states without tickets are absent).
  std::map<v1::Ticket::State, int64_t> tickets_by_state;
  // Tickets not replied whose reply deadline the sweeper has found passed
  // (the statistics' "pending and overdue", over all days).
  int64_t tickets_overdue = 0;
  // Cards by color (colors without cards are absent).
  std::map<v1::Card::Color, CardCounts> cards_by_color;
  // The newest event's seq (0 without events).
  int64_t latest_seq = 0;
  // The earliest pending deadline of any ticket (UTC microseconds), if any.
  std::optional<int64_t> earliest_due_micros;
};

absl::StatusOr<OperationalCounts> QueryOperationalCounts(Connection& db);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_OPERATIONAL_COUNTS_H_
