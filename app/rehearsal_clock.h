// The rehearsal clock (--clock=manual) is kept with the database, so that a
// restart resumes from where the rehearsal stood instead of going back to
// --start_time: time never runs backwards in any ticket's history.
//
//   ResumeRehearsalClock(store, clock);        // at start, before serving
//   KeepRehearsalClock(store, clock.Now());    // after each AdvanceClock
//
// Thread-safe as the store is; the clock's own lock guards the clock.
#ifndef HOTLINE_APP_REHEARSAL_CLOCK_H_
#define HOTLINE_APP_REHEARSAL_CLOCK_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/store.h"
#include "workflow/clock.h"

namespace hotline {

// Moves `clock` forward to the later of the instant kept with the database
// and the latest event's time, when either is later than the clock (a
// --start_time later than both is kept: the rehearsal jumps ahead). Logs
// where the clock resumes.
absl::Status ResumeRehearsalClock(storage::Store& store, ManualClock& clock);

// Records `now` as the rehearsal clock's instant (durably).
absl::Status KeepRehearsalClock(storage::Store& store, absl::Time now);

}  // namespace hotline

#endif  // HOTLINE_APP_REHEARSAL_CLOCK_H_
