// The OpenAPI description an integrator generates a client from
// (gateway/openapi_document.h): the copy the build wrote and the server
// serves describes every method of the service as this build compiled it,
// its schemas follow protobuf's JSON mapping and carry the protos' comments
// and field behavior, every reference resolves, and what cannot be
// described is refused. The document is read back as JSON by protobuf's
// parser (google.protobuf.Struct), not by the code that wrote it.
// (tests/browser/openapi_client.test.mjs validates it with an independent
// validator and generates clients from it.)
#include "gateway/openapi_document.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/embedded_openapi.h"
#include "gateway/http_gateway.h"
#include "gateway/route_table.h"
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
  std::set<std::pair<std::string, std::string>> ids_and_methods;
  for (const auto& [path, method, id] : Operations(document)) {
    ids.insert(id);
    ids_and_methods.emplace(id, method);
  }
  const auto* service = Service();
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_THAT(ids, Contains(service->method(i)->name()))
        << "no operation for " << service->method(i)->full_name();
  }
  // Each annotated route with its HTTP method, as the gateway routes it.
  absl::StatusOr<gateway::RouteTable> routes =
      gateway::RouteTable::ForService(service);
  ASSERT_TRUE(routes.ok()) << routes.status();
  std::map<std::string, int> seen;
  for (const gateway::RouteTable::Route& route : routes->routes()) {
    const int n = ++seen[route.method->name()];
    const std::string id = n == 1 ? route.method->name()
                                  : absl::StrCat(route.method->name(), "_", n);
    EXPECT_THAT(
        ids_and_methods,
        Contains(std::make_pair(id, absl::AsciiStrToLower(route.http_method))))
        << route.text;
  }
  // The routes of the gateway's own: attachments (client-streaming, or a
  // file for an answer), the console's sign-in, this document.
  for (const auto& own :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"/v1/tickets/{ticket}/attachments", "put", "UploadAttachment"},
           {"/v1/tickets/{ticket}/attachments", "post", "UploadAttachment_2"},
           {"/v1/tickets/{ticket}/attachments/{attachment}:download", "get",
            "DownloadAttachment"},
           {"/console/session", "post", "SignIn"},
           {"/console/session", "get", "GetSession"},
           {"/console/session", "delete", "SignOut"},
           {"/v1/openapi.json", "get", "GetOpenApiDocument"}}) {
    EXPECT_THAT(Operations(document), Contains(own)) << std::get<0>(own);
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
  const Struct& data =
      Object(Object(Object(watch, "x-itemSchema"), "properties"), "data");
  EXPECT_EQ(At(data, "contentMediaType").string_value(), "application/json");
  const Value& kinds = At(Object(data, "contentSchema"), "anyOf");
  ASSERT_EQ(kinds.list_value().values_size(), 3);
  EXPECT_EQ(
      At(kinds.list_value().values(0).struct_value(), "$ref").string_value(),
      "#/components/schemas/hotline.v1.Event");
  EXPECT_EQ(
      At(kinds.list_value().values(2).struct_value(), "$ref").string_value(),
      "#/components/schemas/google.rpc.Status");

  // Credentials: a bearer token, or the console's cookie, with its CSRF
  // header on a change; the sign-in and this document need none.
  const Struct& schemes =
      Object(Object(document, "components"), "securitySchemes");
  EXPECT_EQ(At(Object(schemes, "bearerToken"), "scheme").string_value(),
            "bearer");
  EXPECT_EQ(At(Object(schemes, "consoleSession"), "in").string_value(),
            "cookie");
  EXPECT_EQ(At(Object(schemes, "consoleSession"), "name").string_value(),
            gateway::kSessionCookie);
  EXPECT_EQ(At(Object(schemes, "csrfToken"), "name").string_value(),
            gateway::kCsrfHeader);
  auto schemes_of = [](const Struct& operation) {
    std::vector<std::set<std::string>> out;
    for (const Value& requirement :
         At(operation, "security").list_value().values()) {
      std::set<std::string> names;
      for (const auto& [name, scopes] : requirement.struct_value().fields()) {
        names.insert(name);
      }
      out.push_back(names);
    }
    return out;
  };
  EXPECT_EQ(schemes_of(acknowledge),
            (std::vector<std::set<std::string>>{
                {"bearerToken"}, {"consoleSession", "csrfToken"}}));
  EXPECT_EQ(schemes_of(Object(Object(paths, "/v1/tickets"), "get")),
            (std::vector<std::set<std::string>>{{"bearerToken"},
                                                {"consoleSession"}}));

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
  // Durations are strings of seconds ("1.5s").
  bool found_duration = false;
  for (const auto& [name, schema] :
       Object(Object(document, "components"), "schemas").fields()) {
    const auto& fields = schema.struct_value().fields();
    auto props = fields.find("properties");
    if (props == fields.end()) continue;
    for (const auto& [field, value] : props->second.struct_value().fields()) {
      const auto& f = value.struct_value().fields();
      auto pattern = f.find("pattern");
      if (pattern != f.end() &&
          absl::StrContains(pattern->second.string_value(), "s$")) {
        found_duration = true;
        EXPECT_EQ(f.at("type").string_value(), "string") << name << field;
      }
    }
  }
  EXPECT_TRUE(found_duration) << "no Duration field described";
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

  // An annotated route on a path the gateway serves itself: the gateway
  // would never reach it, and the document says so.
  file.set_name("openapi_test_taken.proto");
  file.set_package("taken");
  service->set_name("Taken");
  method->set_input_type(".taken.Request");
  method->set_output_type(".taken.Request");
  method->mutable_options()
      ->MutableExtension(google::api::http)
      ->set_get("/v1/openapi.json");
  ASSERT_NE(pool.BuildFile(file), nullptr);
  absl::StatusOr<std::string> taken =
      gateway::OpenApiDocument(pool.FindServiceByName("taken.Taken"), defaults);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(taken.status().message(),
              HasSubstr("GET /v1/openapi.json is described twice"));
}

}  // namespace
}  // namespace hotline::testing
