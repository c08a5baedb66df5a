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
#ifndef HOTLINE_STORAGE_SQL_OPERATIONAL_COUNTS_H_
#define HOTLINE_STORAGE_SQL_OPERATIONAL_COUNTS_H_

#include <cstdint>
#include <map>
#include <optional>

#include "absl/status/statusor.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/records.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

absl::StatusOr<OperationalCounts> QueryOperationalCounts(Connection& db);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_OPERATIONAL_COUNTS_H_
