#include "app/sweeper.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "app/calendar_update.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/sweep_rules.h"

namespace hotline {
namespace {

constexpr int kBatch = 256;
// Even with nothing due, look again this often (a calendar or clock change
// is then noticed without a restart).
constexpr absl::Duration kLongestSleep = absl::Minutes(1);
constexpr absl::Duration kNotifyCoalescing = absl::Milliseconds(200);
// How often a server that does not lead the sweeps looks whether the
// leader is gone.
constexpr absl::Duration kLeaderLookInterval = absl::Seconds(1);

}  // namespace

Sweeper::~Sweeper() { Stop(); }

absl::StatusOr<Sweeper::Counts> Sweeper::SweepDue(absl::Time now) {
  absl::MutexLock pass(&pass_mutex_);
  Counts counts;
  bool stopped = false;
  RETURN_IF_ERROR(SweepDueLocked(
      now, [] { return false; }, &counts, &stopped));
  return counts;
}

absl::StatusOr<AdvanceProgress> Sweeper::Advance(
    ManualClock& clock, absl::Time target, absl::Duration step,
    const std::function<bool()>& stop) {
  absl::MutexLock pass(&pass_mutex_);
  AdvanceProgress progress;
  absl::Time at = clock.Now();
  progress.reached = at;
  while (true) {
    if (stop()) return progress;
    absl::Time next = std::min(target, at + step);
    ASSIGN_OR_RETURN(std::optional<int64_t> earliest,
                     store_->EarliestDueMicros());
    if (!earliest.has_value()) {
      next = target;  // nothing pending at all
    } else if (absl::FromUnixMicros(*earliest) > next) {
      // Nothing falls due before the earliest pending deadline: one step.
      next = std::min(target, absl::FromUnixMicros(*earliest));
    }
    // The clock moves first, so that a request served meanwhile is never
    // timed before a rule the sweep applies.
    clock.Set(next);
    progress.reached = next;
    bool stopped = false;
    RETURN_IF_ERROR(SweepDueLocked(next, stop, &progress.counts, &stopped));
    if (stopped) {
      progress.all_due_swept = false;
      return progress;
    }
    at = next;
    if (at >= target) return progress;
  }
}

absl::StatusOr<std::optional<storage::ChangeSet>> Sweeper::PlanSweep(
    int64_t id, absl::Time now, Counts* local) {
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_->LoadTicket(id));
  if (!ticket.has_value()) return std::optional<storage::ChangeSet>();
  storage::ChangeSet changes;
  TicketChanges builder(store_, policies_->calendar().zone(), &changes);
  builder.ExpectStored(*ticket);
  // A deadline a newer calendar moved is counted on it before it can fall
  // due (calendar_update.h).
  CatchUpWithCalendar(*policies_, builder, &*ticket);
  const DeadlineRules rules = policies_->RulesFor(ticket->policy_version());
  SweepResult result = Sweep(*ticket, now, rules);
  if (result.steps.empty()) {
    // Nothing due after all (the index was ahead of the ticket): store the
    // true next_due_at so the pass moves on.
    const absl::Time next = NextDue(result.ticket);
    if (next == absl::InfiniteFuture()) {
      result.ticket.clear_next_due_at();
    } else {
      *result.ticket.mutable_next_due_at() = ToProtoTime(next);
    }
  }
  builder.AddVersion(*ticket, &result.ticket);
  RETURN_IF_ERROR(builder.AddSweepSteps(result.ticket, result.steps, local));
  local->tickets = result.steps.empty() ? 0 : 1;
  return std::optional<storage::ChangeSet>(std::move(changes));
}

