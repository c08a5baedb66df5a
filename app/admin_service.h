// The bureau's administration use cases: departments and access tokens.
// Like TicketService: validation, then access, then one change set
// (planned_write.h); no gRPC types. Writes complete through `done` once
// durable; reads return.
//
// Thread-safe: all methods may be called concurrently.
#ifndef HOTLINE_APP_ADMIN_SERVICE_H_
#define HOTLINE_APP_ADMIN_SERVICE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "app/executor.h"
#include "app/idempotency.h"
#include "app/planned_write.h"
#include "app/policy_registry.h"
#include "app/sweeper.h"
#include "app/write.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

// What a long call learns of its caller while it runs.
struct CallLimits {
  // When the caller stops waiting for the answer.
  absl::Time deadline = absl::InfiniteFuture();
  // True once the caller has gone (it cancelled, or its deadline passed).
  std::function<bool()> cancelled = [] { return false; };
};

// The farthest AdvanceClock moves the clock in one call.
inline constexpr absl::Duration kMaxClockAdvance = absl::Hours(400 * 24);
// The most time AdvanceClock keeps before the caller's deadline to stop the
// sweep, keep the clock and answer (a loaded machine needs it).
inline constexpr absl::Duration kAdvanceClockAnswerMargin = absl::Seconds(2);

// For tests: runs on AdvanceClock's thread each time the call looks whether
// to stop (before each batch of its sweep, and before each step), just
// before it looks; `call` is the call under way. What it does counts as the
// sweep's own time. A test makes each batch take a known time with it, or
// acts while the sweep is under way (checks health, cancels the call).
using AdvanceClockBatchHook = std::function<void(const CallLimits& call)>;

