// A use case's write, planned on the request's thread and committed by the
// store: `plan` reads what it needs from the store, runs the workflow rules
// and returns the change set with the answer to give once it is durable.
// When the commit finds that a concurrent commit changed what `plan` read
// (a conflict, storage/change_set.h), `plan` runs again on the executor
// with a fresh read, up to kMaxPlanAttempts times in all; then the caller
// gets ABORTED and may retry.
//
//   CommitPlanned<v1::Ticket>(store, executor,
//       [=]() -> absl::StatusOr<Planned<v1::Ticket>> {
//         ASSIGN_OR_RETURN(auto ticket, store->LoadTicket(id));
//         ...;  // rules
//         return Planned<v1::Ticket>{std::move(changes), answer};
//       },
//       std::move(done));
//
// `done` runs once, on the store's thread after the commit (keep it short)
// or on the calling thread when `plan` fails or has nothing to write.
//
// Thread-safe; `plan` must be safe to run again on another thread.
#ifndef HOTLINE_APP_PLANNED_WRITE_H_
#define HOTLINE_APP_PLANNED_WRITE_H_

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "app/executor.h"
#include "common/status_macros.h"
#include "storage/change_set.h"
#include "storage/store.h"

namespace hotline {

inline constexpr int kMaxPlanAttempts = 8;

template <typename T>
struct Planned {
  storage::ChangeSet changes;
  T answer;
};

template <typename T>
using PlanFn = std::function<absl::StatusOr<Planned<T>>()>;

template <typename T>
void CommitPlanned(storage::Store* store, Executor* executor, PlanFn<T> plan,
                   std::function<void(absl::StatusOr<T>)> done,
                   int attempt = 1) {
  absl::StatusOr<Planned<T>> planned = plan();
  if (!planned.ok()) return done(planned.status());
  if (planned->changes.empty()) return done(std::move(planned->answer));
  auto answer = std::make_shared<T>(std::move(planned->answer));
  store->Commit(
      std::move(planned->changes),
      [store, executor, plan = std::move(plan), done = std::move(done), answer,
       attempt](absl::Status status) mutable {
        if (status.ok()) return done(std::move(*answer));
        if (storage::IsConflict(status) && attempt < kMaxPlanAttempts) {
          executor->Post([store, executor, plan = std::move(plan),
                          done = std::move(done), attempt]() mutable {
            CommitPlanned<T>(store, executor, std::move(plan), std::move(done),
                             attempt + 1);
          });
          return;
        }
        if (storage::IsConflict(status)) {
          status = absl::AbortedError(absl::StrCat(
              status.message(), " (", attempt,
              " attempts met concurrent changes; retry the call)"));
        }
        done(status);
      });
}

// CommitPlanned on the calling thread, waiting for the answer (for callers
// on their own thread: the sweeper, a command).
template <typename T>
absl::StatusOr<T> CommitPlannedAndWait(storage::Store* store,
                                       const PlanFn<T>& plan) {
  absl::Status last;
  for (int attempt = 1; attempt <= kMaxPlanAttempts; ++attempt) {
    ASSIGN_OR_RETURN(Planned<T> planned, plan());
    if (planned.changes.empty()) return std::move(planned.answer);
    last = store->CommitAndWait(std::move(planned.changes));
    if (last.ok()) return std::move(planned.answer);
    if (!storage::IsConflict(last)) return last;
  }
  return absl::AbortedError(
      absl::StrCat(last.message(), " (", kMaxPlanAttempts,
                   " attempts met concurrent changes; retry the call)"));
}

}  // namespace hotline

#endif  // HOTLINE_APP_PLANNED_WRITE_H_
