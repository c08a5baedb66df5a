#include "workflow/scope.h"

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "workflow/assist_rules.h"

namespace hotline {
namespace {

// How a refusal names what was read, and the method for ROLE_NOT_ALLOWED.
struct ReadNames {
  const char* records;  // "tickets", "the cards", ...
  const char* method;
};

ReadNames NamesOf(ScopedRead what) {
  switch (what) {
    case ScopedRead::kTickets:
      return {"list only tickets of", "ListTickets"};
    case ScopedRead::kCards:
      return {"list only the cards of", "ListCards"};
    case ScopedRead::kNotices:
      return {"list only the notices addressed to", "ListNotices"};
    case ScopedRead::kDailyReports:
      return {"see only the daily reports of", "reading daily reports"};
    case ScopedRead::kStatistics:
      return {"read only the figures of", "GetStatistics"};
    case ScopedRead::kFeed:
      return {"watch only the events of", "WatchEvents"};
  }
  return {"read only the records of", "reading"};
}

absl::Status NotYours(const Principal& principal, ScopedRead what,
                      const std::string& resource, const std::string& own) {
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(
          principal.ToString(), " may ", NamesOf(what).records, " ", own)),
      v1::NOT_YOURS,
      {{"principal", principal.ToString()}, {"resource", resource}});
}

absl::Status RoleNotAllowed(const Principal& principal, ScopedRead what,
                            absl::string_view why) {
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(principal.ToString(), " ", why)),
      v1::ROLE_NOT_ALLOWED,
      {{"principal", principal.ToString()}, {"method", NamesOf(what).method}});
}

}  // namespace

absl::StatusOr<Scope> ScopeFor(const Principal& principal, ScopedRead what,
                               const std::string& requested_department,
                               const std::string& requested_creator) {
  Scope scope;
  switch (principal.kind) {
    case Principal::Kind::kBureau:
      if (!requested_department.empty()) {
        scope.department = requested_department;
      }
      if (!requested_creator.empty()) scope.created_by = requested_creator;
      return scope;
    case Principal::Kind::kDepartment: {
      const std::string own = principal.DepartmentName();
      if (!requested_department.empty() && requested_department != own) {
        return NotYours(principal, what, requested_department, own);
      }
      scope.department = own;
      if (!requested_creator.empty()) scope.created_by = requested_creator;
      return scope;
    }
    case Principal::Kind::kIntake:
      switch (what) {
        case ScopedRead::kCards:
          return RoleNotAllowed(principal, what,
                                "may not list cards; the bureau and "
                                "departments may");
        case ScopedRead::kNotices:
          return RoleNotAllowed(principal, what,
                                "may not list urging notices; the bureau and "
                                "departments may");
        case ScopedRead::kDailyReports:
          return RoleNotAllowed(principal, what,
                                "may not read daily reports; the bureau and "
                                "departments may");
        case ScopedRead::kStatistics:
          return RoleNotAllowed(
              principal, what,
              "may not read statistics; they are for the bureau and for each "
              "department's own figures");
        case ScopedRead::kFeed:
          if (!requested_department.empty()) {
            return WithReason(
                absl::PermissionDeniedError(
                    "intake may not filter the feed by department"),
                v1::ROLE_NOT_ALLOWED,
                {{"principal", principal.ToString()},
                 {"method", "WatchEvents"}});
          }
          break;
        case ScopedRead::kTickets:
          if (!requested_creator.empty() &&
              requested_creator != principal.ToString()) {
            return WithReason(absl::PermissionDeniedError(absl::StrCat(
                                  principal.ToString(),
                                  " may list only the tickets it created")),
                              v1::NOT_YOURS,
                              {{"principal", principal.ToString()},
                               {"resource", requested_creator}});
          }
          break;
      }
      if (!requested_department.empty()) {
        scope.department = requested_department;
      }
      scope.created_by = principal.ToString();
      return scope;
  }
  return absl::InternalError("unknown principal kind");
}

absl::StatusOr<Scope> ScopeFor(const Principal& principal,
                               const std::string& requested_department,
                               const StatisticsCut& cut) {
  const bool cut_at_all = !requested_department.empty() ||
                          cut.type != v1::Ticket::TYPE_UNSPECIFIED ||
                          !cut.topic.empty();
  if (principal.kind == Principal::Kind::kDepartment && cut_at_all &&
      requested_department != principal.DepartmentName()) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            principal.ToString(), " may read only its own figures (",
            principal.DepartmentName(),
            "), not another department's or a cut by type or topic")),
        v1::NOT_YOURS,
        {{"principal", principal.ToString()},
         {"resource",
          requested_department.empty() ? "statistics" : requested_department}});
  }
  return ScopeFor(principal, ScopedRead::kStatistics, requested_department);
}

bool InScope(const Scope& scope, const v1::Ticket& ticket) {
  if (scope.department && ticket.department() != *scope.department &&
      FindActiveAssist(ticket, *scope.department) == nullptr) {
    return false;
  }
  if (scope.created_by && ticket.created_by() != *scope.created_by) {
    return false;
  }
  return true;
}

}  // namespace hotline
