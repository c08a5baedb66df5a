#include "server/access_log.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "google/protobuf/descriptor.h"

namespace hotline {
namespace {

// The name of the token or certificate the principal was authenticated
// with, or "" when not known.
std::string CredentialOf(const Principal& principal) {
  return principal.credential;
}

std::string CodeName(const grpc::Status& status) {
  return absl::StatusCodeToString(
      static_cast<absl::StatusCode>(status.error_code()));
}

std::vector<LogField> Common(const CallRecord& call) {
  return {{"peer", call.peer},
          {"principal", call.principal},
          {"credential", call.credential},
          {"method", call.method},
          {"resource", call.resource}};
}

void AddOutcome(std::vector<LogField>& fields, const grpc::Status& status) {
  fields.emplace_back("code", CodeName(status));
  if (!status.ok()) fields.emplace_back("error", status.error_message());
}

}  // namespace

std::string ResourceOf(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  for (const char* field_name : {"name", "parent", "ticket", "department",
                                 "department_id", "dispatch_to"}) {
    const google::protobuf::FieldDescriptor* field =
        descriptor->FindFieldByName(field_name);
    if (field == nullptr || field->is_repeated() ||
        field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
      continue;
    }
    std::string value = reflection->GetString(request, field);
    if (!value.empty()) return value;
  }
  return "-";
}

CallRecord BeginCall(std::string peer, const char* method,
                     const google::protobuf::Message& request) {
  CallRecord call;
  call.peer = std::move(peer);
  call.method = method;
  call.resource = ResourceOf(request);
  call.start = absl::Now();
  return call;
}

void NotePrincipal(CallRecord& call, const Principal& principal) {
  call.principal = principal.ToString();
  std::string credential = CredentialOf(principal);
  if (!credential.empty()) call.credential = std::move(credential);
}

absl::Duration LogCall(const CallRecord& call, const grpc::Status& status) {
  const absl::Duration latency = absl::Now() - call.start;
  std::vector<LogField> fields = Common(call);
  AddOutcome(fields, status);
  fields.emplace_back("latency_us", absl::ToInt64Microseconds(latency));
  LogRecord("call", fields);
  return latency;
}

void LogStreamStart(const CallRecord& call) {
  LogRecord("stream_start", Common(call));
}

void LogStreamEnd(const CallRecord& call, const grpc::Status& status,
                  int64_t events) {
  std::vector<LogField> fields = Common(call);
  AddOutcome(fields, status);
  fields.emplace_back("events", events);
  fields.emplace_back("duration_us",
                      absl::ToInt64Microseconds(absl::Now() - call.start));
  LogRecord("stream_end", fields);
}

}  // namespace hotline
