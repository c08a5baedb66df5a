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
#include "storage/store.h"
#include "workflow/scope.h"
#include "workflow/statistics.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

using storage::StatSumQuery;

constexpr int kDefaultTopTopics = 5;
constexpr int kMaxTopTopics = 100;
constexpr size_t kMaxTopicLength = 200;
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

}  // namespace

absl::StatusOr<v1::Statistics> StatisticsService::GetStatistics(
    const Principal& principal, const v1::GetStatisticsRequest& request) {
  // Who may read which figures: scope.h (checked again below, once the
  // department asked for is known to be well-formed).
  if (absl::Status s =
          ScopeFor(principal, ScopedRead::kStatistics, "").status();
      !s.ok()) {
    return s;
  }
  absl::StatusOr<StatPeriod> period =
      ParseStatPeriod(request.from_date(), request.to_date());
  if (!period.ok()) return period.status();
  const int filters = (request.department().empty() ? 0 : 1) +
                      (request.type() == v1::Ticket::TYPE_UNSPECIFIED ? 0 : 1) +
                      (request.topic().empty() ? 0 : 1);
  if (filters > 1) {
    return InvalidFieldError("department",
                             "give at most one of department, type and topic");
  }
  if (!v1::Ticket::Type_IsValid(request.type())) {
    return InvalidFieldError(
        "type", absl::StrCat("type ", request.type(), " is not a ticket type"));
  }
  if (request.topic().size() > kMaxTopicLength) {
    return InvalidFieldError("topic",
                             absl::StrCat("topic is ", request.topic().size(),
                                          " bytes; at most ", kMaxTopicLength));
  }
  if (request.top_topics() < 0 || request.top_topics() > kMaxTopTopics) {
    return InvalidFieldError(
        "top_topics", absl::StrCat("top_topics must be between 0 (default ",
                                   kDefaultTopTopics, ") and ", kMaxTopTopics));
  }
  if (request.has_as_of()) {
    if (absl::Status s = CheckTimestamp(request.as_of(), "as_of"); !s.ok()) {
      return s;
    }
  }
  std::string department = request.department();
  if (!department.empty()) {
    if (absl::Status s = ParseDepartmentName(department, "department").status();
        !s.ok()) {
      return s;
    }
  }
  if (principal.kind == Principal::Kind::kDepartment) {
    if (filters > 0 && department != principal.DepartmentName()) {
      return WithReason(
          absl::PermissionDeniedError(absl::StrCat(
              principal.ToString(), " may read only its own figures (",
              principal.DepartmentName(),
              "), not another department's or a cut by type or topic")),
          v1::NOT_YOURS,
          {{"principal", principal.ToString()},
           {"resource", department.empty() ? "statistics" : department}});
    }
  }
  absl::StatusOr<Scope> scope =
      ScopeFor(principal, ScopedRead::kStatistics, department);
  if (!scope.ok()) return scope.status();
  department = scope->department.value_or("");

  // One as-of rule for every cut (workflow/statistics.h, CountedBefore).
  const absl::Time now = clock_->Now();
  const absl::Time period_end = absl::FromCivil(period->to, zone_);
  const absl::Time asked =
      request.has_as_of() ? FromProtoTime(request.as_of()) : period_end;
  const absl::Time as_of = std::min(asked, now);
  const absl::Time counted_before = CountedBefore(asked, now);
  Cut cut = CutFor(department, request.type(), request.topic());
  for (StatSumQuery* q : {&cut.totals, &cut.departments, &cut.topics}) {
    q->from_day = DayNumber(period->from);
    q->to_day = DayNumber(period->to);
    const absl::CivilDay day = absl::ToCivilDay(counted_before, zone_);
    q->as_of = counted_before;
    q->as_of_day = DayNumber(day);
    q->as_of_day_start = absl::FromCivil(day, zone_);
    q->as_of_next_day_start = absl::FromCivil(day + 1, zone_);
  }

  // Departments are never deleted, so the names need not share the sums'
  // transaction.
  absl::StatusOr<Sums> sums = [&]() -> absl::StatusOr<Sums> {
    Sums out;
    absl::StatusOr<std::vector<v1::Department>> all =
        store_->QueryDepartments("", kMaxDepartments);
    if (!all.ok()) return all.status();
    for (const v1::Department& d : *all) {
      out.display_names[d.name()] = d.display_name();
    }
    if (!department.empty() && out.display_names.count(department) == 0) {
      return WithReason(absl::NotFoundError(absl::StrCat(
                            "no department ", department,
                            "; hotlinectl department list shows them")),
                        v1::NOT_FOUND, {{"resource", department}});
    }
    absl::StatusOr<std::vector<storage::StatSums>> got =
        store_->SumStats({cut.totals, cut.departments, cut.topics});
    if (!got.ok()) return got.status();
    out.per_day = std::move((*got)[0]);
    out.departments = std::move((*got)[1]);
    out.topics = std::move((*got)[2]);
    return out;
  }();
  if (!sums.ok()) return sums.status();

  const int days = period->days();
  v1::Statistics stats;
  stats.set_from_date(request.from_date());
  stats.set_to_date(request.to_date());
  *stats.mutable_as_of() = ToProtoTime(as_of);
  stats.set_department(department);
  stats.set_type(request.type());
  stats.set_topic(request.topic());
  stats.set_days(days);

  StatVector total;
  for (absl::CivilDay day = period->from;
       day < period->to && absl::FromCivil(day, zone_) < counted_before;
       ++day) {
    StatVector of_day;
    auto it = sums->per_day.find(absl::StrCat(DayNumber(day)));
    if (it != sums->per_day.end()) of_day = it->second;
    total += of_day;
    v1::Statistics::Day* row = stats.add_per_day();
    row->set_date(absl::FormatCivilTime(day));
    *row->mutable_figures() = MakeFigures(of_day, 1);
  }
  *stats.mutable_total() = MakeFigures(total, days);

  for (const auto& [name, counts] : sums->departments) {
    if (counts.IsZero()) continue;
    v1::Statistics::DepartmentRow* row = stats.add_departments();
    row->set_department(name);
    auto it = sums->display_names.find(name);
    if (it != sums->display_names.end()) row->set_display_name(it->second);
    *row->mutable_figures() = MakeFigures(counts, days);
  }

  const size_t limit = request.top_topics() == 0
                           ? kDefaultTopTopics
                           : static_cast<size_t>(request.top_topics());
  for (v1::Statistics::TopicCount& top : TopTopics(sums->topics, limit)) {
    *stats.add_top_topics() = std::move(top);
  }
  return stats;
}

}  // namespace hotline
