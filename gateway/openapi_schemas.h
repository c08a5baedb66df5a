// The JSON Schemas of protobuf messages under protobuf's JSON mapping, for
// the OpenAPI description (openapi_document.h): lowerCamelCase names, 64-bit
// integers as strings, Timestamp as RFC 3339 ("date-time"), Duration as
// "1.5s", enums by name (each value's comment listed), bytes as base64,
// maps as objects, the wrappers as their value; the protos' comments as
// descriptions, google.api.field_behavior REQUIRED fields "required" and
// OUTPUT_ONLY ones readOnly. A message or an enum is referred to by $ref
// ("#/components/schemas/hotline.v1.Ticket") and written once, with every
// schema it refers to; google.rpc's error details get their "@type", and
// ErrorInfo's reason is the enum of the service's reasons.
//
//   OpenApiSchemas schemas("hotline.v1.ErrorReason");
//   OrderedJson ticket = schemas.MessageRef(Ticket::descriptor());
//   ...
//   components.Set("schemas", schemas.TakeSchemas());
//
// Not thread-safe: one per document being written.
#ifndef HOTLINE_GATEWAY_OPENAPI_SCHEMAS_H_
#define HOTLINE_GATEWAY_OPENAPI_SCHEMAS_H_

#include <deque>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "gateway/ordered_json.h"
#include "google/api/field_behavior.pb.h"
#include "google/protobuf/descriptor.h"

namespace hotline::gateway {

// The google.rpc error details the service sends (common/error_details.h):
// what a google.rpc.Status's details may hold.
inline constexpr const char* kErrorDetailTypes[] = {
    "google.rpc.ErrorInfo", "google.rpc.BadRequest", "google.rpc.RetryInfo"};

// A proto comment as a description: each line without its first space,
// blank lines at either end dropped.
std::string CleanComment(const std::string& comment);

// The leading comment of a descriptor (its trailing one when it has none);
// "" when the descriptors carry no source.
template <typename D>
std::string CommentOf(const D* descriptor) {
  google::protobuf::SourceLocation location;
  if (!descriptor->GetSourceLocation(&location)) return "";
  std::string text = CleanComment(location.leading_comments);
  if (text.empty()) text = CleanComment(location.trailing_comments);
  return text;
}

// Whether `field` carries google.api.field_behavior `behavior`.
bool HasFieldBehavior(const google::protobuf::FieldDescriptor* field,
                      google::api::FieldBehavior behavior);

// {"$ref": "#/components/schemas/<full_name>"}.
OrderedJson SchemaRef(absl::string_view full_name);
// {"type": <type>}.
OrderedJson TypeSchema(absl::string_view type);
// An object schema of one property, `name`, required or not.
OrderedJson OnePropertySchema(absl::string_view name, OrderedJson schema,
                              bool required);

class OpenApiSchemas {
 public:
  // `reason_enum`: the enum ErrorInfo's reason refers to.
  explicit OpenApiSchemas(std::string reason_enum);

  // The schema of one value of `field` (its element, for a repeated one).
  OrderedJson ValueSchema(const google::protobuf::FieldDescriptor* field);
  // The schema of `field`: its value, an array or a map, with the field's
  // description and behavior.
  OrderedJson FieldSchema(const google::protobuf::FieldDescriptor* field);
  // An object schema of `message`'s fields but those named (proto names) in
  // `leave_out`, written in place (not referred to).
  OrderedJson MessageSchema(const google::protobuf::Descriptor* message,
                            const std::set<std::string>& leave_out);
  // $refs, the schema written once by TakeSchemas.
  OrderedJson MessageRef(const google::protobuf::Descriptor* message);
  OrderedJson EnumRef(const google::protobuf::EnumDescriptor* enumeration);
  // One Server-Sent Event of a stream of `message`s (what OpenAPI 3.2
  // calls the itemSchema of text/event-stream): its id, name and data (the
  // message; {"seq"} for "start"; a google.rpc.Status for "error").
  OrderedJson StreamEventSchema(const google::protobuf::Descriptor* message);
  // A schema of the caller's own under `name`.
  void Add(absl::string_view name, OrderedJson schema);
  // Every schema added or referred to, and every one they refer to, in the
  // order first referred to. Call once, last.
  OrderedJson TakeSchemas();

 private:
  void EmitPending();

  std::string reason_enum_;
  OrderedJson schemas_ = OrderedJson::Object();
  std::set<std::string> referred_;
  std::deque<const google::protobuf::Descriptor*> pending_messages_;
  std::deque<const google::protobuf::EnumDescriptor*> pending_enums_;
};

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_OPENAPI_SCHEMAS_H_
