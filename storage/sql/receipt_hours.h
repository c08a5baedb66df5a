// Which ticket ids can have been received in a span of time: for each hour
// (UTC, received_at / 3,600,000,000 µs) that tickets were received in, the
// first and the last id among them (table ticket_receipt_hours, migration
// 18). A list filtered by received_at then walks only the ids between the
// bounds, in id order, through whichever index its other filters use, and
// its first page costs the same at ten thousand tickets as at ten million
// (TicketQuerySql). The bounds are conservative: every ticket received in
// [from, until] has an id in [first id of the hours from `from`'s on, last
// id of the hours up to `until`'s], and the walk checks received_at itself.
//
// A ticket's received_at never changes after it is stored, and each new
// ticket has the largest id so far, so an hour's first id is fixed by its
// first ticket and its last id grows with late arrivals (imports of old
// tickets). Such late arrivals widen the walk for their hours; nothing else
// does.
//
// Functions run on the caller's connection. Not thread-safe beyond the
// Connection's own rules.
#ifndef HOTLINE_STORAGE_SQL_RECEIPT_HOURS_H_
#define HOTLINE_STORAGE_SQL_RECEIPT_HOURS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// The hour a received_at (UTC microseconds) falls in.
int64_t ReceiptHour(int64_t received_at_micros);

// The receipt hours of a commit group's new tickets, merged in memory and
// written once per hour touched. Not thread-safe.
class ReceiptHourBatch {
 public:
  void Add(int64_t received_at_micros, int64_t ticket_id);
  void Clear() { hours_.clear(); }
  // Widens each touched hour's bounds to take the group's tickets in.
  absl::Status Write(Connection& db) const;

 private:
  // hour -> (first id, last id) among the group's tickets.
  std::map<int64_t, std::pair<int64_t, int64_t>> hours_;
};

// The ids a ticket received in [from, until] (UTC microseconds, inclusive;
// either may be absent) can have: a lower and an upper bound, each absent
// when its end of the span is. nullopt when no ticket can match (no ticket
// was received at or after `from`, or at or before `until`).
struct ReceiptIdBounds {
  std::optional<int64_t> first;
  std::optional<int64_t> last;
};
absl::StatusOr<std::optional<ReceiptIdBounds>> ReceiptIdBoundsOf(
    Connection& db, std::optional<int64_t> from_micros,
    std::optional<int64_t> until_micros);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_RECEIPT_HOURS_H_
