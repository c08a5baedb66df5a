// What the bench asks of a server: the ticket it creates, the department
// it makes for the lifecycle, and the lifecycle itself (create, dispatch,
// acknowledge, reply, close: five calls).
//
// Thread-safe as the clients are.
#ifndef HOTLINE_BENCH_WORKLOAD_H_
#define HOTLINE_BENCH_WORKLOAD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/hotline_client.h"
#include "hotline/v1/hotline_service.pb.h"

namespace hotline::bench {

// A complaint as a citizen's call gives it.
v1::CreateTicketRequest Draft();

// A department of this run and a token for it.
struct Department {
  std::string id;
  std::string token;
};

// Creates a department (named after the time) and its token, as `bureau`.
absl::StatusOr<Department> MakeDepartment(Client& bureau);

// One ticket's whole life: `bureau` creates, dispatches to `department`
// and closes it; `department_client` signs for it and replies.
absl::Status RunLifecycle(Client& bureau, Client& department_client,
                          const std::string& department);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_WORKLOAD_H_
