// The OpenAPI description an integrator generates a client from
// (gateway/openapi_document.h): the copy the build wrote and the server
// serves describes every method of the service as this build compiled it,
// its schemas follow protobuf's JSON mapping and carry the protos' comments
// and field behavior, every reference resolves, and what cannot be
// described is refused. The document is read back as JSON by protobuf's
// parser (google.protobuf.Struct), not by the code that wrote it.
#include "gateway/openapi_document.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/embedded_openapi.h"
#include "gateway/ordered_json.h"
#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hotline/v1/errors.pb.h"
#include "hotline/v1/hotline_service.pb.h"

namespace hotline::testing {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

// The compiled-in descriptors (through a message of the file: that links
// them in).
const google::protobuf::ServiceDescriptor* Service() {
  return v1::CreateTicketRequest::descriptor()->file()->FindServiceByName(
      "HotlineService");
}

Struct ParseDocument(absl::string_view text) {
  Struct document;
  const auto status =
      google::protobuf::util::JsonStringToMessage(std::string(text), &document);
  EXPECT_TRUE(status.ok()) << status;
  return document;
}

const Value& At(const Struct& object, const std::string& key) {
  static const Value* const kMissing = new Value();
  auto it = object.fields().find(key);
  if (it == object.fields().end()) {
    ADD_FAILURE() << "no \"" << key << "\"";
    return *kMissing;
  }
  return it->second;
}

const Struct& Object(const Struct& object, const std::string& key) {
  return At(object, key).struct_value();
}

const Struct& Schema(const Struct& document, const std::string& name) {
  return Object(Object(Object(document, "components"), "schemas"), name);
}

std::vector<std::string> Strings(const Value& list) {
  std::vector<std::string> out;
  for (const Value& value : list.list_value().values()) {
    out.push_back(value.string_value());
  }
  return out;
}

// (path, HTTP method, operationId) of every operation.
std::set<std::tuple<std::string, std::string, std::string>> Operations(
    const Struct& document) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& [path, item] : Object(document, "paths").fields()) {
    for (const auto& [method, operation] : item.struct_value().fields()) {
      out.emplace(path, method,
                  At(operation.struct_value(), "operationId").string_value());
    }
  }
  return out;
}

// Every "$ref" under `value`.
void CollectRefs(const Value& value, std::vector<std::string>* refs) {
  if (value.has_struct_value()) {
    for (const auto& [key, child] : value.struct_value().fields()) {
      if (key == "$ref") refs->push_back(child.string_value());
      CollectRefs(child, refs);
    }
  } else if (value.has_list_value()) {
    for (const Value& child : value.list_value().values()) {
      CollectRefs(child, refs);
    }
  }
}

TEST(OpenApiDocumentTest, EveryMethodOfTheServiceHasAnOperation) {
  const Struct document = ParseDocument(gateway::EmbeddedOpenApiDocument());
  EXPECT_EQ(At(document, "openapi").string_value(), "3.1.0");
  std::set<std::string> ids;
  for (const auto& [path, method, id] : Operations(document)) ids.insert(id);
  const auto* service = Service();
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_THAT(ids, Contains(service->method(i)->name()))
        << "no operation for " << service->method(i)->full_name();
  }
}

TEST(OpenApiDocumentTest, TheServedCopyIsTheProtosThisBuildCompiled) {
  // The compiled-in descriptors carry no comments, but the same routes.
  absl::StatusOr<std::string> fresh =
      gateway::OpenApiDocument(Service(), gateway::OpenApiOptions());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(Operations(ParseDocument(*fresh)),
            Operations(ParseDocument(gateway::EmbeddedOpenApiDocument())));
}

