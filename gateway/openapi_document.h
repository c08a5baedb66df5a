// The OpenAPI 3.1 description of the HTTP/JSON API, written from the same
// descriptors the gateway routes by (route_table.h): one source of truth,
// no hand-written spec. Every annotated method becomes an operation named
// after it (operationId "CreateTicket"; an additional binding
// "CreateTicket_2"), with
//   - its path, each wildcard of a variable a path parameter named after
//     the collection before it: "/v1/{name=tickets/*}:acknowledge" is
//     "/v1/tickets/{ticket}:acknowledge";
//   - its query parameters (the request's fields neither in the path nor in
//     the body, nested messages' fields dotted) or its JSON body (the
//     request less its path fields, or the field the annotation names);
//   - its answer: the response message, or for a server-streaming method
//     Server-Sent Events (text/event-stream, each event described whole in
//     x-itemSchema: OpenAPI 3.2's itemSchema);
//   - every refusal as the "Error" response: google.rpc.Status with its
//     details, ErrorInfo's reason an enum of `reason_enum`'s names.
// Messages are schemas under protobuf's JSON mapping (openapi_schemas.h):
// lowerCamelCase names, 64-bit integers as strings, Timestamp as RFC 3339,
// Duration as "1.5s", enums by name, bytes as base64; the protos' comments
// are the descriptions; google.api.field_behavior REQUIRED fields are
// "required", OUTPUT_ONLY ones readOnly. A route described twice (an
// annotation on a path the gateway serves itself) is INVALID_ARGUMENT. The
// routes the gateway serves beside the annotations (attachments' upload and
// download, the console's session, this document) are described too, and the
// security schemes: a bearer token, or the console's session cookie with its
// CSRF header on changes.
//
// Comments reach the document only when the descriptors carry their source
// (a pool built from `protoc --include_source_info --descriptor_set_out`;
// the compiled-in pool has none). gateway/openapi_main.cc writes the
// document at build time; the server serves that copy (HttpGatewayOptions::
// openapi_document).
//
// Thread-safe (a function of its arguments).
#ifndef HOTLINE_GATEWAY_OPENAPI_DOCUMENT_H_
#define HOTLINE_GATEWAY_OPENAPI_DOCUMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace hotline::gateway {

struct OpenApiOptions {
  std::string title = "hotline API";
  // info.version: the server's version.
  std::string version;
  // The enum whose value names are the refusals' reasons (found in the
  // service's pool).
  std::string reason_enum = "hotline.v1.ErrorReason";
  // The method the console's sign-in answers with (its caller).
  std::string session_method = "GetCaller";
};

// The document, as JSON text. INVALID_ARGUMENT when an annotation cannot be
// read (as RouteTable::ForService) or `reason_enum` is not in the pool.
absl::StatusOr<std::string> OpenApiDocument(
    const google::protobuf::ServiceDescriptor* service,
    const OpenApiOptions& options);

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_OPENAPI_DOCUMENT_H_
