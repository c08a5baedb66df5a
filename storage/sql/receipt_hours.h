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
// The bounds hold whatever order ids are committed in (two servers on one
// PostgreSQL database reserve numbers apart): each is the least or the
// greatest id actually stored for an hour, written in the transaction that
// stores the tickets. A ticket's received_at never changes after it is
// stored, and it is never later than the ticket's creation, so ids grow
// with the hours: an hour's span of ids is narrow, except for tickets
// stored long after they were received (imports of old tickets), which
// widen the walk for their hours. The MIN and MAX read every hour on one
// side of the span (8,760 small rows a year of data).
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
