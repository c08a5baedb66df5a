#include "workflow/assessment.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace hotline {
namespace {

// What one rate counts: what went right of what was judged.
struct Counted {
  int64_t numerator = 0;
  int64_t denominator = 0;
};

// "1 - bad / whole", as what went right of the whole.
Counted Spared(int64_t bad, int64_t whole) {
  return {std::max<int64_t>(0, whole - bad), whole};
}

Counted CountRate(absl::string_view name, const v1::Figures& f) {
  if (name == "on_time_reply") {
    return {f.replied_on_time(), f.replied() + f.pending_overdue()};
  }
  if (name == "returns") return Spared(f.returns(), f.forwarded());
  if (name == "refused_returns") {
    return Spared(f.refused_returns(), f.forwarded());
  }
  if (name == "reopens") return Spared(f.reopens(), f.replied());
  if (name == "sent_back") {
    return Spared(f.replies_sent_back(), f.replied() + f.replies_sent_back());
  }
  if (name == "satisfaction") {
    const int64_t content = f.satisfied() + f.basically_satisfied();
    return {content, content + f.dissatisfied() - f.appeals_upheld()};
  }
  if (name == "cards") {
    return Spared(f.yellow_cards() + f.red_cards(), f.forwarded());
  }
  if (name == "notices") return {f.notices_answered_on_time(), f.notices()};
  if (name == "daily_reports") return {f.reports_given(), f.reports_owed()};
  return {};
}

}  // namespace

bool IsAssessmentRate(absl::string_view name) {
  for (const char* rate : kAssessmentRates) {
    if (name == rate) return true;
  }
  return false;
}

void SetDefaultAssessment(v1::Policy& policy) {
  auto& weights = *policy.mutable_assessment_weights();
  weights.clear();
  weights["on_time_reply"] = 40;
  weights["returns"] = 10;
  weights["refused_returns"] = 0;
  weights["reopens"] = 10;
  weights["sent_back"] = 5;
  weights["satisfaction"] = 20;
  weights["cards"] = 5;
  weights["notices"] = 5;
  weights["daily_reports"] = 5;
  policy.set_assessment_min_tickets(5);
}

v1::Assessment::Row AssessRow(const std::string& department,
                              const std::string& display_name,
                              const v1::Figures& figures,
                              const v1::Policy& policy) {
  v1::Assessment::Row row;
  row.set_department(department);
  row.set_display_name(display_name);
  row.set_tickets(figures.forwarded());
  int64_t weighted = 0;
  int64_t weights = 0;
  for (const char* name : kAssessmentRates) {
    const auto weight = policy.assessment_weights().find(name);
    const int32_t w =
        weight == policy.assessment_weights().end() ? 0 : weight->second;
    const Counted counted = CountRate(name, figures);
    v1::Assessment::Rate& rate = *row.add_rates();
    rate.set_name(name);
    rate.set_weight(w);
    rate.set_numerator(counted.numerator);
    rate.set_denominator(counted.denominator);
    if (counted.denominator <= 0) continue;
    const int64_t permille = counted.numerator * 1000 / counted.denominator;
    rate.set_permille(static_cast<int32_t>(permille));
    weighted += w * permille;
    weights += w;
  }
  if (weights > 0) {
    row.set_score_permille(static_cast<int32_t>(weighted / weights));
  }
  return row;
}

void RankRows(std::vector<v1::Assessment::Row>& rows,
              const v1::Policy& policy) {
  for (v1::Assessment::Row& row : rows) {
    row.set_ranked(row.has_score_permille() &&
                   row.tickets() >= policy.assessment_min_tickets());
  }
  for (v1::Assessment::Row& row : rows) {
    if (!row.ranked()) continue;
    int higher = 0;
    for (const v1::Assessment::Row& other : rows) {
      if (other.ranked() && other.score_permille() > row.score_permille()) {
        ++higher;
      }
    }
    row.set_rank(higher + 1);
  }
  std::stable_sort(
      rows.begin(), rows.end(),
      [](const v1::Assessment::Row& a, const v1::Assessment::Row& b) {
        if (a.ranked() != b.ranked()) return a.ranked();
        if (a.ranked() && a.rank() != b.rank()) {
          return a.rank() < b.rank();
        }
        return a.department() < b.department();
      });
}

}  // namespace hotline
