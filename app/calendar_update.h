// Bringing open tickets up to a newer working-day calendar (工作日历).
//
// A deadline computed past the calendar's last date is provisional
// (workflow/calendar_coverage.h). When the server starts with a calendar
// that covers further than the one deadlines were last computed with, the
// provisional deadlines of open tickets are computed again, each with a
// DEADLINES_RECOMPUTED event in the same transaction as the ticket, so the
// statistics follow. At ten million tickets that walk takes tens of
// seconds, so a server on the real clock does it after it starts serving
// (CalendarCoverageUpdate), and meanwhile every step and every sweep
// brings its ticket up to date first (CatchUpWithCalendar): nothing acts on
// a provisional deadline the calendar in force has moved. A server in
// rehearsal (manual clock) does it before serving (ApplyCalendarCoverage),
// so a replay is the same on every run.
//
// The coverage reached is recorded (storage::kCalendarCoverageSetting) only
// once every ticket is done: a walk cut short (a stop, a crash, a failure)
// is done again at the next start, skipping the tickets already moved and
// counting the others as of that start.
#ifndef HOTLINE_APP_CALENDAR_UPDATE_H_
#define HOTLINE_APP_CALENDAR_UPDATE_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "app/policy_registry.h"
#include "app/ticket_changes.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/store.h"

namespace hotline {

// When `*ticket` carries deadlines marked provisional past an older
// calendar and the calendar in force moves one of them: records the new
// version and its DEADLINES_RECOMPUTED event in `changes`, replaces
// `*ticket` with the new version and returns true. Otherwise changes
// nothing and returns false. Deadlines are counted as the walk counts them,
// at the instant the calendar came into force (in_force_since): one that
// passed before it stays, one after it moves even when the caller's own
// now is later (a sweep that comes after the old deadline would otherwise
// act on it). `*ticket` must be the latest version in `changes` (or the
// stored one). Thread-safe.
bool CatchUpWithCalendar(const PolicyRegistry& policies, TicketChanges& changes,
                         v1::Ticket* ticket);

// Warns when the calendar is about to run out; then, unless the recorded
// coverage is already the calendar's, brings every open ticket up to it
// (CatchUpWithCalendar), one commit per ticket, and records the coverage.
// Blocks until every moved ticket is durable. A ticket that cannot be moved
// (a conflict too many times over, an error) does not stop the others; the
// coverage is then not recorded, and the first error is returned, counted.
// Stops early, with CANCELLED and the coverage not recorded, when `stop`
// (may be empty) returns true between tickets. Returns how many tickets
// moved.
absl::StatusOr<int> ApplyCalendarCoverage(
    storage::Store& store, const PolicyRegistry& policies,
    const std::function<bool()>& stop = {});

// ApplyCalendarCoverage on a thread of its own, from construction until it
// is done or stopped. A failure is logged; the next start tries again.
//
// Thread-safe.
class CalendarCoverageUpdate final {
 public:
  // `store` and `policies` must outlive the update (or its Stop).
  CalendarCoverageUpdate(storage::Store* store, const PolicyRegistry* policies);
  // Stop()s.
  ~CalendarCoverageUpdate();
  CalendarCoverageUpdate(const CalendarCoverageUpdate&) = delete;
  CalendarCoverageUpdate& operator=(const CalendarCoverageUpdate&) = delete;

  // Ends the walk after the ticket under way and waits for it. Idempotent.
  void Stop();

 private:
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread worker_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_CALENDAR_UPDATE_H_
