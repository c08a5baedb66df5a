// StatisticsService::GetAssessment: the department scorecard (考核) of a
// period, from the figures' department rows (workflow/assessment.h scores
// and ranks them).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "app/statistics_service.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "workflow/assessment.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

// The scored and ranked rows of `stats`' departments (not the row of
// tickets no department holds).
std::vector<v1::Assessment::Row> Scored(const v1::Statistics& stats,
                                        const v1::Policy& policy) {
  std::vector<v1::Assessment::Row> rows;
  for (const v1::Statistics::DepartmentRow& row : stats.departments()) {
    if (row.department().empty()) continue;
    rows.push_back(
        AssessRow(row.department(), row.display_name(), row.figures(), policy));
  }
  RankRows(rows, policy);
  return rows;
}

}  // namespace

absl::StatusOr<v1::Assessment> StatisticsService::GetAssessment(
    const Principal& principal, const v1::GetAssessmentRequest& request) {
  if (policies_ == nullptr) {
    return absl::FailedPreconditionError(
        "this statistics service has no policy to score with");
  }
  if (!request.department().empty()) {
    RETURN_IF_ERROR(
        ParseDepartmentName(request.department(), "department").status());
  }
  ASSIGN_OR_RETURN(Scope scope, ScopeFor(principal, ScopedRead::kStatistics,
                                         request.department()));
  ASSIGN_OR_RETURN(const DayPeriod days,
                   ParseDayPeriod(request.from_date(), request.to_date()));
  const absl::CivilDay previous_from = days.from - (days.to - days.from);
  // Every department's figures, as the bureau reads them: a department's
  // rank is among all.
  v1::GetStatisticsRequest period;
  period.set_from_date(request.from_date());
  period.set_to_date(request.to_date());
  ASSIGN_OR_RETURN(v1::Statistics now,
                   GetStatistics(Principal::Bureau(), period));
  v1::GetStatisticsRequest before;
  before.set_from_date(absl::FormatCivilTime(previous_from));
  before.set_to_date(request.from_date());
  ASSIGN_OR_RETURN(v1::Statistics then,
                   GetStatistics(Principal::Bureau(), before));

  const v1::Policy& policy = *policies_->CurrentRules().policy;
  v1::Assessment assessment;
  assessment.set_from_date(request.from_date());
  assessment.set_to_date(request.to_date());
  assessment.set_previous_from_date(absl::FormatCivilTime(previous_from));
  *assessment.mutable_as_of() = now.as_of();
  assessment.set_policy_version(policy.version());
  assessment.set_min_tickets(policy.assessment_min_tickets());
  std::map<std::string, v1::Assessment::Row> previous;
  for (v1::Assessment::Row& row : Scored(then, policy)) {
    previous[row.department()] = std::move(row);
  }
  for (v1::Assessment::Row& row : Scored(now, policy)) {
    if (scope.department && row.department() != *scope.department) continue;
    auto earlier = previous.find(row.department());
    if (earlier != previous.end()) {
      if (earlier->second.has_score_permille()) {
        row.set_previous_score_permille(earlier->second.score_permille());
      }
      row.set_previous_rank(earlier->second.rank());
    }
    *assessment.add_rows() = std::move(row);
  }
  return assessment;
}

}  // namespace hotline
