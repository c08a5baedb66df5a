// Protobuf messages to and from HTTP: a request built from the route's path
// variables, the query string and the JSON body (protobuf's JSON mapping);
// a response or a google.rpc.Status written as JSON; the HTTP status of a
// gRPC code (as google.rpc.Code documents it).
//
//   request->Clear();
//   RETURN_IF_ERROR(FillRequest(match, body, query, request.get()));
//   ... call ...
//   std::string json = ToJson(*response);
//
// Stateless; thread-safe.
#ifndef HOTLINE_GATEWAY_JSON_TRANSCODING_H_
#define HOTLINE_GATEWAY_JSON_TRANSCODING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"
#include "google/rpc/status.pb.h"

namespace hotline::gateway {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// Fills `request` (cleared first): the JSON `body` when the route takes one
// ("*": the whole request; a field name: that field), then each query
// parameter into the field it names (proto or lowerCamelCase names, dotted
// for nested fields; repeated fields by repeating the parameter; enums by
// name or number; Timestamp and Duration as in JSON), then the path
// variables. INVALID_ARGUMENT, reason MALFORMED_REQUEST, naming what does
// not fit: JSON that does not parse or does not match the message, an
// unknown parameter, a value of the wrong type, a query parameter on a
// route whose request is the whole body.
absl::Status FillRequest(const RouteMatch& route, absl::string_view body,
                         const QueryParameters& query,
                         google::protobuf::Message* request);

// The message in protobuf's JSON mapping: lowerCamelCase names, fields at
// their default value left out, enums by name, 64-bit integers as strings.
std::string ToJson(const google::protobuf::Message& message);

// The HTTP status for a gRPC (absl) status code: 200, 400, 401, 403, 404,
// 409, 429, 499, 500, 501, 503 or 504.
int HttpStatusOf(absl::StatusCode code);

// google.rpc.Status as JSON, its details with their "@type".
std::string StatusJson(const google::rpc::Status& status);

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_JSON_TRANSCODING_H_