class AdminService final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // Every pointer must outlive the service. `rehearsal_clock` is the same
  // clock as `clock` in rehearsal mode, null with the real clock.
  // `on_token_revoked` runs once a RevokeToken is committed, before it is
  // answered (the authenticator forgets the tokens it remembers).
  // `batch_hook`, for tests, runs during AdvanceClock's sweep (see
  // AdvanceClockBatchHook); it must be thread-safe.
  AdminService(storage::Store* store, const Clock* clock,
               const PolicyRegistry* policies, Sweeper* sweeper,
               ManualClock* rehearsal_clock, Executor* executor,
               std::function<void()> on_token_revoked = nullptr,
               AdvanceClockBatchHook batch_hook = nullptr)
      : store_(store),
        clock_(clock),
        policies_(policies),
        sweeper_(sweeper),
        rehearsal_clock_(rehearsal_clock),
        writer_(store, clock, executor),
        on_token_revoked_(std::move(on_token_revoked)),
        batch_hook_(std::move(batch_hook)) {}
  // Waits for an AdvanceClock under way.
  ~AdminService();
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  void CreateDepartment(const Principal& principal,
                        const v1::CreateDepartmentRequest& request,
                        Done<v1::Department> done);
  absl::StatusOr<v1::Department> GetDepartment(
      const Principal& principal, const v1::GetDepartmentRequest& request);
  absl::StatusOr<v1::ListDepartmentsResponse> ListDepartments(
      const Principal& principal, const v1::ListDepartmentsRequest& request);

  // The response carries the secret; nothing else ever does.
  void CreateToken(const Principal& principal,
                   const v1::CreateTokenRequest& request, Done<v1::Token> done);
  absl::StatusOr<v1::ListTokensResponse> ListTokens(
      const Principal& principal, const v1::ListTokensRequest& request);
  void RevokeToken(const Principal& principal,
                   const v1::RevokeTokenRequest& request, Done<v1::Token> done);

  // Any authenticated caller.
  absl::StatusOr<v1::Policy> GetPolicy(const Principal& principal,
                                       const v1::GetPolicyRequest& request);

  // The catalogues (诉求分类目录, 派单目录), in catalogue_admin.cc. Reads:
  // any authenticated caller. UpdateDispatchCatalogue: the bureau; it
  // replaces the rules (workflow/dispatch_catalogue.h checks them, every
  // department must exist) and makes the next version, ABORTED
  // (CATALOGUE_VERSION) when expected_version is not the current one. One
  // update at a time in this process: it waits for its commit, so call it
  // where waiting is allowed (the executor, not a gRPC callback thread).
  absl::StatusOr<v1::ListCategoriesResponse> ListCategories(
      const Principal& principal, const v1::ListCategoriesRequest& request);
  absl::StatusOr<v1::DispatchCatalogue> GetDispatchCatalogue(
      const Principal& principal,
      const v1::GetDispatchCatalogueRequest& request);
  void UpdateDispatchCatalogue(
      const Principal& principal,
      const v1::UpdateDispatchCatalogueRequest& request,
      Done<v1::DispatchCatalogue> done);
  // Any authenticated caller: who it is, the bureau's time zone, today and
  // now, and whether the server rehearses.
  absl::StatusOr<v1::Caller> GetCaller(const Principal& principal,
                                       const v1::GetCallerRequest& request);
  // Bureau, rehearsal mode only: moves the clock forward, at most
  // kMaxClockAdvance, and sweeps on the way (Sweeper::Advance, a day at a
  // time); `done` gets the answer once the sweep is durable. Calls run one
  // at a time on a thread of the service's own, not on the caller's. Shortly
  // before `call.deadline` (a fifth of the time the caller gave, at most
  // kAdvanceClockAnswerMargin, is kept to answer in), or once the caller has
  // gone, the sweep stops between batches and the answer is
  // DEADLINE_EXCEEDED (or CANCELLED) saying where the clock stands and what
  // was swept: it stays swept.
  void AdvanceClock(const Principal& principal,
                    const v1::AdvanceClockRequest& request, CallLimits call,
                    Done<v1::AdvanceClockResponse> done);

 private:
  storage::Store* const store_;
  // Held while a token revocation is planned and committed.
  absl::Mutex revocations_;
  // Held while a dispatch catalogue update is planned and committed: the
  // next version's number is read in the plan.
  absl::Mutex catalogue_updates_;
  const Clock* const clock_;
  const PolicyRegistry* const policies_;
  Sweeper* const sweeper_;
  // Moves the clock for one AdvanceClock call, on the worker thread.
  absl::StatusOr<v1::AdvanceClockResponse> Advance(
      const v1::AdvanceClockRequest& request, const CallLimits& call,
      absl::Time answer_by);
  // Advance, answering a retry of a completed call (same request_id) with
  // its first outcome instead of moving the clock again.
  absl::StatusOr<v1::AdvanceClockResponse> AdvanceOnce(
      const RequestIdentity& identity, const v1::AdvanceClockRequest& request,
      const CallLimits& call, absl::Time answer_by);
  // RevokeToken's plan: refuses a token already revoked and the last live
  // bureau token.
  absl::StatusOr<Planned<v1::Token>> PlanRevokeToken(
      int64_t id, const std::string& name) const;
  // Runs `job` on the worker thread, after the jobs before it.
  void RunOnWorker(std::function<void()> job);

  ManualClock* const rehearsal_clock_;
  const Writer writer_;
  const std::function<void()> on_token_revoked_;
  const AdvanceClockBatchHook batch_hook_;

  // The AdvanceClock worker: started on first use, one job at a time.
  absl::Mutex worker_mutex_;
  std::deque<std::function<void()>> jobs_ ABSL_GUARDED_BY(worker_mutex_);
  bool stopping_ ABSL_GUARDED_BY(worker_mutex_) = false;
  std::thread worker_ ABSL_GUARDED_BY(worker_mutex_);
};

// Creates a token for `principal_text` directly in the store, waiting for the
// commit: the bootstrap path used by `hotline-server --create_token` before
// any token exists. The result carries the secret.
absl::StatusOr<v1::Token> CreateTokenDirectly(storage::Store& store,
                                              const std::string& principal_text,
                                              const std::string& display_name,
                                              absl::Time now);

}  // namespace hotline

#endif  // HOTLINE_APP_ADMIN_SERVICE_H_
