#include "app/store_comparison.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "app/statistics_service.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "workflow/clock.h"
#include "workflow/principal.h"
#include "workflow/statistics.h"

namespace hotline {
namespace {

constexpr int kPage = 500;
// Topics each report lists: the most a request may ask for.
constexpr int kTopics = 100;

// A clock that shows one instant, so both stores' reports are as of it.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override { return now_; }

 private:
  const absl::Time now_;
};

// FAILED_PRECONDITION naming `what` and the fields that differ (the first
// few), unless they are equal.
absl::Status Same(const google::protobuf::Message& a,
                  const google::protobuf::Message& b, absl::string_view what) {
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(a, b)) return absl::OkStatus();
  constexpr size_t kMostShown = 1000;
  if (differences.size() > kMostShown) {
    differences.resize(kMostShown);
    differences += "...";
  }
  return absl::FailedPreconditionError(absl::StrCat(
      what, " differs (first store, then the copy): ", differences));
}

template <typename T>
absl::Status SameLists(const absl::StatusOr<std::vector<T>>& a,
                       const absl::StatusOr<std::vector<T>>& b,
                       absl::string_view what) {
  RETURN_IF_ERROR(a.status());
  RETURN_IF_ERROR(b.status());
  if (a->size() != b->size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": ", a->size(), " in one store, ", b->size(), " in the other"));
  }
  for (size_t i = 0; i < a->size(); ++i) {
    RETURN_IF_ERROR(Same((*a)[i], (*b)[i], what));
  }
  return absl::OkStatus();
}

// Pages through both stores with `page(store, after)`, comparing each page;
// `next(item)` is the cursor after an item. Counts what was compared.
template <typename T, typename Page, typename Next>
absl::Status ComparePaged(
    storage::Store& a, storage::Store& b, Page page, Next next,
    absl::string_view what, int64_t* count,
    const std::function<absl::Status(const T&)>& each = nullptr) {
  int64_t after = 0;
  while (true) {
    absl::StatusOr<std::vector<T>> left = page(a, after);
    absl::StatusOr<std::vector<T>> right = page(b, after);
    RETURN_IF_ERROR(SameLists(left, right, what));
    for (const T& item : *left) {
      if (each) {
        RETURN_IF_ERROR(each(item));
      }
      ++*count;
    }
    if (static_cast<int>(left->size()) < kPage) return absl::OkStatus();
    after = next(left->back());
  }
}

int64_t NameNumber(absl::string_view name) {
  const size_t slash = name.rfind('/');
  int64_t id = 0;
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(slash + 1), &id)) {
    return 0;
  }
  return id;
}

// The change feed, and every ticket with its own history, the cards and the
// tokens; `first_received` becomes the earliest ticket's received_at.
absl::Status CompareHistories(storage::Store& a, storage::Store& b,
                              ComparedCounts& counts,
                              absl::Time& first_received) {
  ASSIGN_OR_RETURN(const int64_t a_seq, a.LatestSeq());
  ASSIGN_OR_RETURN(const int64_t b_seq, b.LatestSeq());
  if (a_seq != b_seq) {
    return absl::FailedPreconditionError(
        absl::StrCat("the latest event is seq ", a_seq, " in one store, ",
                     b_seq, " in the other"));
  }
  RETURN_IF_ERROR(ComparePaged<v1::Event>(
      a, b,
      [](storage::Store& store, int64_t after) {
        storage::EventFeedQuery query;
        query.after_seq = after;
        query.limit = kPage;
        return store.QueryEventFeed(query);
      },
      [](const v1::Event& e) { return e.seq(); }, "the change feed",
      &counts.events));
  auto ticket_history = [&](const v1::Ticket& ticket) -> absl::Status {
    first_received =
        std::min(first_received, FromProtoTime(ticket.received_at()));
    const int64_t id = NameNumber(ticket.name());
    int64_t events = 0;
    return ComparePaged<v1::Event>(
        a, b,
        [id](storage::Store& store, int64_t after) {
          return store.QueryTicketEvents(id, after, kPage);
        },
        [](const v1::Event& e) { return e.seq(); },
        absl::StrCat(ticket.name(), "'s history"), &events);
  };
  RETURN_IF_ERROR(ComparePaged<v1::Ticket>(
      a, b,
      [](storage::Store& store, int64_t after) {
        storage::TicketQuery query;
        query.after_id = after;
        query.limit = kPage;
        return store.QueryTickets(query);
      },
      [](const v1::Ticket& t) { return NameNumber(t.name()); }, "the tickets",
      &counts.tickets, ticket_history));
  RETURN_IF_ERROR(ComparePaged<v1::Card>(
      a, b,
      [](storage::Store& store, int64_t after) {
        storage::CardQuery query;
        query.after_id = after;
        query.limit = kPage;
        return store.QueryCards(query);
      },
      [](const v1::Card& c) { return NameNumber(c.name()); }, "the cards",
      &counts.cards));
  return ComparePaged<v1::Token>(
      a, b,
      [](storage::Store& store, int64_t after) {
        return store.QueryTokens(after, kPage);
      },
      [](const v1::Token& t) { return NameNumber(t.name()); }, "the tokens",
      &counts.tokens);
}

