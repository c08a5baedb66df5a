#include "app/daily_report_service.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "app/idempotency.h"
#include "app/paging.h"
#include "app/ticket_step.h"
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
    absl::StatusOr<std::string> id =
        ParseDepartmentName(requested, "department");
    if (!id.ok()) return id.status();
  }
  if (principal.kind == Principal::Kind::kBureau && required &&
      requested.empty()) {
    return InvalidFieldError(
        "department", "department is required, e.g. \"departments/housing\"");
  }
  absl::StatusOr<Scope> scope =
      ScopeFor(principal, ScopedRead::kDailyReports, requested);
  if (!scope.ok()) return scope.status();
  return scope->department;
}

}  // namespace

void DailyReportService::SubmitDailyReport(
    const Principal& principal, const v1::SubmitDailyReportRequest& request,
    SubmitDone done) {
  if (request.entries().empty() || request.entries_size() > kMaxEntries) {
    return done(InvalidFieldError(
        "entries",
        absl::StrCat("entries must hold 1 to ", kMaxEntries, " entries (got ",
                     request.entries_size(), ")")));
  }
  if (absl::Status s = ParseDay(request.date(), "date").status(); !s.ok()) {
    return done(s);
  }
  std::set<int64_t> seen;
  std::vector<int64_t> ids;
  for (int i = 0; i < request.entries_size(); ++i) {
    const auto& entry = request.entries(i);
    const std::string field = absl::StrCat("entries[", i, "]");
    absl::StatusOr<int64_t> id =
        ParseTicketName(entry.ticket(), absl::StrCat(field, ".ticket"));
    if (!id.ok()) return done(id.status());
    if (!seen.insert(*id).second) {
      return done(InvalidFieldError(
          absl::StrCat(field, ".ticket"),
          absl::StrCat(field, ".ticket ", entry.ticket(), " is listed twice")));
    }
    if (absl::Status s = CheckRequiredText(entry.progress(),
                                           absl::StrCat(field, ".progress"),
                                           kMaxReasonChars);
        !s.ok()) {
      return done(s);
    }
    ids.push_back(*id);
  }
  absl::StatusOr<RequestIdentity> identity =
      IdentifyRequest(principal, request);
  if (!identity.ok()) return done(identity.status());
  if (absl::Status s = AuthorizeAction(principal, TicketAction::kDailyReport);
      !s.ok()) {
    return done(s);
  }
  using Response = v1::SubmitDailyReportResponse;
  CommitPlanned<Response>(
      store_, executor_,
      AnswerRetries<Response>(
          *std::move(identity), clock_, store_,
          [this, principal, request,
           ids]() -> absl::StatusOr<Planned<Response>> {
            const absl::Time now = clock_->Now();
            absl::StatusOr<absl::CivilDay> day =
                CheckReportDay(request.date(), now, policies_->calendar());
            if (!day.ok()) return day.status();
            Planned<Response> planned;
            for (int i = 0; i < request.entries_size(); ++i) {
              const auto& entry = request.entries(i);
              absl::StatusOr<Planned<v1::Ticket>> step = PlanTicketStep(
                  *store_, *policies_, ActionContext{principal, now},
                  TicketAction::kDailyReport, ids[i], entry.ticket(),
                  [&](storage::Store&, const v1::Ticket& current,
                      const ActionContext& context) {
                    return RecordDailyReport(current, *day, entry.progress(),
                                             context);
                  });
              if (!step.ok()) return step.status();
              planned.changes.Append(std::move(step->changes));
              v1::DailyReport& report = *planned.answer.add_reports();
              report.set_ticket(entry.ticket());
              report.set_department(step->answer.department());
              report.set_date(request.date());
              report.set_progress(entry.progress());
              *report.mutable_submit_time() = ToProtoTime(now);
              planned.changes.daily_reports.push_back(report);
            }
            return planned;
          }),
      std::move(done));
}

absl::StatusOr<v1::ListDailyReportsResponse>
DailyReportService::ListDailyReports(
    const Principal& principal, const v1::ListDailyReportsRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  storage::DailyReportQuery query;
  if (!request.ticket().empty()) {
    absl::StatusOr<int64_t> id = ParseTicketName(request.ticket(), "ticket");
    if (!id.ok()) return id.status();
    query.ticket_id = *id;
  }
  for (const auto& [value, field, target] :
       {std::make_tuple(request.from_date(), "from_date", &query.from_date),
        std::make_tuple(request.to_date(), "to_date", &query.to_date)}) {
    if (value.empty()) continue;
    if (absl::Status s = ParseDay(value, field).status(); !s.ok()) return s;
    *target = value;
  }
  v1::ListDailyReportsRequest scope_request = request;
  scope_request.clear_page_size();
  scope_request.clear_page_token();
  const std::string scope =
      absl::StrCat("ListDailyReports\n", scope_request.SerializeAsString(),
                   "\n", principal.ToString());
  absl::StatusOr<std::string> last =
      DecodePageToken(request.page_token(), scope);
  if (!last.ok()) return last.status();
  if (!last->empty() && !absl::SimpleAtoi(*last, &query.after_id)) {
    return InvalidFieldError("page_token", "page_token is malformed");
  }
  absl::StatusOr<std::optional<std::string>> department =
      ScopeDepartment(principal, request.department(), false);
  if (!department.ok()) return department.status();
  query.department = *department;
  query.limit = *page_size + 1;
  absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>> rows =
      store_->QueryDailyReports(query);
  if (!rows.ok()) return rows.status();
  v1::ListDailyReportsResponse response;
  const bool more = TrimToPage(&*rows, *page_size);
  for (auto& [id, report] : *rows) *response.add_reports() = std::move(report);
  if (more) {
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(rows->back().first), scope));
  }
  return response;
}

absl::StatusOr<v1::DailyReportCompliance>
DailyReportService::GetDailyReportCompliance(
    const Principal& principal,
    const v1::GetDailyReportComplianceRequest& request) {
  if (absl::Status s = ParseDay(request.from_date(), "from_date").status();
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseDay(request.to_date(), "to_date").status();
      !s.ok()) {
    return s;
  }
  if (request.to_date() < request.from_date()) {
    return InvalidFieldError("to_date", "to_date is before from_date");
  }
  absl::StatusOr<std::optional<std::string>> department =
      ScopeDepartment(principal, request.department(), true);
  if (!department.ok()) return department.status();
  absl::StatusOr<storage::ComplianceCounts> counts = store_->QueryCompliance(
      **department, request.from_date(), request.to_date(), kMaxMisses);
  if (!counts.ok()) return counts.status();
  v1::DailyReportCompliance compliance;
  compliance.set_department(**department);
  compliance.set_from_date(request.from_date());
  compliance.set_to_date(request.to_date());
  compliance.set_owed(counts->owed);
  compliance.set_given(counts->given);
  compliance.set_missed(counts->owed - counts->given);
  for (const auto& [ticket_id, date] : counts->misses) {
    auto* miss = compliance.add_misses();
    miss->set_ticket(absl::StrCat("tickets/", ticket_id));
    miss->set_date(date);
  }
  return compliance;
}

}  // namespace hotline
