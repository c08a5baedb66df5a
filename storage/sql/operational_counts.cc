#include "storage/sql/operational_counts.h"

#include "common/status_macros.h"
#include "storage/sql/queries.h"

namespace hotline::storage {

absl::StatusOr<OperationalCounts> QueryOperationalCounts(Connection& db) {
  OperationalCounts counts;
  {
    ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT state, COUNT(*) FROM tickets GROUP BY state"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      counts.tickets_by_state[static_cast<v1::Ticket::State>(
          stmt.ColumnInt64(0))] = stmt.ColumnInt64(1);
    }
  }
  // kind 0 is the whole service (stat_rollup.h's kStatAll).
  ASSIGN_OR_RETURN(int64_t overdue,
                   db.QueryInt64("SELECT COALESCE(SUM(pending_overdue), 0) "
                                 "FROM stat_counts WHERE kind = 0"));
  counts.tickets_overdue = overdue;
  {
    ASSIGN_OR_RETURN(Statement stmt,
                     db.Prepare("SELECT color, COUNT(*), COUNT(revoked_at) "
                                "FROM cards GROUP BY color"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      CardCounts& card = counts.cards_by_color[static_cast<v1::Card::Color>(
          stmt.ColumnInt64(0))];
      card.issued = stmt.ColumnInt64(1);
      card.revoked = stmt.ColumnInt64(2);
    }
  }
  ASSIGN_OR_RETURN(int64_t latest, LatestSeq(db));
  counts.latest_seq = latest;
  ASSIGN_OR_RETURN(std::optional<int64_t> earliest, EarliestDueMicros(db));
  counts.earliest_due_micros = earliest;
  return counts;
}

}  // namespace hotline::storage
