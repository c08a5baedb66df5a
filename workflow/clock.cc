#include "workflow/clock.h"

#include "absl/time/clock.h"

namespace hotline {

absl::Time RealClock::Now() const { return absl::Now(); }

absl::Time ManualClock::Now() const {
  absl::MutexLock lock(&mutex_);
  return now_;
}

void ManualClock::Set(absl::Time time) {
  absl::MutexLock lock(&mutex_);
  now_ = time;
}

void ManualClock::Advance(absl::Duration duration) {
  absl::MutexLock lock(&mutex_);
  now_ += duration;
}

}  // namespace hotline