TEST(OpenApiDocumentTest, RoutesHaveTheirPathQueryAndBodyParameters) {
  const Struct document = ParseDocument(gateway::EmbeddedOpenApiDocument());
  const Struct& paths = Object(document, "paths");
  // "/v1/{name=tickets/*}:acknowledge": the wildcard is a parameter, and
  // the field it fills is not in the body.
  const Struct& acknowledge =
      Object(Object(paths, "/v1/tickets/{ticket}:acknowledge"), "post");
  EXPECT_EQ(At(acknowledge, "operationId").string_value(), "AcknowledgeTicket");
  const Struct& parameter =
      At(acknowledge, "parameters").list_value().values(0).struct_value();
  EXPECT_EQ(At(parameter, "name").string_value(), "ticket");
  EXPECT_EQ(At(parameter, "in").string_value(), "path");
  EXPECT_TRUE(At(parameter, "required").bool_value());
  EXPECT_THAT(At(parameter, "description").string_value(),
              HasSubstr("\"tickets/{ticket}\""));
  const Struct& body =
      Object(Object(Object(Object(acknowledge, "requestBody"), "content"),
                    "application/json"),
             "schema");
  EXPECT_EQ(Object(body, "properties").fields().count("name"), 0u);
  EXPECT_EQ(Object(body, "properties").fields().count("etag"), 1u);

  // A GET: the request's fields are query parameters, lowerCamelCase.
  std::vector<std::string> query;
  for (const Value& p :
       At(Object(Object(paths, "/v1/tickets"), "get"), "parameters")
           .list_value()
           .values()) {
    EXPECT_EQ(At(p.struct_value(), "in").string_value(), "query");
    query.push_back(At(p.struct_value(), "name").string_value());
  }
  EXPECT_THAT(query, IsSupersetOf({"pageSize", "pageToken", "filter"}));

  // The create's body is the whole request; its ticket is required.
  const Struct& create =
      Object(Object(Object(Object(Object(Object(paths, "/v1/tickets"), "post"),
                                  "requestBody"),
                           "content"),
                    "application/json"),
             "schema");
  EXPECT_THAT(Strings(At(create, "required")), Contains("ticket"));

  // The event feed is Server-Sent Events of hotline.v1.Event.
  const Struct& watch = Object(
      Object(Object(Object(Object(Object(paths, "/v1/events:watch"), "get"),
                           "responses"),
                    "200"),
             "content"),
      "text/event-stream");
  EXPECT_EQ(At(Object(watch, "x-itemSchema"), "$ref").string_value(),
            "#/components/schemas/hotline.v1.Event");

  // Routes beside the annotations: attachments, the console's sign-in.
  EXPECT_EQ(At(Object(Object(paths, "/v1/tickets/{ticket}/attachments"), "put"),
               "operationId")
                .string_value(),
            "UploadAttachment");
  EXPECT_EQ(At(Object(Object(paths, "/console/session"), "post"), "security")
                .list_value()
                .values_size(),
            0);
  EXPECT_EQ(At(Object(Object(paths, "/v1/openapi.json"), "get"), "security")
                .list_value()
                .values_size(),
            0);
}

TEST(OpenApiDocumentTest, SchemasFollowTheJsonMappingWithTheProtosComments) {
  const Struct document = ParseDocument(gateway::EmbeddedOpenApiDocument());
  const Struct& ticket = Schema(document, "hotline.v1.Ticket");
  const Struct& properties = Object(ticket, "properties");
  // Timestamps are RFC 3339 strings; names lowerCamelCase.
  EXPECT_EQ(At(Object(properties, "receivedAt"), "type").string_value(),
            "string");
  EXPECT_EQ(At(Object(properties, "receivedAt"), "format").string_value(),
            "date-time");
  // field_behavior: REQUIRED fields are required, OUTPUT_ONLY read-only.
  EXPECT_THAT(Strings(At(ticket, "required")),
              IsSupersetOf({"type", "topic", "title", "content"}));
  EXPECT_THAT(Strings(At(ticket, "required")), Not(Contains("name")));
  EXPECT_TRUE(At(Object(properties, "name"), "readOnly").bool_value());
  EXPECT_TRUE(At(Object(properties, "state"), "readOnly").bool_value());
  // The comments are the descriptions.
  EXPECT_THAT(At(Object(properties, "title"), "description").string_value(),
              HasSubstr("at most 200 characters"));
  // Enums by name.
  EXPECT_EQ(At(Object(properties, "state"), "$ref").string_value(),
            "#/components/schemas/hotline.v1.Ticket.State");
  EXPECT_THAT(
      Strings(At(Schema(document, "hotline.v1.Ticket.State"), "enum")),
      IsSupersetOf({"RECEIVED", "DISPATCHED", "IN_PROGRESS", "REPLIED"}));
  // 64-bit integers are strings.
  const Struct& seq =
      Object(Object(Schema(document, "hotline.v1.Event"), "properties"), "seq");
  EXPECT_EQ(At(seq, "type").string_value(), "string");
  EXPECT_EQ(At(seq, "format").string_value(), "int64");

  // A refusal's ErrorInfo names its reason from errors.proto, all of them.
  const Struct& info = Schema(document, "google.rpc.ErrorInfo");
  EXPECT_EQ(
      At(Object(Object(info, "properties"), "@type"), "const").string_value(),
      "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(
      At(Object(Object(info, "properties"), "reason"), "$ref").string_value(),
      "#/components/schemas/hotline.v1.ErrorReason");
  std::vector<std::string> reasons;
  const auto* reason_enum = v1::ErrorReason_descriptor();
  for (int i = 0; i < reason_enum->value_count(); ++i) {
    reasons.push_back(reason_enum->value(i)->name());
  }
  EXPECT_EQ(Strings(At(Schema(document, "hotline.v1.ErrorReason"), "enum")),
            reasons);
}

