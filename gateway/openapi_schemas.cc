#include "gateway/openapi_schemas.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hotline::gateway {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// A comment as a description: the "//" text of the lines, each without its
// first space, blank lines at either end dropped.
std::string CleanComment(const std::string& comment) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    absl::ConsumePrefix(&line, " ");
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  return absl::StrJoin(lines.begin() + first, lines.end(), "\n");
}

bool HasFieldBehavior(const FieldDescriptor* field,
                      google::api::FieldBehavior behavior) {
  const auto& options = field->options();
  for (int i = 0; i < options.ExtensionSize(google::api::field_behavior); ++i) {
    if (options.GetExtension(google::api::field_behavior, i) == behavior) {
      return true;
    }
  }
  return false;
}

OrderedJson SchemaRef(absl::string_view full_name) {
  OrderedJson ref = OrderedJson::Object();
  ref.Set("$ref", absl::StrCat("#/components/schemas/", full_name));
  return ref;
}

OrderedJson TypeSchema(absl::string_view type) {
  OrderedJson schema = OrderedJson::Object();
  schema.Set("type", type);
  return schema;
}

OrderedJson OnePropertySchema(absl::string_view name, OrderedJson schema,
                              bool required) {
  OrderedJson object = TypeSchema("object");
  OrderedJson properties = OrderedJson::Object();
  properties.Set(name, std::move(schema));
  object.Set("properties", std::move(properties));
  if (required) {
    OrderedJson names = OrderedJson::Array();
    names.Add(name);
    object.Set("required", std::move(names));
  }
  return object;
}

OpenApiSchemas::OpenApiSchemas(std::string reason_enum)
    : reason_enum_(std::move(reason_enum)) {}

void OpenApiSchemas::Add(absl::string_view name, OrderedJson schema) {
  referred_.insert(std::string(name));
  schemas_.Set(name, std::move(schema));
}

OrderedJson OpenApiSchemas::TakeSchemas() {
  EmitPending();
  return std::move(schemas_);
}

OrderedJson OpenApiSchemas::MessageRef(const Descriptor* message) {
  if (referred_.insert(message->full_name()).second) {
    pending_messages_.push_back(message);
  }
  return SchemaRef(message->full_name());
}

OrderedJson OpenApiSchemas::StreamEventSchema(const Descriptor* message) {
  OrderedJson properties = OrderedJson::Object();
  OrderedJson id = TypeSchema("string");
  id.Set("description", "The event's seq: send it back as Last-Event-ID.");
  properties.Set("id", std::move(id));
  OrderedJson name = TypeSchema("string");
  name.Set("description",
           absl::StrCat("The ", message->name(),
                        "'s type; \"start\" first, \"error\" last when "
                        "the stream ends in a refusal."));
  properties.Set("event", std::move(name));
  // The data: the message, {"seq"} for "start", a Status for "error".
  OrderedJson seq = TypeSchema("string");
  seq.Set("format", "int64");
  OrderedJson kinds = OrderedJson::Array();
  kinds.Add(MessageRef(message));
  kinds.Add(OnePropertySchema("seq", std::move(seq), /*required=*/false));
  kinds.Add(SchemaRef("google.rpc.Status"));
  OrderedJson any_of = OrderedJson::Object();
  any_of.Set("anyOf", std::move(kinds));
  OrderedJson data = TypeSchema("string");
  data.Set("description",
           absl::StrCat("JSON: the ", message->name(),
                        " (for \"start\": {\"seq\": ...}; for \"error\": "
                        "a google.rpc.Status)."));
  data.Set("contentMediaType", "application/json");
  data.Set("contentSchema", std::move(any_of));
  properties.Set("data", std::move(data));
  OrderedJson retry = TypeSchema("integer");
  retry.Set("description", "Milliseconds to wait before reconnecting.");
  properties.Set("retry", std::move(retry));
  OrderedJson event = TypeSchema("object");
  event.Set("properties", std::move(properties));
  return event;
}

OrderedJson OpenApiSchemas::EnumRef(const EnumDescriptor* enumeration) {
  if (referred_.insert(enumeration->full_name()).second) {
    pending_enums_.push_back(enumeration);
  }
  return SchemaRef(enumeration->full_name());
}

