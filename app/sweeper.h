// The deadline sweeper: applies the sweep rules (workflow/sweep_rules.h) to
// every ticket whose next_due_at has come, each ticket in its own unit of
// work through the store's writer, like a request. It finds due tickets, and
// the time to wake up, through the next_due_at index: with a million open
// tickets and nothing due, a pass reads one index entry.
//
// With the real clock, Start() runs it on a thread that sleeps until the
// earliest due instant, and wakes early when a commit may have brought that
// instant forward. In rehearsal mode nothing runs by itself: AdvanceClock
// calls Advance, which moves the manual clock a step (at most a day) at a
// time and sweeps what fell due in each step, in batches of tickets. Memory
// is one batch, each ticket's sweep covering one step, however far the
// clock goes; the caller may stop it between batches.
//
// Servers sharing one database (PostgreSQL) sweep one at a time: the
// background thread sweeps only while the store says this process leads
// (Store::HoldLeadership), and otherwise looks again every second, so a
// leader that ends is replaced within about a second.
//
// Running it twice, or after a crash between sweeps, issues nothing twice:
// the flag each rule sets is stored with the ticket in the same transaction
// as the rule's event and card.
//
// Thread-safe.
#ifndef HOTLINE_APP_SWEEPER_H_
#define HOTLINE_APP_SWEEPER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "app/policy_registry.h"
#include "app/ticket_changes.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/sweep_rules.h"

namespace hotline {

// How far Sweeper::Advance went.
struct AdvanceProgress {
  SweepCounts counts;
  // Where the clock stands.
  absl::Time reached;
  // Every rule due at or before `reached` has been applied. False when the
  // caller stopped the sweep in the middle of a step: some tickets still
  // have rules due by `reached`, applied by the next sweep.
  bool all_due_swept = true;
};

class Sweeper final {
 public:
  using Counts = SweepCounts;

  // Every pointer must outlive the sweeper.
  Sweeper(storage::Store* store, const Clock* clock,
          const PolicyRegistry* policies)
      : store_(store), clock_(clock), policies_(policies) {}
  ~Sweeper();
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // Applies every rule due at or before `now` and waits until it is
  // durable.
  absl::StatusOr<Counts> SweepDue(absl::Time now);

  // Rehearsal mode: moves `clock` forward to `target` in steps of at most
  // `step` (a stretch in which nothing falls due is one step), setting the
  // clock to the end of each step and then sweeping what fell due by then,
  // durably. `stop` is asked before each batch of tickets; once it says
  // true, Advance returns where it got: the clock stays at the end of the
  // step under way, and what was swept stays swept. Reaches `target` unless
  // stopped. An error leaves the clock where it got too (clock.Now()).
  absl::StatusOr<AdvanceProgress> Advance(ManualClock& clock, absl::Time target,
                                          absl::Duration step,
                                          const std::function<bool()>& stop);

  // Starts the background thread (real clock only).
  void Start();
  // Wakes the background thread to look again (called after commits).
  void Notify();
  // Stops the background thread. Idempotent.
  void Stop();

 private:
  // The background thread's loop, until Stop: each round updates the
  // leadership, sweeps (when leading) and waits for the next round.
  void Run();
  // Background thread only. Asks the store whether this process leads the
  // sweeps now (`leading`: whether it did); logs a change where servers
  // share the store, and a failure to tell, which counts as not leading.
  // Returns whether it leads.
  bool UpdateLeadership(bool leading);
  // Background thread only. Sweeps what is due at the clock's now when
  // `leading` (through SweepDue, so it takes pass_mutex_), logs the outcome,
  // and returns how long to sleep: until the earliest pending due instant,
  // at most kLongestSleep when leading, kLeaderLookInterval when not, 5 s
  // after a failed sweep; negative when a due instant has already passed.
  absl::Duration SweepAndTimeNext(bool leading);
  // Background thread only. Waits up to `sleep` (none if negative) for
  // Notify or Stop; after a Notify, waits kNotifyCoalescing more for
  // further commits, clearing the notification. Returns false once Stop
  // was called (the loop ends), true to sweep again.
  bool WaitForWakeUp(absl::Duration sleep) ABSL_LOCKS_EXCLUDED(mutex_);
  // The change set of one due ticket's sweep; nullopt when it is gone.
  absl::StatusOr<std::optional<storage::ChangeSet>> PlanSweep(int64_t id,
                                                              absl::Time now,
                                                              Counts* local);
  // One pass at `now`, in batches; stops (setting *stopped) when `stop`
  // says so before a batch. Adds what it did to *counts. Needs pass_mutex_.
  absl::Status SweepDueLocked(absl::Time now, const std::function<bool()>& stop,
                              Counts* counts, bool* stopped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(pass_mutex_);

  storage::Store* const store_;
  const Clock* const clock_;
  const PolicyRegistry* const policies_;

  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool notified_ ABSL_GUARDED_BY(mutex_) = false;
  // Serializes passes: the background thread and AdvanceClock.
  absl::Mutex pass_mutex_;
  std::thread thread_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_SWEEPER_H_
