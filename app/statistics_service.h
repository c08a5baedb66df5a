// GetStatistics: the bureau's figures for a period, read from the
// statistics sums (storage/sql/stat_rollup.h) in one read transaction. The cost
// grows with the days, departments and topics in the answer, not with the
// tickets stored. The request's checks are workflow/validation.h's
// (CheckStatisticsRequest), who may cut how workflow/scope.h's (ScopeFor),
// the figures workflow/statistics.h's; no gRPC types.
//
// Thread-safe.
#ifndef HOTLINE_APP_STATISTICS_SERVICE_H_
#define HOTLINE_APP_STATISTICS_SERVICE_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "app/policy_registry.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

class StatisticsService final {
 public:
  // Every pointer must outlive the service. `zone` is the bureau's time
  // zone, the one the store counts days in; the policy in force gives the
  // scorecard's weights (`policies` may be null where GetAssessment is not
  // served: it then fails with FAILED_PRECONDITION).
  StatisticsService(storage::Store* store, const Clock* clock,
                    absl::TimeZone zone,
                    const PolicyRegistry* policies = nullptr)
      : store_(store), clock_(clock), policies_(policies), zone_(zone) {}
  StatisticsService(const StatisticsService&) = delete;
  StatisticsService& operator=(const StatisticsService&) = delete;

  // Bureau: any cut. Department: its own figures only (a department filter
  // naming another is PERMISSION_DENIED, as are type and topic cuts).
  // Intake: PERMISSION_DENIED.
  //
  // The figures are as of `as_of`, or of the period's end when none is
  // given. As of an instant no later than now, a change counts only if it
  // took effect before that instant; as of a later one the answer is as of
  // now (its as_of says now) and counts everything recorded so far, also at
  // the clock's current instant. One rule for the totals, the days, the
  // department rows and the topics, so the rows and the days add up to the
  // total.
  absl::StatusOr<v1::Statistics> GetStatistics(
      const Principal& principal, const v1::GetStatisticsRequest& request);

  // The department scorecard (考核, workflow/assessment.h) of a period and
  // of the period of the same length before, in assessment_report.cc:
  // from the department rows of GetStatistics (as the bureau sees them),
  // scored with the policy in force. The bureau gets every department, a
  // department its own row (its rank among all); intake
  // PERMISSION_DENIED.
  absl::StatusOr<v1::Assessment> GetAssessment(
      const Principal& principal, const v1::GetAssessmentRequest& request);

  // The bureau's figures by category (诉求分类) at every level and by
  // dispatch-catalogue rule (派单目录), and the hotspots (热点) of a period
  // against the period of the same length before, in hotspot_report.cc
  // (workflow/hotspot_rules.h counts). Counted from the tickets received in
  // the period, as they are now; a period is at most 366 days. Departments
  // and intake: PERMISSION_DENIED.
  absl::StatusOr<v1::CategoryStatistics> GetCategoryStatistics(
      const Principal& principal,
      const v1::GetCategoryStatisticsRequest& request);
  absl::StatusOr<v1::Hotspots> GetHotspots(
      const Principal& principal, const v1::GetHotspotsRequest& request);

 private:
  storage::Store* const store_;
  const Clock* const clock_;
  const PolicyRegistry* const policies_;
  const absl::TimeZone zone_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_STATISTICS_SERVICE_H_
