#include "storage/sql/operational_counts.h"

#include "storage/sql/queries.h"

namespace hotline::storage {

absl::StatusOr<OperationalCounts> QueryOperationalCounts(Connection& db) {
  OperationalCounts counts;
  {
    absl::StatusOr<Statement> stmt =
        db.Prepare("SELECT state, COUNT(*) FROM tickets GROUP BY state");
    if (!stmt.ok()) return stmt.status();
    while (true) {
      absl::StatusOr<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      counts.tickets_by_state[static_cast<v1::Ticket::State>(
          stmt->ColumnInt64(0))] = stmt->ColumnInt64(1);
    }
  }
  // kind 0 is the whole service (stat_rollup.h's kStatAll).
  absl::StatusOr<int64_t> overdue = db.QueryInt64(
      "SELECT COALESCE(SUM(pending_overdue), 0) FROM stat_counts "
      "WHERE kind = 0");
  if (!overdue.ok()) return overdue.status();
  counts.tickets_overdue = *overdue;
  {
    absl::StatusOr<Statement> stmt = db.Prepare(
        "SELECT color, COUNT(*), COUNT(revoked_at) FROM cards GROUP BY color");
    if (!stmt.ok()) return stmt.status();
    while (true) {
      absl::StatusOr<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      CardCounts& card = counts.cards_by_color[static_cast<v1::Card::Color>(
          stmt->ColumnInt64(0))];
      card.issued = stmt->ColumnInt64(1);
      card.revoked = stmt->ColumnInt64(2);
    }
  }
  absl::StatusOr<int64_t> latest = LatestSeq(db);
  if (!latest.ok()) return latest.status();
  counts.latest_seq = *latest;
  absl::StatusOr<std::optional<int64_t>> earliest = EarliestDueMicros(db);
  if (!earliest.ok()) return earliest.status();
  counts.earliest_due_micros = *earliest;
  return counts;
}

}  // namespace hotline::storage
