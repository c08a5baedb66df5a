// Who sees what, written once: the part of the records a principal may
// read, as the narrowing that every list, get, statistics call and the
// change feed applies (least privilege):
//   bureau      everything, or the one department it names;
//   department  its own records only: tickets it holds, its cards, its
//               daily reports, its figures, the events of tickets it holds
//               or held; naming another department is NOT_YOURS;
//   intake      the tickets it created and their events; no cards, daily
//               reports or statistics (ROLE_NOT_ALLOWED).
// A get of one ticket checks the same line (InScope) after loading it, and
// answers a ticket out of scope exactly as one that does not exist.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_SCOPE_H_
#define HOTLINE_WORKFLOW_SCOPE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/principal.h"

namespace hotline {

// What is read.
enum class ScopedRead {
  kTickets,
  kCards,
  // Urging notices (催办通知): the bureau all, a department those addressed
  // to it.
  kNotices,
  kDailyReports,
  kStatistics,
  kFeed,
};

struct Scope {
  // Only records of this department ("departments/{id}").
  std::optional<std::string> department;
  // Only tickets this principal created (and their events).
  std::optional<std::string> created_by;
};

// The scope of `principal` reading `what`. `requested_department` and
// `requested_creator` are what the caller asked for ("" when nothing): the
// bureau's request narrows its scope; a department's or intake's request
// must lie within theirs. For kStatistics this answers only whether the
// principal may read figures at all (GetStatistics asks it before checking
// the request); the scope of the figures is the overload with a
// StatisticsCut below.
absl::StatusOr<Scope> ScopeFor(const Principal& principal, ScopedRead what,
                               const std::string& requested_department,
                               const std::string& requested_creator = "");

// What a statistics request cuts by besides a department.
struct StatisticsCut {
  v1::Ticket::Type type = v1::Ticket::TYPE_UNSPECIFIED;
  std::string topic;
};

// The scope of `principal` reading statistics: ScopeFor(principal,
// kStatistics, requested_department), and a department reads only its own
// figures whole: naming another department or cutting by type or topic is
// NOT_YOURS (its figures would be mixed with other departments' otherwise).
absl::StatusOr<Scope> ScopeFor(const Principal& principal,
                               const std::string& requested_department,
                               const StatisticsCut& cut);

// Whether `ticket` lies within `scope` (a ticket a department holds now or
// assists (协办, an active part), or intake created).
bool InScope(const Scope& scope, const v1::Ticket& ticket);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_SCOPE_H_
