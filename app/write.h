// One shape for every write use case. A use case states three things:
//   its validation  a `Check...` function run first (INVALID_ARGUMENT wins
//                   over every other refusal, so a malformed request is
//                   refused the same whoever sends it);
//   its access      a WriteAccess: a ticket action (workflow/access.h,
//                   AuthorizeAction) or a bureau-only method;
//   its plan        read -> pure workflow rule -> change set + answer
//                   (planned_write.h), safe to run again.
// Writer::Run does the rest, in this order: identify the request by its
// request_id (idempotency.h; a malformed request_id is INVALID_ARGUMENT),
// authorize (PERMISSION_DENIED), then plan and commit with retries on
// conflict, answering a retried request_id with the first outcome.
//
//   void CardService::RevokeCard(const Principal& principal,
//                                const v1::RevokeCardRequest& request,
//                                CardDone done) {
//     absl::StatusOr<int64_t> id = CheckRevokeCard(request);
//     if (!id.ok()) return done(id.status());
//     writer_.Run<v1::Card>(
//         principal, request, WriteAccess::BureauOnly("RevokeCard"),
//         [=] { return PlanRevokeCard(principal, request, *id); },
//         std::move(done));
//   }
//
// `done` runs once: on the store's thread after the commit (keep it short),
// or on the calling thread when a check or the plan fails.
//
// Thread-safe: a Writer holds only pointers that must outlive it.
#ifndef HOTLINE_APP_WRITE_H_
#define HOTLINE_APP_WRITE_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "app/executor.h"
#include "app/idempotency.h"
#include "app/planned_write.h"
#include "common/status_macros.h"
#include "google/protobuf/message.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

// The access rule a write is checked against, before anything is read.
class WriteAccess final {
 public:
  // AuthorizeAction(principal, action): may this role ever take the action
  // (the check on the ticket itself is the plan's, PlanTicketStep).
  WriteAccess(TicketAction action)  // NOLINT: implicit, reads as the action
      : action_(action) {}
  // AuthorizeBureauOnly(principal, method): departments, tokens, cards, the
  // clock and backups are the bureau's.
  static WriteAccess BureauOnly(absl::string_view method) {
    return WriteAccess(std::string(method));
  }
  // Another rule of who may call (e.g. AuthorizeSubscription for the
  // subscription the request names); what depends on stored data is the
  // plan's to check.
  static WriteAccess Rule(std::function<absl::Status(const Principal&)> rule) {
    WriteAccess access("");
    access.rule_ = std::move(rule);
    return access;
  }

  // OK, or PERMISSION_DENIED naming the role and the action.
  absl::Status Check(const Principal& principal) const {
    if (action_) return AuthorizeAction(principal, *action_);
    if (rule_) return rule_(principal);
    return AuthorizeBureauOnly(principal, method_);
  }

 private:
  explicit WriteAccess(std::string method) : method_(std::move(method)) {}

  std::optional<TicketAction> action_;
  std::string method_;
  std::function<absl::Status(const Principal&)> rule_;
};

template <typename T>
using WriteDone = std::function<void(absl::StatusOr<T>)>;

class Writer final {
 public:
  // Every pointer must outlive the writer.
  Writer(storage::Store* store, const Clock* clock, Executor* executor)
      : store_(store), clock_(clock), executor_(executor) {}

  // Identifies the request (its request_id) and authorizes the principal,
  // in that order: the request's identity, for Commit.
  absl::StatusOr<RequestIdentity> Admit(
      const Principal& principal, const google::protobuf::Message& request,
      const WriteAccess& access) const {
    ASSIGN_OR_RETURN(RequestIdentity identity,
                     IdentifyRequest(principal, request));
    RETURN_IF_ERROR(access.Check(principal));
    return identity;
  }

  // Plans and commits (CommitPlanned), a retry of `identity` answered with
  // the first outcome (AnswerRetries).
  template <typename T>
  void Commit(RequestIdentity identity, PlanFn<T> plan,
              WriteDone<T> done) const {
    CommitPlanned<T>(
        store_, executor_,
        AnswerRetries<T>(std::move(identity), clock_, store_, std::move(plan)),
        std::move(done));
  }

  // Commit on the calling thread, waiting for the answer.
  template <typename T>
  absl::StatusOr<T> CommitAndWait(RequestIdentity identity,
                                  PlanFn<T> plan) const {
    return CommitPlannedAndWait<T>(
        store_,
        AnswerRetries<T>(std::move(identity), clock_, store_, std::move(plan)));
  }

  // Admit, then Commit: the whole write after its validation.
  template <typename T>
  void Run(const Principal& principal, const google::protobuf::Message& request,
           const WriteAccess& access, PlanFn<T> plan, WriteDone<T> done) const {
    absl::StatusOr<RequestIdentity> identity =
        Admit(principal, request, access);
    if (!identity.ok()) return done(identity.status());
    Commit<T>(*std::move(identity), std::move(plan), std::move(done));
  }

  // Admit, then CommitAndWait.
  template <typename T>
  absl::StatusOr<T> RunAndWait(const Principal& principal,
                               const google::protobuf::Message& request,
                               const WriteAccess& access,
                               PlanFn<T> plan) const {
    ASSIGN_OR_RETURN(RequestIdentity identity,
                     Admit(principal, request, access));
    return CommitAndWait<T>(std::move(identity), std::move(plan));
  }

 private:
  storage::Store* const store_;
  const Clock* const clock_;
  Executor* const executor_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_WRITE_H_
