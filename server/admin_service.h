// The bureau's administration use cases: departments and access tokens.
// Like TicketService: validation, then access, then one unit of work; no
// gRPC types. Writes complete through `done` once durable; reads return.
//
// Thread-safe: all methods may be called concurrently.
#ifndef HOTLINE_SERVER_ADMIN_SERVICE_H_
#define HOTLINE_SERVER_ADMIN_SERVICE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "hotline/v1/hotline_service.pb.h"
#include "server/policy_registry.h"
#include "server/sweeper.h"
#include "server/workflow/clock.h"
#include "server/workflow/principal.h"
#include "storage/store.h"

namespace hotline {

class AdminService final {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // Every pointer must outlive the service. `rehearsal_clock` is the same
  // clock as `clock` in rehearsal mode, null with the real clock.
  AdminService(storage::Store* store, const Clock* clock,
               const PolicyRegistry* policies, Sweeper* sweeper,
               ManualClock* rehearsal_clock)
      : store_(store),
        clock_(clock),
        policies_(policies),
        sweeper_(sweeper),
        rehearsal_clock_(rehearsal_clock) {}
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
  // Bureau, rehearsal mode only: moves the clock and sweeps. Blocks until
  // the sweep is durable.
  absl::StatusOr<v1::AdvanceClockResponse> AdvanceClock(
      const Principal& principal, const v1::AdvanceClockRequest& request);

 private:
  storage::Store* const store_;
  const Clock* const clock_;
  const PolicyRegistry* const policies_;
  Sweeper* const sweeper_;
  ManualClock* const rehearsal_clock_;
};

// Creates a token for `principal_text` directly in the store, waiting for the
// commit: the bootstrap path used by `hotline-server --create_token` before
// any token exists. The result carries the secret.
absl::StatusOr<v1::Token> CreateTokenDirectly(storage::Store& store,
                                              const std::string& principal_text,
                                              const std::string& display_name,
                                              absl::Time now);

}  // namespace hotline

#endif  // HOTLINE_SERVER_ADMIN_SERVICE_H_
