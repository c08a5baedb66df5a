// The one source of "now" for the service. Production uses RealClock; tests
// and the server's rehearsal mode use ManualClock, which only moves when told.
//
//   ManualClock clock(absl::FromCivil(absl::CivilSecond(2021, 2, 10, 9, 0, 0),
//                                     absl::UTCTimeZone()));
//   clock.Advance(absl::Hours(24));
//
// Both implementations are safe for concurrent use from multiple threads.
#ifndef HOTLINE_WORKFLOW_CLOCK_H_
#define HOTLINE_WORKFLOW_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hotline {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system's wall clock.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override;
};

// A clock that stands still until Set or Advance moves it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}
  ManualClock(const ManualClock&) = delete;
  ManualClock& operator=(const ManualClock&) = delete;

  absl::Time Now() const override;
  void Set(absl::Time time);
  void Advance(absl::Duration duration);

 private:
  mutable absl::Mutex mutex_;
  absl::Time now_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CLOCK_H_
