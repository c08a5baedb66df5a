#include "app/feed_service.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "workflow/access.h"
#include "workflow/scope.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

// The request's own fields: after_seq, types, department.
absl::Status CheckWatchRequest(const v1::WatchEventsRequest& request) {
  if (request.after_seq() < 0) {
    return InvalidFieldError("after_seq", "after_seq must not be negative");
  }
  for (int type : request.types()) {
    if (!v1::Event::Type_IsValid(type) || type == 0) {
      return InvalidFieldError(
          "types", absl::StrCat("types: ", type, " is not an event type"));
    }
  }
  if (!request.department().empty()) {
    RETURN_IF_ERROR(
        ParseDepartmentName(request.department(), "department").status());
  }
  return absl::OkStatus();
}

// Narrows `query` to the ticket the request names, if the caller may follow
// it.
absl::Status FollowTicket(const Principal& principal,
                          const v1::WatchEventsRequest& request,
                          storage::Store& store,
                          storage::EventFeedQuery& query) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketName(request.ticket(), "ticket"));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store.LoadTicket(id));
  // The bureau and intake follow a ticket they may read; a department
  // follows any ticket it names and sees only its part (EventViewFor),
  // including a ticket taken away from it since.
  if (principal.kind != Principal::Kind::kDepartment) {
    const v1::Ticket* current = ticket.has_value() ? &*ticket : nullptr;
    RETURN_IF_ERROR(AuthorizeOnTicket(principal, TicketAction::kView,
                                      request.ticket(), current));
  }
  query.ticket_id = id;
  query.created_by.reset();
  return absl::OkStatus();
}

// A resume point the store cannot serve: the client resyncs.
absl::Status ResumeRefused(int64_t after_seq, int64_t latest,
                           absl::string_view why) {
  return WithReason(absl::FailedPreconditionError(
                        absl::StrCat("after_seq ", after_seq, why,
                                     "; resync with ListTickets and watch "
                                     "from_now")),
                    v1::RESUME_FROM,
                    {{"after_seq", absl::StrCat(after_seq)},
                     {"latest_seq", absl::StrCat(latest)}});
}

// The seq the stream starts after: the latest for `from_now`, else the
// request's after_seq if the store still holds the history after it.
absl::StatusOr<int64_t> ResumePoint(const v1::WatchEventsRequest& request,
                                    storage::Store& store) {
  ASSIGN_OR_RETURN(int64_t latest, store.LatestSeq());
  if (request.from_now()) return latest;
  if (request.after_seq() > latest) {
    return ResumeRefused(
        request.after_seq(), latest,
        absl::StrCat(" is beyond the latest event ", latest,
                     " (was the database restored from an older backup?)"));
  }
  ASSIGN_OR_RETURN(std::optional<storage::SeqVoid> lost,
                   store.SeqVoidContaining(request.after_seq()));
  if (lost.has_value()) {
    return ResumeRefused(
        request.after_seq(), latest,
        absl::StrCat(" names an event of a history lost when the database "
                     "was restored from a backup taken at seq ",
                     lost->first - 1));
  }
  return request.after_seq();
}

}  // namespace

absl::StatusOr<WatchPlan> PrepareWatch(const Principal& principal,
                                       const v1::WatchEventsRequest& request,
                                       storage::Store& store) {
  RETURN_IF_ERROR(CheckWatchRequest(request));
  ASSIGN_OR_RETURN(Scope scope, ScopeFor(principal, ScopedRead::kFeed,
                                         request.department()));
  WatchPlan plan;
  plan.query.department = scope.department;
  plan.query.created_by = scope.created_by;
  plan.types.insert(request.types().begin(), request.types().end());
  if (!request.ticket().empty()) {
    RETURN_IF_ERROR(FollowTicket(principal, request, store, plan.query));
  }
  ASSIGN_OR_RETURN(plan.after_seq, ResumePoint(request, store));
  return plan;
}

}  // namespace hotline
