#include "app/daily_report_service.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "app/paging.h"
#include "app/ticket_step.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/daily_report_rules.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

constexpr int kMaxEntries = 500;
constexpr int kMaxMisses = 5000;

// The department a request is about: a department's own, or the one the
// bureau names (required when `required`).
absl::StatusOr<std::optional<std::string>> ScopeDepartment(
    const Principal& principal, const std::string& requested, bool required) {
  if (!requested.empty()) {
    RETURN_IF_ERROR(ParseDepartmentName(requested, "department").status());
  }
  if (principal.kind == Principal::Kind::kBureau && required &&
      requested.empty()) {
    return InvalidFieldError(
        "department", "department is required, e.g. \"departments/housing\"");
  }
  ASSIGN_OR_RETURN(Scope scope,
                   ScopeFor(principal, ScopedRead::kDailyReports, requested));
  return scope.department;
}

// The tickets of the entries, in order: each named once, with its progress.
absl::StatusOr<std::vector<int64_t>> CheckSubmitDailyReport(
    const v1::SubmitDailyReportRequest& request) {
  if (request.entries().empty() || request.entries_size() > kMaxEntries) {
    return InvalidFieldError(
        "entries", absl::StrCat("entries must hold 1 to ", kMaxEntries,
                                " entries (got ", request.entries_size(), ")"));
  }
  RETURN_IF_ERROR(ParseDay(request.date(), "date").status());
  std::set<int64_t> seen;
  std::vector<int64_t> ids;
  for (int i = 0; i < request.entries_size(); ++i) {
    const auto& entry = request.entries(i);
    const std::string field = absl::StrCat("entries[", i, "]");
    ASSIGN_OR_RETURN(
        int64_t id,
        ParseTicketName(entry.ticket(), absl::StrCat(field, ".ticket")));
    if (!seen.insert(id).second) {
      return InvalidFieldError(
          absl::StrCat(field, ".ticket"),
          absl::StrCat(field, ".ticket ", entry.ticket(), " is listed twice"));
    }
    RETURN_IF_ERROR(CheckRequiredText(
        entry.progress(), absl::StrCat(field, ".progress"), kMaxReasonChars));
    ids.push_back(id);
  }
  return ids;
}

// The reports a list asks for, without its scope and page.
absl::StatusOr<storage::DailyReportQuery> DailyReportQueryOf(
    const v1::ListDailyReportsRequest& request) {
  storage::DailyReportQuery query;
  if (!request.ticket().empty()) {
    ASSIGN_OR_RETURN(query.ticket_id,
                     ParseTicketName(request.ticket(), "ticket"));
  }
  for (const auto& [value, field, target] :
       {std::make_tuple(request.from_date(), "from_date", &query.from_date),
        std::make_tuple(request.to_date(), "to_date", &query.to_date)}) {
    if (value.empty()) continue;
    RETURN_IF_ERROR(ParseDay(value, field).status());
    *target = value;
  }
  return query;
}

}  // namespace

void DailyReportService::SubmitDailyReport(
    const Principal& principal, const v1::SubmitDailyReportRequest& request,
    SubmitDone done) {
  absl::StatusOr<std::vector<int64_t>> ids = CheckSubmitDailyReport(request);
  if (!ids.ok()) return done(ids.status());
  writer_.Run<v1::SubmitDailyReportResponse>(
      principal, request, TicketAction::kDailyReport,
      [this, principal, request, ids = *std::move(ids)] {
        return PlanSubmit(principal, request, ids);
      },
      std::move(done));
}

absl::StatusOr<Planned<v1::SubmitDailyReportResponse>>
DailyReportService::PlanSubmit(const Principal& principal,
                               const v1::SubmitDailyReportRequest& request,
                               const std::vector<int64_t>& ids) const {
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(absl::CivilDay day,
                   CheckReportDay(request.date(), now, policies_->calendar()));
  Planned<v1::SubmitDailyReportResponse> planned;
  for (int i = 0; i < request.entries_size(); ++i) {
    const auto& entry = request.entries(i);
    ASSIGN_OR_RETURN(
        Planned<v1::Ticket> step,
        PlanTicketStep(*store_, *policies_, ActionContext{principal, now},
                       TicketAction::kDailyReport, ids[i], entry.ticket(),
                       [&](storage::Store&, const v1::Ticket& current,
                           const ActionContext& context) {
                         return RecordDailyReport(current, day,
                                                  entry.progress(), context);
                       }));
    planned.changes.Append(std::move(step.changes));
    v1::DailyReport& report = *planned.answer.add_reports();
    report.set_ticket(entry.ticket());
    report.set_department(step.answer.department());
    report.set_date(request.date());
    report.set_progress(entry.progress());
    *report.mutable_submit_time() = ToProtoTime(now);
    planned.changes.daily_reports.push_back(report);
  }
  return planned;
}

absl::StatusOr<v1::ListDailyReportsResponse>
DailyReportService::ListDailyReports(
    const Principal& principal, const v1::ListDailyReportsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  ASSIGN_OR_RETURN(storage::DailyReportQuery query,
                   DailyReportQueryOf(request));
  v1::ListDailyReportsRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  const std::string page_scope =
      absl::StrCat("ListDailyReports\n", filters.SerializeAsString(), "\n",
                   principal.ToString());
  ASSIGN_OR_RETURN(query.after_id,
                   DecodeNumberPageToken(request.page_token(), page_scope));
  ASSIGN_OR_RETURN(query.department,
                   ScopeDepartment(principal, request.department(), false));
  query.limit = page_size + 1;
  using Rows = std::vector<std::pair<int64_t, v1::DailyReport>>;
  ASSIGN_OR_RETURN(Rows rows, store_->QueryDailyReports(query));
  v1::ListDailyReportsResponse response;
  const bool more = TrimToPage(&rows, page_size);
  for (auto& [id, report] : rows) *response.add_reports() = std::move(report);
  if (more) {
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(rows.back().first), page_scope));
  }
  return response;
}

absl::StatusOr<v1::DailyReportCompliance>
DailyReportService::GetDailyReportCompliance(
    const Principal& principal,
    const v1::GetDailyReportComplianceRequest& request) {
  RETURN_IF_ERROR(ParseDay(request.from_date(), "from_date").status());
  RETURN_IF_ERROR(ParseDay(request.to_date(), "to_date").status());
  if (request.to_date() < request.from_date()) {
    return InvalidFieldError("to_date", "to_date is before from_date");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> department,
                   ScopeDepartment(principal, request.department(), true));
  ASSIGN_OR_RETURN(storage::ComplianceCounts counts,
                   store_->QueryCompliance(*department, request.from_date(),
                                           request.to_date(), kMaxMisses));
  v1::DailyReportCompliance compliance;
  compliance.set_department(*department);
  compliance.set_from_date(request.from_date());
  compliance.set_to_date(request.to_date());
  compliance.set_owed(counts.owed);
  compliance.set_given(counts.given);
  compliance.set_missed(counts.owed - counts.given);
  for (const auto& [ticket_id, date] : counts.misses) {
    auto* miss = compliance.add_misses();
    miss->set_ticket(absl::StrCat("tickets/", ticket_id));
    miss->set_date(date);
  }
  return compliance;
}

}  // namespace hotline
