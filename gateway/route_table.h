// The HTTP routes of a gRPC service, read from the google.api.http
// annotations on its methods (AIP-127): a verb and a path template such as
// "/v1/{name=tickets/*}:acknowledge". The table is built once from the
// service's descriptor; a new annotated RPC needs no code here.
//
//   ASSIGN_OR_RETURN(RouteTable routes, RouteTable::ForService(descriptor));
//   RouteMatch match = routes.Match("POST", "/v1/tickets/12:acknowledge");
//   // match.outcome == kFound, match.method->name() == "AcknowledgeTicket",
//   // match.bindings == {{"name", "tickets/12"}}
//
// Supported templates: literal segments, "*" (one segment), "**" (the rest,
// last only), variables "{field}" (one segment) or "{field=pattern}", and a
// trailing ":verb". Thread-safe after construction (Match is const).
#ifndef HOTLINE_GATEWAY_ROUTE_TABLE_H_
#define HOTLINE_GATEWAY_ROUTE_TABLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace hotline::gateway {

struct RouteMatch {
  enum class Outcome {
    kFound,
    // No template matches the path.
    kNoSuchPath,
    // A template matches the path, but not with this HTTP method.
    kMethodNotAllowed,
  };
  Outcome outcome = Outcome::kNoSuchPath;
  const google::protobuf::MethodDescriptor* method = nullptr;
  // The annotation's body: "" (none), "*" (the whole request) or a field.
  std::string body;
  // Each path variable's field path (dotted proto names) and its
  // percent-decoded value.
  std::vector<std::pair<std::string, std::string>> bindings;
  // For kMethodNotAllowed: the methods the path does allow ("GET", ...).
  std::vector<std::string> allowed;
};

class RouteTable {
 public:
  // Every method of `service` with a google.api.http annotation (its
  // additional_bindings too). INVALID_ARGUMENT naming the method when a
  // template cannot be parsed or a variable names no field.
  static absl::StatusOr<RouteTable> ForService(
      const google::protobuf::ServiceDescriptor* service);

  // The route for an HTTP method ("GET", "POST", ...) and a path without
  // its query string.
  RouteMatch Match(absl::string_view http_method, absl::string_view path) const;

  // Every route, as "GET /v1/{name=tickets/*}  GetTicket", for logs.
  std::vector<std::string> Describe() const;

  // A route as its annotation gives it, for describing the API
  // (openapi_document.h): the template split into segments, each a literal
  // or a wildcard, and the field each variable's segments fill.
  struct Segment {
    enum class Kind { kLiteral, kAny, kRest };
    Kind kind = Kind::kLiteral;
    std::string literal;
  };
  struct Variable {
    // Dotted proto field names, e.g. "name".
    std::string field_path;
    // Segments [first, last) of the template.
    size_t first = 0;
    size_t last = 0;
  };
  struct Route {
    std::string http_method;
    // The template as written, e.g. "/v1/{name=tickets/*}:acknowledge".
    std::string text;
    std::vector<Segment> segments;
    std::vector<Variable> variables;
    // After the last ':', e.g. "acknowledge"; empty when none.
    std::string verb;
    // "" (no body), "*" (the whole request) or a field of the request.
    std::string body;
    const google::protobuf::MethodDescriptor* method = nullptr;
  };
  // In the order of the service's methods, each method's own rule first,
  // then its additional bindings.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  static absl::StatusOr<Route> Parse(
      std::string http_method, absl::string_view text, std::string body,
      const google::protobuf::MethodDescriptor* method);
  // The variables' values when `route` matches `segments` (the path split at
  // '/', verb removed) and `verb`; false when it does not.
  static bool Matches(const Route& route,
                      const std::vector<std::string>& segments,
                      absl::string_view verb,
                      std::vector<std::pair<std::string, std::string>>* out);

  std::vector<Route> routes_;
};

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_ROUTE_TABLE_H_
