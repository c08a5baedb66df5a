// The bureau's figures (统计) from summed contributions (stat_facts.h), and
// the checks on a statistics request's period. The definitions
// docs/workflow.md ("Statistics") gives, in code:
//
//   pending_not_overdue = received - replied - pending_overdue
//   daily_average       = floor(10 * received / days) / 10
//   on-time rate        = floor(1000 * replied_on_time /
//                               (replied + pending_overdue)) per mille
//   report compliance   = floor(1000 * reports_given / reports_owed) per mille
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_STATISTICS_H_
#define HOTLINE_WORKFLOW_STATISTICS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.pb.h"
#include "workflow/stat_facts.h"

namespace hotline {

// The longest period a request may ask for, in days (ten years and change).
constexpr int kMaxStatisticsDays = 3700;

// A period [from, to) of calendar days.
struct StatPeriod {
  absl::CivilDay from;
  absl::CivilDay to;
  int days() const { return static_cast<int>(to - from); }
};

// Checks from_date / to_date ("YYYY-MM-DD", from before to, at most
// kMaxStatisticsDays apart). INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<StatPeriod> ParseStatPeriod(const std::string& from_date,
                                           const std::string& to_date);

// The one as-of rule for every cut of a report (totals, days, department
// rows, topics): a change counts only if it took effect before the instant
// this returns. Asked for an instant no later than `now` (an as_of, or the
// end of a past period), that instant itself; later than now, everything
// recorded so far, also what was recorded at `now` itself (a rehearsal
// clock stands still between AdvanceClock calls; the sweeper records
// cards at deadlines, 00:00 of a day): times are kept in microseconds, so
// that is `now` + 1 us.
absl::Time CountedBefore(absl::Time asked, absl::Time now);

// floor(1000 * part / whole); nullopt when whole is 0.
std::optional<int32_t> FlooredPermille(int64_t part, int64_t whole);

// The figures of summed counters over a period of `days` calendar days.
v1::Figures MakeFigures(const StatVector& sums, int days);

// The `limit` topics received most, most first, ties in code-point order;
// topics with nothing received are left out.
std::vector<v1::Statistics::TopicCount> TopTopics(
    const std::map<std::string, StatVector>& by_topic, size_t limit);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_STATISTICS_H_
