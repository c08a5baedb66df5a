#include "server/call_context.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/error_details.h"
#include "common/log.h"
#include "server/grpc_status.h"
#include "server/peer_identity.h"

namespace hotline {

grpc::Status ToGrpcStatus(const absl::Status& status, const char* method) {
  if (status.ok()) return grpc::Status::OK;
  // Internal failures are logged in full; the caller gets no SQL or paths.
  // The store's damage: a DATA_LOSS without a reason of its own (a use
  // case's, such as an attachment's damaged bytes, says what it is itself).
  if (status.code() == absl::StatusCode::kDataLoss &&
      ReasonOf(status) == v1::ERROR_REASON_UNSPECIFIED) {
    // Not retryable: the same call would meet the same damage.
    LogError(absl::StrFormat("%s failed: %s", method, status.ToString()));
    return GrpcStatusOf(WithReason(
        absl::DataLossError("the server's database file is damaged; the "
                            "operator must restore it from a backup (the "
                            "server log has the details)"),
        v1::DATABASE_DAMAGED));
  }
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    LogError(absl::StrFormat("%s failed: %s", method, status.ToString()));
    return GrpcStatusOf(WithReason(
        absl::Status(status.code(),
                     "internal error; the server log has the details"),
        v1::INTERNAL_ERROR));
  }
  return GrpcStatusOf(status);
}

CallCredentials CredentialsOf(const grpc::CallbackServerContext* context) {
  CallCredentials credentials;
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    credentials.authorization.assign(it->second.data(), it->second.size());
  }
  credentials.certificate_identities =
      CertificateIdentitiesOf(context->auth_context().get());
  return credentials;
}

std::string PeerOf(const grpc::CallbackServerContext* context) {
  std::string peer = context->peer();
  if (peer != "unknown") return peer;
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("x-hotline-http-peer");
  if (it == metadata.end()) return peer;
  return absl::StrCat("http:",
                      absl::string_view(it->second.data(), it->second.size()));
}

}  // namespace hotline
