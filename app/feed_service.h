// The change feed's use case (WatchEvents): what a stream follows and where
// it starts. PrepareWatch checks the request, scopes it to the caller
// (workflow/scope.h), applies the access rule for a named ticket and decides
// the resume point; the edge (server/event_feed.h) then runs the stream from
// the plan: reads the store after `after_seq` with `query`, keeps the events
// of `types`, and shows each as the caller may see it (EventViewFor).
//
//   ASSIGN_OR_RETURN(WatchPlan plan, PrepareWatch(principal, request, store));
//
// Stateless and thread-safe (as thread-safe as `store`).
#ifndef HOTLINE_APP_FEED_SERVICE_H_
#define HOTLINE_APP_FEED_SERVICE_H_

#include <cstdint>
#include <set>

#include "absl/status/statusor.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/records.h"
#include "storage/store.h"
#include "workflow/principal.h"

namespace hotline {

// Where a stream starts and what it follows.
struct WatchPlan {
  // The events the stream follows: a ticket, else a department (held at
  // the event or lost by it), else a creator (intake), else every event.
  // `after_seq` and `limit` are left at their defaults (the stream's
  // cursor and batch set them).
  storage::EventFeedQuery query;
  // The event types wanted (v1::Event::Type values); empty means every type.
  std::set<int> types;
  // The stream starts after this seq: the latest seq for `from_now`, else
  // the request's `after_seq`.
  int64_t after_seq = 0;
};

// Checks `request` for `principal` and reads from `store` what the start
// needs (the named ticket, the latest seq, lost history). The checks, in
// order, each failing with its status: after_seq not negative, every type a
// known event type, department a department name (INVALID_ARGUMENT); the
// caller's scope (ScopeFor, ScopedRead::kFeed); a named ticket's name, and,
// for the bureau and intake, the right to view it (a department follows any
// ticket it names, seeing only its part); an after_seq beyond the latest
// event, or inside history lost to a restore, is FAILED_PRECONDITION with
// reason RESUME_FROM (metadata after_seq, latest_seq). Errors of `store`
// are returned as they are.
absl::StatusOr<WatchPlan> PrepareWatch(const Principal& principal,
                                       const v1::WatchEventsRequest& request,
                                       storage::Store& store);

}  // namespace hotline

#endif  // HOTLINE_APP_FEED_SERVICE_H_
