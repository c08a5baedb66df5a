// The statistics store: sums of the contributions of tickets, cards and
// settled daily reports (workflow/stat_facts.h), kept in the same
// transaction as the change that caused them, so a report never reads
// tickets one by one.
//
// Three tables:
//   stat_counts       (kind, a, b, day) -> counters as of now. `day` is the
//                     day a ticket was received / a card issued / a report
//                     owed; (kind, a, b) is one way of cutting the figures
//                     (StatKind): all tickets, by department, type or topic,
//                     and the pairs a filtered report needs (department x
//                     topic, type x department, type x topic, topic x
//                     department). Rows number at most days x dimension
//                     values, however many tickets there are.
//   stat_day_changes  the same sums split by the day the change took effect:
//                     subtracting the changes from a day on gives the counters
//                     as of that day's start.
//   stat_changes      every change with its exact instant, its effect on the
//                     sums in a compact binary form (stat_change_codec.h),
//                     read only for the part of one day after an as-of
//                     instant inside it. stat_log holds, in text, the
//                     changes of schema versions 4 to 18 not yet moved here
//                     (stat_log_conversion.h); both are read.
//
// Functions run on the caller's connection; recording ones belong inside a
// write unit. Not thread-safe beyond the Connection's own rules.
#ifndef HOTLINE_STORAGE_SQL_STAT_ROLLUP_H_
#define HOTLINE_STORAGE_SQL_STAT_ROLLUP_H_

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/records.h"
#include "storage/sql/connection.h"
#include "workflow/stat_facts.h"

namespace hotline::storage {

// Statistics changes merged in memory: a commit group adds every change
// set's changes, then writes each touched sum row once. Not thread-safe.
class StatBatch {
 public:
  explicit StatBatch(absl::TimeZone zone) : zone_(zone) {}
  void Add(const TimedFacts& change);
  void Clear();
  bool empty() const { return log_.empty(); }
  // Adds the merged sums to the tables and logs every change.
  absl::Status Write(Connection& db) const;

 private:
  struct LogRow {
    int64_t at_micros;
    std::string change;  // EncodeStatEffect
  };
  absl::TimeZone zone_;
  // (kind, a, b, day) and (kind, change_day, a, b, day) -> counters.
  std::map<std::tuple<int, std::string, std::string, int64_t>, StatVector>
      counts_;
  std::map<std::tuple<int, int64_t, std::string, std::string, int64_t>,
           StatVector>
      day_changes_;
  std::vector<LogRow> log_;
};

// Records a ticket's change of contribution (`before` null: a new ticket),
// using the connection's time zone.
absl::Status RecordTicketStats(Connection& db, const v1::Ticket* before,
                               const v1::Ticket& after);
// Records one change of contribution that took effect at `at`.
absl::Status RecordStatChange(Connection& db, const TimedFacts& change);

// Checks that the statistics tables count days in `zone` (recording it the
// first time, and then counting every ticket, card and settled daily report
// already stored). FAILED_PRECONDITION when they were built for another
// zone.
absl::Status PrepareStatistics(Connection& db, absl::TimeZone zone);

absl::StatusOr<StatSums> SumStats(Connection& db, const StatSumQuery& query);

// SumStats for each query, all in one read transaction, so that every sum
// sees the same commits.
absl::StatusOr<std::vector<StatSums>> SumStatsTogether(
    Connection& db, const std::vector<StatSumQuery>& queries);

struct MovedStatLog {
  int rows = 0;
  int64_t last_id = 0;  // of the rows moved
};
// Moves up to `limit` of the oldest rows of the text log (stat_log) into
// stat_changes, inside the caller's write unit: how many, 0 when none is
// left. ABORTED when another process moved some of them first (roll the
// unit back); FAILED_PRECONDITION naming a row that cannot be decoded.
absl::StatusOr<MovedStatLog> MoveTextStatLog(Connection& db, int limit);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_STAT_ROLLUP_H_
