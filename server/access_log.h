// The access log an operator reads: one record per unary call, and one when
// a WatchEvents stream starts and one when it ends (common/log.h writes them
// as text or JSON lines).
//
//   CallRecord call = BeginCall(context->peer(), "GetTicket", request);
//   NotePrincipal(call, principal);          // once authenticated
//   ... LogCall(call, status);               // when the call finishes
//
// Fields, always present unless said otherwise:
//   peer        the caller's address as gRPC sees it ("ipv4:10.0.0.5:51324")
//   principal   who the token or certificate authenticated ("bureau",
//               "department/housing"); "-" when authentication failed
//   credential  the token's or certificate's name, when known ("-" if not)
//   method      the RPC method ("CreateTicket")
//   resource    the request's `name`, else its `parent`, `ticket`,
//               `department`, `department_id` or `dispatch_to`, else "-"
//   code        the gRPC status code name ("OK", "FAILED_PRECONDITION")
//   error       the message the caller got; only when code is not OK
//   latency_us  unary calls: from arrival to the reply, in microseconds
// Streams add `events` (delivered to the client) and `duration_us` to their
// end record; their start record has no code.
//
// Never logged: the authorization header, token secrets, and any request
// or ticket field other than the resource names above (so no caller's name,
// phone, address or content).
//
// Thread-safe (each function works on the caller's record).
#ifndef HOTLINE_SERVER_ACCESS_LOG_H_
#define HOTLINE_SERVER_ACCESS_LOG_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"
#include "workflow/principal.h"

namespace hotline {

struct CallRecord {
  std::string peer;
  std::string principal = "-";
  std::string credential = "-";
  std::string method;
  std::string resource = "-";
  absl::Time start;
};

// The request's resource name, as described in the file comment.
std::string ResourceOf(const google::protobuf::Message& request);

// A record for a call arriving now.
CallRecord BeginCall(std::string peer, const char* method,
                     const google::protobuf::Message& request);

// Notes who the call was authenticated as.
void NotePrincipal(CallRecord& call, const Principal& principal);

// Logs a finished unary call; returns its latency.
absl::Duration LogCall(const CallRecord& call, const grpc::Status& status);

// Logs a stream's start and its end.
void LogStreamStart(const CallRecord& call);
void LogStreamEnd(const CallRecord& call, const grpc::Status& status,
                  int64_t events);

}  // namespace hotline

#endif  // HOTLINE_SERVER_ACCESS_LOG_H_
