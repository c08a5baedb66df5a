#include "common/error_details.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/duration.pb.h"

namespace hotline {
namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/";

template <typename Message>
std::string TypeUrl() {
  return std::string(kTypePrefix) + Message::descriptor()->full_name();
}

template <typename Message>
std::optional<Message> PayloadOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(TypeUrl<Message>());
  if (!payload.has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(std::string(*payload))) return std::nullopt;
  return message;
}

template <typename Message>
absl::Status WithPayload(absl::Status status, const Message& message) {
  if (status.ok()) return status;
  status.SetPayload(TypeUrl<Message>(),
                    absl::Cord(message.SerializeAsString()));
  return status;
}

}  // namespace

absl::Status WithReason(absl::Status status, v1::ErrorReason reason,
                        const ErrorMetadata& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(v1::ErrorReason_Name(reason));
  info.set_domain(kErrorDomain);
  for (const auto& [key, value] : metadata) {
    (*info.mutable_metadata())[key] = value;
  }
  return WithPayload(std::move(status), info);
}

absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description) {
  if (status.ok()) return status;
  google::rpc::BadRequest request =
      PayloadOf<google::rpc::BadRequest>(status).value_or(
          google::rpc::BadRequest());
  google::rpc::BadRequest::FieldViolation* violation =
      request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  status = WithPayload(std::move(status), request);
  if (!ErrorInfoOf(status).has_value()) {
    status = WithReason(std::move(status), v1::INVALID_FIELD);
  }
  return status;
}

absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view message) {
  return WithFieldViolation(absl::InvalidArgumentError(message), field,
                            message);
}

absl::Status ResourceNotFound(absl::string_view kind, absl::string_view name,
                              absl::string_view hint) {
  return WithReason(
      absl::NotFoundError(absl::StrCat(kind, " ", name, " does not exist",
                                       hint.empty() ? "" : "; ", hint)),
      v1::NOT_FOUND, {{"resource", std::string(name)}});
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  info.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(
          delay - absl::Seconds(absl::ToInt64Seconds(delay)))));
  return WithPayload(std::move(status), info);
}

absl::Status CopyDetails(const absl::Status& from, absl::Status to) {
  if (to.ok()) return to;
  from.ForEachPayload([&to](absl::string_view type_url, const absl::Cord& p) {
    to.SetPayload(type_url, p);
  });
  return to;
}

std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  return PayloadOf<google::rpc::ErrorInfo>(status);
}

v1::ErrorReason ReasonOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  v1::ErrorReason reason = v1::ERROR_REASON_UNSPECIFIED;
  if (!info.has_value() || info->domain() != kErrorDomain ||
      !v1::ErrorReason_Parse(info->reason(), &reason)) {
    return v1::ERROR_REASON_UNSPECIFIED;
  }
  return reason;
}

std::string ErrorMetadataOf(const absl::Status& status, absl::string_view key) {
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  if (!info.has_value()) return "";
  auto it = info->metadata().find(std::string(key));
  return it == info->metadata().end() ? "" : it->second;
}

std::vector<google::rpc::BadRequest::FieldViolation> FieldViolationsOf(
    const absl::Status& status) {
  std::optional<google::rpc::BadRequest> request =
      PayloadOf<google::rpc::BadRequest>(status);
  if (!request.has_value()) return {};
  return {request->field_violations().begin(),
          request->field_violations().end()};
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  std::optional<google::rpc::RetryInfo> info =
      PayloadOf<google::rpc::RetryInfo>(status);
  if (!info.has_value()) return std::nullopt;
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

v1::ErrorReason DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return v1::INVALID_FIELD;
    case absl::StatusCode::kNotFound:
      return v1::NOT_FOUND;
    case absl::StatusCode::kAlreadyExists:
      return v1::ALREADY_EXISTS;
    case absl::StatusCode::kUnauthenticated:
      return v1::TOKEN_INVALID;
    case absl::StatusCode::kUnavailable:
      return v1::SERVER_UNAVAILABLE;
    case absl::StatusCode::kDataLoss:
      return v1::DATABASE_DAMAGED;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return v1::INTERNAL_ERROR;
    default:
      return v1::OTHER;
  }
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status wire;
  if (status.ok()) return wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(std::string(status.message()));
  google::rpc::ErrorInfo info =
      ErrorInfoOf(status).value_or(google::rpc::ErrorInfo());
  if (info.reason().empty()) {
    info.set_reason(v1::ErrorReason_Name(DefaultReason(status.code())));
    info.set_domain(kErrorDomain);
  }
  wire.add_details()->PackFrom(info);
  if (auto request = PayloadOf<google::rpc::BadRequest>(status)) {
    wire.add_details()->PackFrom(*request);
  }
  if (auto retry = PayloadOf<google::rpc::RetryInfo>(status)) {
    wire.add_details()->PackFrom(*retry);
  }
  return wire;
}

absl::Status FromRpcStatus(const google::rpc::Status& wire) {
  absl::Status status(static_cast<absl::StatusCode>(wire.code()),
                      wire.message());
  if (status.ok()) return status;
  for (const google::protobuf::Any& detail : wire.details()) {
    absl::string_view url = detail.type_url();
    // Kept under the canonical URL whatever prefix the sender used.
    const size_t slash = url.rfind('/');
    const std::string type(url.substr(slash == url.npos ? 0 : slash + 1));
    status.SetPayload(std::string(kTypePrefix) + type,
                      absl::Cord(std::string(detail.value())));
  }
  return status;
}

}  // namespace hotline