OrderedJson OpenApiSchemas::ValueSchema(const FieldDescriptor* field) {
  switch (field->type()) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32: {
      OrderedJson schema = TypeSchema("integer");
      schema.Set("format", "int32");
      return schema;
    }
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32: {
      OrderedJson schema = TypeSchema("integer");
      schema.Set("minimum", 0);
      schema.Set("maximum", int64_t{4294967295});
      return schema;
    }
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64: {
      OrderedJson schema = TypeSchema("string");
      schema.Set("format", "int64");
      schema.Set("pattern", "^-?[0-9]+$");
      return schema;
    }
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64: {
      OrderedJson schema = TypeSchema("string");
      schema.Set("format", "uint64");
      schema.Set("pattern", "^[0-9]+$");
      return schema;
    }
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FLOAT: {
      OrderedJson schema = TypeSchema("number");
      schema.Set("format", field->type() == FieldDescriptor::TYPE_DOUBLE
                               ? "double"
                               : "float");
      return schema;
    }
    case FieldDescriptor::TYPE_BOOL:
      return TypeSchema("boolean");
    case FieldDescriptor::TYPE_STRING:
      return TypeSchema("string");
    case FieldDescriptor::TYPE_BYTES: {
      OrderedJson schema = TypeSchema("string");
      schema.Set("contentEncoding", "base64");
      return schema;
    }
    case FieldDescriptor::TYPE_ENUM:
      return EnumRef(field->enum_type());
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      break;
  }
  const Descriptor* message = field->message_type();
  const std::string& name = message->full_name();
  if (name == "google.protobuf.Timestamp") {
    OrderedJson schema = TypeSchema("string");
    schema.Set("format", "date-time");
    return schema;
  }
  if (name == "google.protobuf.Duration") {
    OrderedJson schema = TypeSchema("string");
    schema.Set("pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$");
    return schema;
  }
  if (name == "google.protobuf.Empty") return TypeSchema("object");
  if (name == "google.protobuf.Struct") {
    OrderedJson schema = TypeSchema("object");
    schema.Set("additionalProperties", true);
    return schema;
  }
  if (name == "google.protobuf.Value") return OrderedJson::Object();
  if (name == "google.protobuf.ListValue") return TypeSchema("array");
  if (name == "google.protobuf.FieldMask") return TypeSchema("string");
  if (absl::StartsWith(name, "google.protobuf.") &&
      absl::EndsWith(name, "Value") && message->field_count() == 1) {
    return ValueSchema(message->field(0));  // the wrappers
  }
  return MessageRef(message);
}

OrderedJson OpenApiSchemas::FieldSchema(const FieldDescriptor* field) {
  OrderedJson schema;
  if (field->is_map()) {
    schema = TypeSchema("object");
    schema.Set("additionalProperties",
               ValueSchema(field->message_type()->map_value()));
  } else if (field->is_repeated()) {
    schema = TypeSchema("array");
    schema.Set("items", ValueSchema(field));
  } else {
    schema = ValueSchema(field);
  }
  if (const std::string comment = CommentOf(field); !comment.empty()) {
    schema.Set("description", comment);
  }
  if (HasFieldBehavior(field, google::api::OUTPUT_ONLY)) {
    schema.Set("readOnly", true);
  }
  if (HasFieldBehavior(field, google::api::INPUT_ONLY)) {
    schema.Set("writeOnly", true);
  }
  return schema;
}

OrderedJson OpenApiSchemas::MessageSchema(
    const Descriptor* message, const std::set<std::string>& leave_out) {
  OrderedJson schema = TypeSchema("object");
  if (const std::string comment = CommentOf(message); !comment.empty()) {
    schema.Set("description", comment);
  }
  OrderedJson properties = OrderedJson::Object();
  OrderedJson required = OrderedJson::Array();
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (leave_out.count(field->name()) > 0) continue;
    properties.Set(field->json_name(), FieldSchema(field));
    if (HasFieldBehavior(field, google::api::REQUIRED)) {
      required.Add(field->json_name());
    }
  }
  schema.Set("properties", std::move(properties));
  if (required.size() > 0) schema.Set("required", std::move(required));
  return schema;
}

void OpenApiSchemas::EmitPending() {
  while (!pending_messages_.empty() || !pending_enums_.empty()) {
    if (!pending_enums_.empty()) {
      const EnumDescriptor* enumeration = pending_enums_.front();
      pending_enums_.pop_front();
      OrderedJson schema = TypeSchema("string");
      std::vector<std::string> described;
      OrderedJson names = OrderedJson::Array();
      for (int i = 0; i < enumeration->value_count(); ++i) {
        const auto* value = enumeration->value(i);
        names.Add(value->name());
        const std::string comment = CommentOf(value);
        described.push_back(
            comment.empty()
                ? absl::StrCat("- `", value->name(), "`")
                : absl::StrCat(
                      "- `", value->name(), "`: ",
                      absl::StrJoin(absl::StrSplit(comment, '\n'), " ")));
      }
      std::string description = CommentOf(enumeration);
      absl::StrAppend(&description, description.empty() ? "" : "\n\n",
                      absl::StrJoin(described, "\n"));
      schema.Set("description", description);
      schema.Set("enum", std::move(names));
      schemas_.Set(enumeration->full_name(), std::move(schema));
      continue;
    }
    const Descriptor* message = pending_messages_.front();
    pending_messages_.pop_front();
    OrderedJson schema = MessageSchema(message, {});
    for (const char* detail : kErrorDetailTypes) {
      if (message->full_name() != detail) continue;
      // A detail inside google.rpc.Status: a google.protobuf.Any, its type
      // named in "@type".
      OrderedJson type = TypeSchema("string");
      type.Set("const", absl::StrCat("type.googleapis.com/", detail));
      OrderedJson& existing = *schema.Find("properties");
      OrderedJson merged = OrderedJson::Object();
      merged.Set("@type", std::move(type));
      for (int i = 0; i < message->field_count(); ++i) {
        const std::string& json = message->field(i)->json_name();
        merged.Set(json, *existing.Find(json));
      }
      if (message->full_name() == "google.rpc.ErrorInfo") {
        OrderedJson reason = SchemaRef(reason_enum_);
        reason.Set("description",
                   "Why the call was refused: a stable name to branch on.");
        merged.Set("reason", std::move(reason));
      }
      existing = std::move(merged);
      OrderedJson required = OrderedJson::Array();
      required.Add("@type");
      schema.Set("required", std::move(required));
    }
    schemas_.Set(message->full_name(), std::move(schema));
  }
}

}  // namespace hotline::gateway
