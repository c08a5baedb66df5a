#include "storage/sql/receipt_hours.h"

#include <algorithm>

#include "common/status_macros.h"

namespace hotline::storage {

namespace {
constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000 * 1000;
}  // namespace

int64_t ReceiptHour(int64_t received_at_micros) {
  // SQL's integer division, as the migration's backfill divides: it
  // truncates toward zero, which keeps the hours in received_at's order (a
  // bound needs no more).
  return received_at_micros / kMicrosPerHour;
}

void ReceiptHourBatch::Add(int64_t received_at_micros, int64_t ticket_id) {
  auto [it, inserted] =
      hours_.try_emplace(ReceiptHour(received_at_micros), ticket_id, ticket_id);
  if (!inserted) {
    it->second.first = std::min(it->second.first, ticket_id);
    it->second.second = std::max(it->second.second, ticket_id);
  }
}

absl::Status ReceiptHourBatch::Write(Connection& db) const {
  for (const auto& [hour, ids] : hours_) {
    ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO ticket_receipt_hours (hour, first_id, "
                   "last_id) VALUES (?, ?, ?) ON CONFLICT (hour) DO UPDATE "
                   "SET first_id = CASE WHEN excluded.first_id < "
                   "ticket_receipt_hours.first_id THEN excluded.first_id "
                   "ELSE ticket_receipt_hours.first_id END, last_id = CASE "
                   "WHEN excluded.last_id > ticket_receipt_hours.last_id THEN "
                   "excluded.last_id ELSE ticket_receipt_hours.last_id END"));
    stmt.BindInt64(1, hour);
    stmt.BindInt64(2, ids.first);
    stmt.BindInt64(3, ids.second);
    RETURN_IF_ERROR(stmt.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ReceiptIdBounds>> ReceiptIdBoundsOf(
    Connection& db, std::optional<int64_t> from_micros,
    std::optional<int64_t> until_micros) {
  // One bound: `sql`'s aggregate over the hours on one side of `micros`'
  // hour; nullopt when there is no such hour.
  auto bound = [&db](const char* sql,
                     int64_t micros) -> absl::StatusOr<std::optional<int64_t>> {
    ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
    stmt.BindInt64(1, ReceiptHour(micros));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || stmt.ColumnIsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(stmt.ColumnInt64(0));
  };
  ReceiptIdBounds bounds;
  if (from_micros) {
    ASSIGN_OR_RETURN(bounds.first,
                     bound("SELECT MIN(first_id) FROM ticket_receipt_hours "
                           "WHERE hour >= ?",
                           *from_micros));
    if (!bounds.first) return std::optional<ReceiptIdBounds>();
  }
  if (until_micros) {
    ASSIGN_OR_RETURN(bounds.last,
                     bound("SELECT MAX(last_id) FROM ticket_receipt_hours "
                           "WHERE hour <= ?",
                           *until_micros));
    if (!bounds.last) return std::optional<ReceiptIdBounds>();
  }
  return std::optional<ReceiptIdBounds>(bounds);
}

}  // namespace hotline::storage