TEST(OpenApiDocumentTest, EveryReferenceResolves) {
  const std::string text(gateway::EmbeddedOpenApiDocument());
  Value root;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text, &root).ok());
  std::vector<std::string> refs;
  CollectRefs(root, &refs);
  EXPECT_GT(refs.size(), 100u);
  const Struct document = ParseDocument(text);
  const Struct& components = Object(document, "components");
  for (const std::string& ref : refs) {
    if (absl::StartsWith(ref, "#/components/schemas/")) {
      EXPECT_EQ(Object(components, "schemas")
                    .fields()
                    .count(ref.substr(sizeof("#/components/schemas/") - 1)),
                1u)
          << ref;
    } else {
      EXPECT_EQ(ref, "#/components/responses/Error");
    }
  }
}

TEST(OpenApiDocumentTest, WhatCannotBeDescribedIsRefused) {
  gateway::OpenApiOptions options;
  options.reason_enum = "hotline.v1.NoSuchEnum";
  absl::StatusOr<std::string> no_reasons =
      gateway::OpenApiDocument(Service(), options);
  EXPECT_EQ(no_reasons.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reasons.status().message(), HasSubstr("NoSuchEnum"));

  // A service whose annotation cannot be read is named with its method.
  google::protobuf::FileDescriptorProto file;
  file.set_name("openapi_test_bad.proto");
  file.set_package("bad");
  file.set_syntax("proto3");
  file.add_dependency("google/api/annotations.proto");
  file.add_message_type()->set_name("Request");
  auto* service = file.add_service();
  service->set_name("Bad");
  auto* method = service->add_method();
  method->set_name("Get");
  method->set_input_type(".bad.Request");
  method->set_output_type(".bad.Request");
  method->mutable_options()
      ->MutableExtension(google::api::http)
      ->set_get("v1/no-leading-slash");
  google::protobuf::DescriptorPool pool(
      google::protobuf::DescriptorPool::generated_pool());
  ASSERT_NE(pool.BuildFile(file), nullptr);
  gateway::OpenApiOptions defaults;
  absl::StatusOr<std::string> bad =
      gateway::OpenApiDocument(pool.FindServiceByName("bad.Bad"), defaults);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.Bad.Get"));
}

TEST(OrderedJsonTest, KeepsKeysInOrderAndEscapesText) {
  gateway::OrderedJson object = gateway::OrderedJson::Object();
  object.Set("b", 1);
  object.Set("a", "say \"hi\"\\\n\t\x01 工单");
  object.Set("b", true);  // replaced where it was
  gateway::OrderedJson& list = object.Set("c", gateway::OrderedJson::Array());
  list.Add(gateway::OrderedJson());
  list.Add(gateway::OrderedJson::Object());
  object.Set("d", gateway::OrderedJson::Array());
  object.Set("gone", 2);
  object.Erase("gone");
  EXPECT_EQ(object.Dump(),
            "{\n"
            "  \"b\": true,\n"
            "  \"a\": \"say \\\"hi\\\"\\\\\\n\\t\\u0001 工单\",\n"
            "  \"c\": [\n"
            "    null,\n"
            "    {}\n"
            "  ],\n"
            "  \"d\": []\n"
            "}");
  Value parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(object.Dump(), &parsed).ok());
  EXPECT_EQ(parsed.struct_value().fields().at("a").string_value(),
            "say \"hi\"\\\n\t\x01 工单");
}

}  // namespace
}  // namespace hotline::testing
