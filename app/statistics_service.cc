#include "app/statistics_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/scope.h"
#include "workflow/statistics.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

using storage::StatSumQuery;

// More departments than a county has; their names label the rows.
constexpr int kMaxDepartments = 100000;

// The cut a request asks for: which sums give the totals, the department
// rows and the topics.
struct Cut {
  StatSumQuery totals;
  StatSumQuery departments;
  StatSumQuery topics;
};

Cut CutFor(const std::string& department, v1::Ticket::Type type,
           const std::string& topic) {
  using storage::StatKind;
  auto sum = [](StatKind kind, std::optional<std::string> a,
                StatSumQuery::Group group) {
    StatSumQuery q;
    q.kind = kind;
    q.a = std::move(a);
    q.group = group;
    return q;
  };
  if (!department.empty()) {
    return {sum(storage::kStatDepartment, department, StatSumQuery::kByDay),
            sum(storage::kStatDepartment, department, StatSumQuery::kByA),
            sum(storage::kStatDeptTopic, department, StatSumQuery::kByB)};
  }
  if (type != v1::Ticket::TYPE_UNSPECIFIED) {
    const std::string name = v1::Ticket::Type_Name(type);
    return {sum(storage::kStatType, name, StatSumQuery::kByDay),
            sum(storage::kStatTypeDept, name, StatSumQuery::kByB),
            sum(storage::kStatTypeTopic, name, StatSumQuery::kByB)};
  }
  if (!topic.empty()) {
    return {sum(storage::kStatTopic, topic, StatSumQuery::kByDay),
            sum(storage::kStatTopicDept, topic, StatSumQuery::kByB),
            sum(storage::kStatTopic, topic, StatSumQuery::kByA)};
  }
  return {sum(storage::kStatAll, std::string(), StatSumQuery::kByDay),
          sum(storage::kStatDepartment, std::nullopt, StatSumQuery::kByA),
          sum(storage::kStatTopic, std::nullopt, StatSumQuery::kByA)};
}

struct Sums {
  storage::StatSums per_day;
  storage::StatSums departments;
  storage::StatSums topics;
  std::map<std::string, std::string> display_names;
};

// The as-of rule (workflow/statistics.h, CountedBefore) applied to every
// sum of the cut, over the period.
void CountBefore(absl::Time counted_before, const StatPeriod& period,
                 absl::TimeZone zone, Cut& cut) {
  const absl::CivilDay day = absl::ToCivilDay(counted_before, zone);
  for (StatSumQuery* q : {&cut.totals, &cut.departments, &cut.topics}) {
    q->from_day = DayNumber(period.from);
    q->to_day = DayNumber(period.to);
    q->as_of = counted_before;
    q->as_of_day = DayNumber(day);
    q->as_of_day_start = absl::FromCivil(day, zone);
    q->as_of_next_day_start = absl::FromCivil(day + 1, zone);
  }
}

// The sums of the cut, and the departments' display names (departments are
// never deleted, so the names need not share the sums' transaction).
// NOT_FOUND when `department` ("" for all) does not exist.
absl::StatusOr<Sums> ReadSums(storage::Store& store,
                              const std::string& department, const Cut& cut) {
  Sums out;
  ASSIGN_OR_RETURN(std::vector<v1::Department> all,
                   store.QueryDepartments("", kMaxDepartments));
  for (const v1::Department& d : all) {
    out.display_names[d.name()] = d.display_name();
  }
  if (!department.empty() && out.display_names.count(department) == 0) {
    return WithReason(absl::NotFoundError(absl::StrCat(
                          "no department ", department,
                          "; hotlinectl department list shows them")),
                      v1::NOT_FOUND, {{"resource", department}});
  }
  ASSIGN_OR_RETURN(std::vector<storage::StatSums> got,
                   store.SumStats({cut.totals, cut.departments, cut.topics}));
  out.per_day = std::move(got[0]);
  out.departments = std::move(got[1]);
  out.topics = std::move(got[2]);
  return out;
}

// The days of the period counted so far, one row each, and their total.
void AddDays(const Sums& sums, const StatPeriod& period,
             absl::Time counted_before, absl::TimeZone zone,
             v1::Statistics& stats) {
  StatVector total;
  for (absl::CivilDay day = period.from;
       day < period.to && absl::FromCivil(day, zone) < counted_before; ++day) {
    StatVector of_day;
    auto it = sums.per_day.find(absl::StrCat(DayNumber(day)));
    if (it != sums.per_day.end()) of_day = it->second;
    total += of_day;
    v1::Statistics::Day* row = stats.add_per_day();
    row->set_date(absl::FormatCivilTime(day));
    *row->mutable_figures() = MakeFigures(of_day, 1);
  }
  *stats.mutable_total() = MakeFigures(total, period.days());
}

// The department rows with anything counted, and the top topics.
void AddRows(const Sums& sums, int days, int top_topics,
             v1::Statistics& stats) {
  for (const auto& [name, counts] : sums.departments) {
    if (counts.IsZero()) continue;
    v1::Statistics::DepartmentRow* row = stats.add_departments();
    row->set_department(name);
    auto it = sums.display_names.find(name);
    if (it != sums.display_names.end()) row->set_display_name(it->second);
    *row->mutable_figures() = MakeFigures(counts, days);
  }
  const size_t limit =
      top_topics == 0 ? kDefaultTopTopics : static_cast<size_t>(top_topics);
  for (v1::Statistics::TopicCount& top : TopTopics(sums.topics, limit)) {
    *stats.add_top_topics() = std::move(top);
  }
}

}  // namespace

absl::StatusOr<v1::Statistics> StatisticsService::GetStatistics(
    const Principal& principal, const v1::GetStatisticsRequest& request) {
  // Who may read statistics at all comes first; the cut is checked once the
  // request is known to be well-formed (scope.h).
  RETURN_IF_ERROR(ScopeFor(principal, ScopedRead::kStatistics, "").status());
  ASSIGN_OR_RETURN(StatPeriod period, CheckStatisticsRequest(request));
  ASSIGN_OR_RETURN(Scope scope,
                   ScopeFor(principal, request.department(),
                            StatisticsCut{request.type(), request.topic()}));
  const std::string department = scope.department.value_or("");

  // One as-of rule for every cut (workflow/statistics.h, CountedBefore).
  const absl::Time now = clock_->Now();
  const absl::Time asked = request.has_as_of()
                               ? FromProtoTime(request.as_of())
                               : absl::FromCivil(period.to, zone_);
  const absl::Time counted_before = CountedBefore(asked, now);
  Cut cut = CutFor(department, request.type(), request.topic());
  CountBefore(counted_before, period, zone_, cut);
  ASSIGN_OR_RETURN(Sums sums, ReadSums(*store_, department, cut));

  v1::Statistics stats;
  stats.set_from_date(request.from_date());
  stats.set_to_date(request.to_date());
  *stats.mutable_as_of() = ToProtoTime(std::min(asked, now));
  stats.set_department(department);
  stats.set_type(request.type());
  stats.set_topic(request.topic());
  stats.set_days(period.days());
  AddDays(sums, period, counted_before, zone_, stats);
  AddRows(sums, period.days(), request.top_topics(), stats);
  return stats;
}

}  // namespace hotline
