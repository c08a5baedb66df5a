#include "gateway/json_transcoding.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/error_details.h"
#include "common/json_string.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"

namespace hotline::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Malformed(absl::string_view field, absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  if (!field.empty()) status = WithFieldViolation(status, field, message);
  return WithReason(status, v1::MALFORMED_REQUEST);
}

const FieldDescriptor* FindField(const Descriptor* message,
                                 absl::string_view name) {
  const FieldDescriptor* field = message->FindFieldByName(std::string(name));
  if (field == nullptr) {
    field = message->FindFieldByCamelcaseName(std::string(name));
  }
  return field;
}

// Sets (or, when repeated, adds) `field` of `message` from `text`.
absl::Status SetFromText(Message* message, const FieldDescriptor* field,
                         absl::string_view text, absl::string_view path) {
  const Reflection* reflection = message->GetReflection();
  const bool repeated = field->is_repeated();
  auto wrong = [&](absl::string_view what) {
    return Malformed(path, absl::StrCat("query parameter ", path, "=\"", text,
                                        "\" is not ", what));
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        return Malformed(path, absl::StrCat("query parameter ", path,
                                            ": bytes go in a JSON body"));
      }
      repeated ? reflection->AddString(message, field, std::string(text))
               : reflection->SetString(message, field, std::string(text));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong("a 32-bit integer");
      repeated ? reflection->AddInt32(message, field, v)
               : reflection->SetInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong("an integer");
      repeated ? reflection->AddInt64(message, field, v)
               : reflection->SetInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong("an unsigned integer");
      repeated ? reflection->AddUInt32(message, field, v)
               : reflection->SetUInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong("an unsigned integer");
      repeated ? reflection->AddUInt64(message, field, v)
               : reflection->SetUInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return wrong("a number");
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? reflection->AddDouble(message, field, v)
                 : reflection->SetDouble(message, field, v);
      } else {
        repeated ? reflection->AddFloat(message, field, static_cast<float>(v))
                 : reflection->SetFloat(message, field, static_cast<float>(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(text, &v)) return wrong("true or false");
      repeated ? reflection->AddBool(message, field, v)
               : reflection->SetBool(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value =
          field->enum_type()->FindValueByName(std::string(text));
      int number;
      if (value == nullptr && absl::SimpleAtoi(text, &number)) {
        value = field->enum_type()->FindValueByNumber(number);
      }
      if (value == nullptr) {
        return wrong(absl::StrCat("a value of ", field->enum_type()->name()));
      }
      repeated ? reflection->AddEnum(message, field, value)
               : reflection->SetEnum(message, field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Timestamp, Duration, wrappers: their JSON form is a scalar; a
      // string literal parses into each of them.
      Message* target = repeated ? reflection->AddMessage(message, field)
                                 : reflection->MutableMessage(message, field);
      const auto parsed =
          google::protobuf::util::JsonStringToMessage(JsonString(text), target);
      if (!parsed.ok()) {
        return wrong(absl::StrCat("a ", field->message_type()->name(), ": ",
                                  std::string(parsed.message())));
      }
      return absl::OkStatus();
    }
  }
  return wrong("supported");
}

// Sets the field at dotted `path` (proto or camelCase names) from `text`.
absl::Status SetPath(Message* request, absl::string_view path,
                     absl::string_view text) {
  Message* current = request;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field =
        FindField(current->GetDescriptor(), parts[i]);
    if (field == nullptr) {
      return Malformed("",
                       absl::StrCat("unknown query parameter \"", path,
                                    "\": ", request->GetDescriptor()->name(),
                                    " has no such field"));
    }
    if (i + 1 == parts.size()) return SetFromText(current, field, text, path);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return Malformed("", absl::StrCat("query parameter \"", path, "\": ",
                                        parts[i], " is not a message field"));
    }
    current = current->GetReflection()->MutableMessage(current, field);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FillRequest(const RouteMatch& route, absl::string_view body,
                         const QueryParameters& query, Message* request) {
  request->Clear();
  if (!route.body.empty()) {
    absl::string_view json = absl::StripAsciiWhitespace(body);
    if (json.empty()) json = "{}";
    Message* target = request;
    if (route.body != "*") {
      const FieldDescriptor* field =
          request->GetDescriptor()->FindFieldByName(route.body);
      target = request->GetReflection()->MutableMessage(request, field);
    }
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        std::string(json), target, options);
    if (!parsed.ok()) {
      return Malformed("", absl::StrCat("the body is not a JSON ",
                                        target->GetDescriptor()->name(), ": ",
                                        std::string(parsed.message())));
    }
  } else if (!absl::StripAsciiWhitespace(body).empty()) {
    return Malformed("",
                     "this method takes no body; its fields go in the "
                     "query string");
  }
  for (const auto& [name, value] : query) {
    if (route.body == "*") {
      return Malformed("", absl::StrCat("query parameter \"", name,
                                        "\": this method takes its fields in "
                                        "the JSON body"));
    }
    RETURN_IF_ERROR(SetPath(request, name, value));
  }
  for (const auto& [path, value] : route.bindings) {
    RETURN_IF_ERROR(SetPath(request, path, value));
  }
  return absl::OkStatus();
}

std::string ToJson(const Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  // Cannot fail for a generated message with known Any types.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::string StatusJson(const google::rpc::Status& status) {
  return ToJson(status);
}

}  // namespace hotline::gateway