// The daily reports, page by page by their row id.
absl::Status CompareDailyReports(storage::Store& a, storage::Store& b,
                                 int64_t& compared) {
  using Rows = std::vector<std::pair<int64_t, v1::DailyReport>>;
  int64_t after_report = 0;
  while (true) {
    storage::DailyReportQuery query;
    query.after_id = after_report;
    query.limit = kPage;
    ASSIGN_OR_RETURN(const Rows left, a.QueryDailyReports(query));
    ASSIGN_OR_RETURN(const Rows right, b.QueryDailyReports(query));
    if (left.size() != right.size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the daily reports after #", after_report, ": ", left.size(),
          " in one store, ", right.size(), " in the other"));
    }
    for (size_t i = 0; i < left.size(); ++i) {
      if (left[i].first != right[i].first) {
        return absl::FailedPreconditionError(
            absl::StrCat("daily report #", left[i].first, " is #",
                         right[i].first, " in the other store"));
      }
      RETURN_IF_ERROR(Same(left[i].second, right[i].second,
                           absl::StrCat("daily report #", left[i].first)));
      ++compared;
    }
    if (static_cast<int>(left.size()) < kPage) return absl::OkStatus();
    after_report = left.back().first;
  }
}

// The reports compared: periods of whole days from the first ticket's day
// through today (at most kMaxStatisticsDays): the whole span, each month,
// each department's and each type's cut.
std::vector<v1::GetStatisticsRequest> ReportRequests(
    absl::Time first_received, absl::Time now, absl::TimeZone zone,
    const std::vector<v1::Department>& departments) {
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  absl::CivilDay first = today;
  if (first_received != absl::InfiniteFuture()) {
    first = std::min(first, absl::ToCivilDay(first_received, zone));
  }
  first = std::max(first, today + 1 - (kMaxStatisticsDays - 1));
  auto date = [](absl::CivilDay day) {
    return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(),
                           day.day());
  };
  std::vector<v1::GetStatisticsRequest> requests;
  v1::GetStatisticsRequest whole;
  whole.set_from_date(date(first));
  whole.set_to_date(date(today + 1));
  whole.set_top_topics(kTopics);
  requests.push_back(whole);
  for (absl::CivilMonth month(first); month <= absl::CivilMonth(today);
       ++month) {
    v1::GetStatisticsRequest one = whole;
    one.set_from_date(date(std::max(first, absl::CivilDay(month))));
    one.set_to_date(date(std::min(today + 1, absl::CivilDay(month + 1))));
    requests.push_back(one);
  }
  for (const v1::Department& department : departments) {
    v1::GetStatisticsRequest one = whole;
    one.set_department(department.name());
    requests.push_back(one);
  }
  for (int type = v1::Ticket::Type_MIN + 1; type <= v1::Ticket::Type_MAX;
       ++type) {
    v1::GetStatisticsRequest one = whole;
    one.set_type(static_cast<v1::Ticket::Type>(type));
    requests.push_back(one);
  }
  return requests;
}

}  // namespace

absl::StatusOr<ComparedCounts> CompareStores(storage::Store& a,
                                             storage::Store& b,
                                             absl::TimeZone zone,
                                             absl::Time now) {
  ComparedCounts counts;
  // Every ticket's history; and the span of days the tickets cover.
  absl::Time first_received = absl::InfiniteFuture();
  RETURN_IF_ERROR(CompareHistories(a, b, counts, first_received));

  // Departments page by id (text); daily reports by their row id.
  absl::StatusOr<std::vector<v1::Department>> a_departments =
      a.QueryDepartments("", 1 << 20);
  absl::StatusOr<std::vector<v1::Department>> b_departments =
      b.QueryDepartments("", 1 << 20);
  RETURN_IF_ERROR(SameLists(a_departments, b_departments, "the departments"));
  counts.departments = static_cast<int64_t>(a_departments->size());
  absl::StatusOr<std::vector<v1::Policy>> a_policies = a.LoadPolicies();
  absl::StatusOr<std::vector<v1::Policy>> b_policies = b.LoadPolicies();
  RETURN_IF_ERROR(SameLists(a_policies, b_policies, "the policies"));
  counts.policies = static_cast<int64_t>(a_policies->size());
  RETURN_IF_ERROR(CompareDailyReports(a, b, counts.daily_reports));

  // The report: periods of whole days through today, as of `now`.
  FixedClock clock(now);
  StatisticsService a_stats(&a, &clock, zone);
  StatisticsService b_stats(&b, &clock, zone);
  for (const v1::GetStatisticsRequest& request :
       ReportRequests(first_received, now, zone, *a_departments)) {
    ASSIGN_OR_RETURN(v1::Statistics left,
                     a_stats.GetStatistics(Principal::Bureau(), request));
    ASSIGN_OR_RETURN(v1::Statistics right,
                     b_stats.GetStatistics(Principal::Bureau(), request));
    RETURN_IF_ERROR(
        Same(left, right,
             absl::StrCat("the report for ", request.ShortDebugString())));
    ++counts.reports;
  }
  return counts;
}

}  // namespace hotline
