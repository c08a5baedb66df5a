// Errors a program can read: google.rpc error details carried on an
// absl::Status as payloads, so that the pure workflow rules can say why they
// refuse without knowing about gRPC, and the edge (gRPC, HTTP) sends them as
// a google.rpc.Status (see proto/hotline/v1/errors.proto).
//
//   return WithReason(absl::FailedPreconditionError("tickets/7 is CLOSED;
//   ..."),
//                     v1::TICKET_STATE,
//                     {{"ticket", "tickets/7"}, {"state", "CLOSED"}});
//   return WithFieldViolation(absl::InvalidArgumentError("title is required"),
//                             "ticket.title", "required");
//
//   google::rpc::Status wire = ToRpcStatus(status);   // the edge
//   absl::Status back = FromRpcStatus(wire);          // a client
//   if (ReasonOf(back) == v1::DUPLICATE_SOURCE_ID) ...
//
// Every helper returns a copy of `status` with the payload added (an OK
// status is returned unchanged). Payloads survive copies of the status but
// not a new status built from its message: rewrap with CopyDetails.
//
// Thread-safe (pure functions).
#ifndef HOTLINE_COMMON_ERROR_DETAILS_H_
#define HOTLINE_COMMON_ERROR_DETAILS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "hotline/v1/errors.pb.h"

namespace hotline {

// ErrorInfo.domain of every error the service sends.
inline constexpr char kErrorDomain[] = "hotline.v1";

using ErrorMetadata = std::vector<std::pair<std::string, std::string>>;

// Sets the ErrorInfo (replacing one set before): `reason`'s name, the
// domain, and `metadata`.
absl::Status WithReason(absl::Status status, v1::ErrorReason reason,
                        const ErrorMetadata& metadata = {});

// Adds one BadRequest field violation (`field` is the request's field path,
// e.g. "ticket.title"), and the ErrorInfo INVALID_FIELD unless the status
// has a reason already.
absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description);

// INVALID_ARGUMENT with `message`, and one field violation naming `field`
// with the message as its description (and so reason INVALID_FIELD).
absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view message);

// NOT_FOUND "<kind> <name> does not exist[; <hint>]" with reason NOT_FOUND
// and metadata resource=<name>.
absl::Status ResourceNotFound(absl::string_view kind, absl::string_view name,
                              absl::string_view hint = "");

// Sets RetryInfo: the same call may succeed after `delay`.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// `to` with the details of `from` (e.g. after changing the message).
absl::Status CopyDetails(const absl::Status& from, absl::Status to);

// The ErrorInfo, if set.
std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status);
// The reason of the ErrorInfo; ERROR_REASON_UNSPECIFIED when none (or one
// this build does not know).
v1::ErrorReason ReasonOf(const absl::Status& status);
// One metadata value of the ErrorInfo; empty when absent.
std::string ErrorMetadataOf(const absl::Status& status, absl::string_view key);
// The field violations, if any.
std::vector<google::rpc::BadRequest::FieldViolation> FieldViolationsOf(
    const absl::Status& status);
// The RetryInfo delay, if set.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// The reason a status of `code` gets when the code says it all (the
// fallback ToRpcStatus uses): e.g. INTERNAL_ERROR for INTERNAL.
v1::ErrorReason DefaultReason(absl::StatusCode code);

// The wire form: code, message, and details: the ErrorInfo (DefaultReason
// when none was set), then BadRequest and RetryInfo when set. OK gives an
// empty Status.
google::rpc::Status ToRpcStatus(const absl::Status& status);
// Back from the wire: a status with the same code, message and details.
absl::Status FromRpcStatus(const google::rpc::Status& status);

}  // namespace hotline

#endif  // HOTLINE_COMMON_ERROR_DETAILS_H_
