// At start-up: warns when the working-day calendar is about to run out, and
// when the calendar now covers further than the one deadlines were last
// computed with, computes the provisional deadlines of open tickets again
// (workflow/calendar_coverage.h), each with a DEADLINES_RECOMPUTED event in
// the same transaction as the ticket, so the statistics follow.
//
// Call once, after the policy registry is open and before serving. Blocks
// until every recomputed ticket is durable.
#ifndef HOTLINE_APP_CALENDAR_UPDATE_H_
#define HOTLINE_APP_CALENDAR_UPDATE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "app/policy_registry.h"
#include "storage/store.h"

namespace hotline {

// Returns how many tickets had their deadlines computed again.
absl::StatusOr<int> ApplyCalendarCoverage(storage::Store& store,
                                          const PolicyRegistry& policies,
                                          absl::Time now);

}  // namespace hotline

#endif  // HOTLINE_APP_CALENDAR_UPDATE_H_
