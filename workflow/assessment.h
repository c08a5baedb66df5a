// The department scorecard (考核) as a pure function of the figures: each
// department's rates for a period, its score and its rank, under the
// policy's assessment weights (Policy.assessment_weights,
// assessment_min_tickets). Integer arithmetic throughout, so the same
// figures always give the same scores.
//
// A rate is numerator / denominator in tenths of a percent, floored; "1 -
// x" rates (returns, reopens, ...) count what went right. A rate without a
// denominator (nothing to judge) is shown empty and leaves the score.
//
//   score = Σ weight × rate / Σ weight, over the rates with a weight and a
//           denominator; in tenths of a point out of 100, floored
//
// A department is ranked when it was forwarded at least
// assessment_min_tickets tickets in the period and has a score: rank 1 is
// the highest score, equal scores share a rank (1, 2, 2, 4). Others are
// shown, not ranked (cities warn against ranking on a handful of tickets).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_ASSESSMENT_H_
#define HOTLINE_WORKFLOW_ASSESSMENT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hotline/v1/hotline_service.pb.h"

namespace hotline {

// The rates, in the order rows list them, and their policy-file names
// ("assessment.NAME = WEIGHT").
inline constexpr const char* kAssessmentRates[] = {
    "on_time_reply", "returns", "refused_returns", "reopens",      "sent_back",
    "satisfaction",  "cards",   "notices",         "daily_reports"};

// True for a name of kAssessmentRates.
bool IsAssessmentRate(absl::string_view name);

// The default weights (out of 100 together) and the least tickets to rank.
void SetDefaultAssessment(v1::Policy& policy);

// One department's row from its figures, without rank or previous values.
v1::Assessment::Row AssessRow(const std::string& department,
                              const std::string& display_name,
                              const v1::Figures& figures,
                              const v1::Policy& policy);

// Ranks `rows` (AssessRow's) in place and orders them: ranked ones by rank,
// then department; then the others by department.
void RankRows(std::vector<v1::Assessment::Row>& rows, const v1::Policy& policy);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_ASSESSMENT_H_
