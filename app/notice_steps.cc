// TicketService's urging notices (催办通知, 督办): the rules are in
// workflow/notice_rules.h; here the request checks, the writes and the
// list.
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "app/paging.h"
#include "app/ticket_service.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/records.h"
#include "workflow/notice_rules.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

inline constexpr int kMaxCopyToChars = 200;

absl::Status CheckIssueNotice(const v1::IssueNoticeRequest& request) {
  RETURN_IF_ERROR(CheckNoticeLevel(request.level(), "level"));
  RETURN_IF_ERROR(
      CheckRequiredText(request.reason(), "reason", kMaxReasonChars));
  RETURN_IF_ERROR(
      CheckOptionalText(request.copy_to(), "copy_to", kMaxCopyToChars));
  return CheckEtagSyntax(request.etag());
}

absl::Status CheckAnswerNotice(const v1::AnswerNoticeRequest& request) {
  RETURN_IF_ERROR(CheckRequiredLongText(request.answer(), "answer"));
  return CheckEtagSyntax(request.etag());
}

// The notices a list asks for, without its scope and page:
// INVALID_ARGUMENT naming the first malformed filter.
absl::StatusOr<storage::NoticeQuery> NoticeQueryOf(
    const v1::ListNoticesRequest& request) {
  storage::NoticeQuery query;
  if (!request.department().empty()) {
    RETURN_IF_ERROR(
        ParseDepartmentName(request.department(), "department").status());
    query.department = request.department();
  }
  if (!request.ticket().empty()) {
    ASSIGN_OR_RETURN(query.ticket_id,
                     ParseTicketName(request.ticket(), "ticket"));
  }
  for (int state : request.states()) {
    if (!v1::Notice::State_IsValid(state) ||
        state == v1::Notice::STATE_UNSPECIFIED) {
      return InvalidFieldError(
          "states", absl::StrCat(state,
                                 " is not a notice state; use ISSUED, "
                                 "ACKNOWLEDGED, ANSWERED, ESCALATED, "
                                 "UNANSWERED or LAPSED"));
    }
    query.states.push_back(static_cast<v1::Notice::State>(state));
  }
  RETURN_IF_ERROR(CheckNoticeLevel(request.level(), "level"));
  if (request.level() != v1::Notice::LEVEL_UNSPECIFIED) {
    query.level = request.level();
  }
  if (request.has_due_from()) {
    RETURN_IF_ERROR(CheckTimestamp(request.due_from(), "due_from"));
    query.due_from_micros = ToUnixMicros(request.due_from());
  }
  if (request.has_due_to()) {
    RETURN_IF_ERROR(CheckTimestamp(request.due_to(), "due_to"));
    query.due_to_micros = ToUnixMicros(request.due_to());
  }
  return query;
}

// A page of ListNotices ends after the key "{ticket id}/{number}".
absl::Status ResumeAfter(absl::string_view key, storage::NoticeQuery& query) {
  if (key.empty()) return absl::OkStatus();
  std::vector<absl::string_view> parts = absl::StrSplit(key, '/');
  if (parts.size() != 2 ||
      !absl::SimpleAtoi(parts[0], &query.after_ticket_id) ||
      !absl::SimpleAtoi(parts[1], &query.after_number)) {
    return InvalidFieldError("page_token", "page_token is malformed");
  }
  return absl::OkStatus();
}

}  // namespace

void TicketService::IssueNotice(const Principal& principal,
                                const v1::IssueNoticeRequest& request,
                                TicketDone done) {
  Transition(
      principal, TicketAction::kUrge, request.name(), request,
      CheckIssueNotice(request),
      [this, request](storage::Store&, const v1::Ticket& ticket,
                      const ActionContext& context) {
        return hotline::IssueNotice(ticket, request.level(), request.reason(),
                                    request.copy_to(), request.etag(), context,
                                    policies_->CurrentRules());
      },
      std::move(done));
}

void TicketService::AcknowledgeNotice(
    const Principal& principal, const v1::AcknowledgeNoticeRequest& request,
    TicketDone done) {
  absl::StatusOr<NoticeName> notice = ParseNoticeName(request.name(), "name");
  if (!notice.ok()) return done(notice.status());
  Transition(
      principal, TicketAction::kAnswerNotice, notice->ticket, request,
      CheckEtagSyntax(request.etag()),
      [number = notice->number, etag = request.etag()](
          storage::Store&, const v1::Ticket& ticket,
          const ActionContext& context) {
        return hotline::AcknowledgeNotice(ticket, number, etag, context);
      },
      std::move(done));
}

void TicketService::AnswerNotice(const Principal& principal,
                                 const v1::AnswerNoticeRequest& request,
                                 TicketDone done) {
  absl::StatusOr<NoticeName> notice = ParseNoticeName(request.name(), "name");
  if (!notice.ok()) return done(notice.status());
  Transition(
      principal, TicketAction::kAnswerNotice, notice->ticket, request,
      CheckAnswerNotice(request),
      [number = notice->number, request](storage::Store&,
                                         const v1::Ticket& ticket,
                                         const ActionContext& context) {
        return hotline::AnswerNotice(ticket, number, request.answer(),
                                     request.etag(), context);
      },
      std::move(done));
}

absl::StatusOr<v1::ListNoticesResponse> TicketService::ListNotices(
    const Principal& principal, const v1::ListNoticesRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  ASSIGN_OR_RETURN(storage::NoticeQuery query, NoticeQueryOf(request));
  v1::ListNoticesRequest filters = request;
  filters.clear_page_token();
  filters.clear_page_size();
  const std::string page_scope = absl::StrCat(
      "ListNotices\n", filters.SerializeAsString(), "\n", principal.ToString());
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), page_scope));
  RETURN_IF_ERROR(ResumeAfter(after, query));
  ASSIGN_OR_RETURN(Scope visible, ScopeFor(principal, ScopedRead::kNotices,
                                           query.department.value_or("")));
  query.department = visible.department;
  query.limit = page_size + 1;
  ASSIGN_OR_RETURN(std::vector<v1::Notice> notices,
                   store_->QueryNotices(query));
  v1::ListNoticesResponse response;
  const bool more = TrimToPage(&notices, page_size);
  for (v1::Notice& notice : notices)
    *response.add_notices() = std::move(notice);
  if (more) {
    const v1::Notice& last = response.notices().rbegin()[0];
    absl::StatusOr<NoticeName> name = ParseNoticeName(last.name(), "name");
    if (!name.ok()) return absl::InternalError("a stored notice has no name");
    response.set_next_page_token(EncodePageToken(
        absl::StrCat(storage::TicketIdOfName(name->ticket), "/", name->number),
        page_scope));
  }
  return response;
}

}  // namespace hotline