absl::Status Sweeper::SweepDueLocked(absl::Time now,
                                     const std::function<bool()>& stop,
                                     Counts* total, bool* stopped) {
  Counts& counts = *total;
  const int64_t now_micros = absl::ToUnixMicros(now);
  while (true) {
    if (stop()) {
      *stopped = true;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> due,
                     store_->QueryDueTicketIds(now_micros, kBatch));
    if (due.empty()) return absl::OkStatus();
    absl::BlockingCounter pending(static_cast<int>(due.size()));
    absl::Mutex counts_mutex;
    std::vector<absl::Status> failures;
    for (int64_t id : due) {
      auto local = std::make_shared<Counts>();
      // Planned here, on the sweeper's thread; committed in groups by the
      // store. A ticket changed meanwhile (a conflict) is still due, and the
      // next round of this pass takes it again.
      absl::StatusOr<std::optional<storage::ChangeSet>> plan =
          PlanSweep(id, now, local.get());
      if (!plan.ok() || !plan->has_value()) {
        absl::MutexLock lock(&counts_mutex);
        if (!plan.ok()) failures.push_back(plan.status());
        pending.DecrementCount();
        continue;
      }
      store_->Commit(**std::move(plan), [&, local](absl::Status status) {
        {
          absl::MutexLock lock(&counts_mutex);
          if (storage::IsConflict(status)) {
            // Swept again in the next round.
          } else if (status.ok()) {
            counts.tickets += local->tickets;
            counts.warnings += local->warnings;
            counts.ack_overdue += local->ack_overdue;
            counts.yellow_cards += local->yellow_cards;
            counts.red_cards += local->red_cards;
            counts.daily_report_misses += local->daily_report_misses;
          } else {
            failures.push_back(status);
          }
        }
        pending.DecrementCount();
      });
    }
    pending.Wait();
    if (!failures.empty()) {
      // A ticket that cannot be swept would stay due; stop this pass rather
      // than spin, and let the next pass try again.
      return absl::Status(
          failures.front().code(),
          absl::StrCat("the deadline sweep failed for ", failures.size(),
                       " ticket(s): ", failures.front().message()));
    }
  }
}

void Sweeper::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Sweeper::Notify() {
  absl::MutexLock lock(&mutex_);
  notified_ = true;
}

void Sweeper::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Sweeper::Run() {
  bool leading = false;
  while (true) {
    leading = UpdateLeadership(leading);
    const absl::Duration sleep = SweepAndTimeNext(leading);
    if (!WaitForWakeUp(sleep)) return;
  }
}

bool Sweeper::UpdateLeadership(bool leading) {
  // Servers sharing a database sweep one at a time: the leader sweeps, the
  // others look again now and then, to take over from a leader that ends.
  absl::StatusOr<bool> lead = store_->HoldLeadership();
  if (lead.ok() && *lead != leading) {
    leading = *lead;
    // Said only where servers share the store: alone, a server always
    // leads, and the line would tell nothing.
    if (store_->Shared()) {
      LogInfo(leading ? "this server leads the deadline sweeps"
                      : "another server leads the deadline sweeps");
    }
  } else if (!lead.ok()) {
    LogError(
        absl::StrCat("deadline sweep: cannot tell whether this server "
                     "leads the sweeps: ",
                     lead.status().message()));
    leading = false;
  }
  return leading;
}

absl::Duration Sweeper::SweepAndTimeNext(bool leading) {
  absl::StatusOr<Counts> counts = leading ? SweepDue(clock_->Now()) : Counts{};
  if (!counts.ok()) {
    LogError(absl::StrCat("deadline sweep: ", counts.status().message()));
  } else if (counts->tickets > 0) {
    LogInfo(absl::StrCat("deadline sweep: ", counts->tickets, " tickets, ",
                         counts->warnings, " warnings, ", counts->ack_overdue,
                         " sign-for overdue, ", counts->yellow_cards,
                         " yellow and ", counts->red_cards, " red cards"));
  }
  absl::StatusOr<std::optional<int64_t>> earliest =
      leading ? store_->EarliestDueMicros()
              : absl::StatusOr<std::optional<int64_t>>(std::nullopt);
  // How long until the next due instant, on the service's clock; slept
  // as a duration so that it works on any clock.
  absl::Duration sleep = !counts.ok() ? absl::Seconds(5)
                         : leading    ? kLongestSleep
                                      : kLeaderLookInterval;
  if (earliest.ok() && earliest->has_value()) {
    sleep = std::min(sleep, absl::FromUnixMicros(**earliest) - clock_->Now());
  }
  return sleep;
}

bool Sweeper::WaitForWakeUp(absl::Duration sleep) {
  absl::MutexLock lock(&mutex_);
  // Wakes when the time comes, on Notify (a commit may have set an earlier
  // due instant), or on Stop.
  mutex_.AwaitWithTimeout(
      absl::Condition(
          +[](Sweeper* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mutex_) {
            return s->notified_ || s->stopping_;
          },
          this),
      std::max(sleep, absl::ZeroDuration()));
  if (stopping_) return false;
  if (notified_) {
    notified_ = false;
    // Under load commits come thousands a second; gather them for a moment
    // instead of looking after each one.
    mutex_.AwaitWithTimeout(absl::Condition(
                                +[](Sweeper* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                     s->mutex_) { return s->stopping_; },
                                this),
                            kNotifyCoalescing);
    if (stopping_) return false;
    notified_ = false;
  }
  return true;
}

}  // namespace hotline
