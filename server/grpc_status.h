// An absl::Status as the grpc::Status the service sends: same code and
// message, and the error details (common/error_details.h) as a serialized
// google.rpc.Status in the binary details, which gRPC sends in the
// "grpc-status-details-bin" trailer (proto/hotline/v1/errors.proto).
//
//   Finish(GrpcStatusOf(WithReason(absl::UnavailableError("..."),
//                                  v1::SERVER_UNAVAILABLE)));
//
// No message is rewritten here: the unary edge (grpc_service.cc) hides
// INTERNAL and DATA_LOSS messages before it converts.
//
// Thread-safe (a pure function).
#ifndef HOTLINE_SERVER_GRPC_STATUS_H_
#define HOTLINE_SERVER_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace hotline {

// OK gives grpc::Status::OK; any other status gets its ErrorInfo
// (DefaultReason when none was set), BadRequest and RetryInfo.
grpc::Status GrpcStatusOf(const absl::Status& status);

}  // namespace hotline

#endif  // HOTLINE_SERVER_GRPC_STATUS_H_
