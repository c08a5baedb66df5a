#include "server/request_parse_errors.h"

#include <grpcpp/support/server_interceptor.h>

#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/error_details.h"
#include "common/input_text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "server/grpc_status.h"

namespace hotline {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The field protobuf last refused on this thread. gRPC parses a request and
// fails its call on the same thread, so the interceptor finds it here.
thread_local std::string last_bad_field;

google::protobuf::LogHandler* previous_log_handler = nullptr;

void NoteBadField(google::protobuf::LogLevel level, const char* filename,
                  int line, const std::string& message) {
  // "String field 'hotline.v1.Ticket.title' contains invalid UTF-8 data when
  // parsing a protocol buffer. ..."
  constexpr absl::string_view kPrefix = "String field '";
  if (absl::StartsWith(message, kPrefix) &&
      absl::StrContains(message, "invalid UTF-8 data when parsing")) {
    absl::string_view rest = absl::string_view(message).substr(kPrefix.size());
    last_bad_field = std::string(rest.substr(0, rest.find('\'')));
    return;  // the caller hears of it; no need to fill the server's log
  }
  if (previous_log_handler != nullptr) {
    previous_log_handler(level, filename, line, message);
  }
}

// The path of the field named `full_name` inside `message`, e.g.
// "ticket.title" for hotline.v1.Ticket.title in CreateTicketRequest, found
// breadth first; empty when it is not there.
std::string FieldPath(const google::protobuf::Descriptor* message,
                      absl::string_view full_name) {
  std::deque<std::pair<const google::protobuf::Descriptor*, std::string>> todo;
  std::set<const google::protobuf::Descriptor*> seen;
  todo.emplace_back(message, "");
  while (!todo.empty()) {
    auto [type, prefix] = todo.front();
    todo.pop_front();
    if (!seen.insert(type).second) continue;
    for (int i = 0; i < type->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* field = type->field(i);
      const std::string path = prefix + field->name();
      if (field->full_name() == full_name) return path;
      if (field->message_type() != nullptr) {
        todo.emplace_back(field->message_type(), path + ".");
      }
    }
  }
  return "";
}

// The descriptor of `method` ("/hotline.v1.HotlineService/CreateTicket"),
// or null when no linked service has it.
const google::protobuf::MethodDescriptor* MethodOf(absl::string_view method) {
  const std::string name =
      absl::StrReplaceAll(absl::StripPrefix(method, "/"), {{"/", "."}});
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      name);
}

class ParseErrorInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(std::string method)
      : method_(std::move(method)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      bad_field_ = std::exchange(last_bad_field, "");
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      // The handlers never answer UNIMPLEMENTED without a message; gRPC does
      // when the request could not be parsed.
      // An unknown method stays UNIMPLEMENTED.
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty() && MethodOf(method_) != nullptr) {
        if (bad_field_.empty()) bad_field_ = std::exchange(last_bad_field, "");
        absl::Status refusal = absl::InvalidArgumentError(
            RequestParseErrorMessage(method_, bad_field_));
        const std::string path =
            bad_field_.empty()
                ? std::string()
                : FieldPath(MethodOf(method_)->input_type(), bad_field_);
        refusal = path.empty()
                      ? WithReason(std::move(refusal), v1::INVALID_FIELD)
                      : WithFieldViolation(std::move(refusal), path,
                                           "not UTF-8 text");
        methods->ModifySendStatus(GrpcStatusOf(refusal));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  std::string bad_field_;
};

class ParseErrorInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ParseErrorInterceptor(info->method());
  }
};

}  // namespace

std::string RequestParseErrorMessage(absl::string_view method,
                                     absl::string_view bad_field) {
  const google::protobuf::MethodDescriptor* descriptor = MethodOf(method);
  const std::string request_type = descriptor != nullptr
                                       ? descriptor->input_type()->full_name()
                                       : std::string("request message");
  std::string field;
  if (!bad_field.empty()) {
    field = descriptor != nullptr
                ? FieldPath(descriptor->input_type(), bad_field)
                : std::string();
    if (field.empty()) field = QuoteInput(bad_field);
  }
  if (!field.empty()) {
    return absl::StrCat(field,
                        " is not UTF-8 text; send every string field as UTF-8 "
                        "(the request could not be read as a ",
                        request_type, ")");
  }
  return absl::StrCat(
      "the request could not be read as a ", request_type,
      ": a string field is not UTF-8 text, or the bytes are no such message; "
      "send every string field as UTF-8");
}

void AddRequestParseErrors(grpc::ServerBuilder& builder) {
  static std::once_flag once;
  std::call_once(once, [] {
    previous_log_handler = google::protobuf::SetLogHandler(&NoteBadField);
  });
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      factories;
  factories.push_back(std::make_unique<ParseErrorInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(factories));
}

}  // namespace hotline
