#include "gateway/route_table.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"

namespace hotline::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded; a malformed escape stays as it is.
std::string PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// OK when `path` (dotted proto names) names a singular string field,
// through singular message fields, of `message`.
absl::Status CheckFieldPath(const Descriptor* message, absl::string_view path) {
  const Descriptor* current = message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->FindFieldByName(parts[i]);
    if (field == nullptr || field->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no singular field ", path, " in ", message->full_name()));
    }
    if (i + 1 < parts.size()) {
      if (field->type() != FieldDescriptor::TYPE_MESSAGE) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, " is not a path of messages"));
      }
      current = field->message_type();
    } else if (field->type() != FieldDescriptor::TYPE_STRING) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is not a string field"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RouteTable::Route> RouteTable::Parse(
    std::string http_method, absl::string_view text, std::string body,
    const MethodDescriptor* method) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        method->full_name(), ": HTTP template \"", text, "\": ", why));
  };
  Route route;
  route.http_method = std::move(http_method);
  route.text = std::string(text);
  route.body = std::move(body);
  route.method = method;
  if (!absl::StartsWith(text, "/")) return bad("does not start with '/'");
  absl::string_view rest = text.substr(1);
  // The verb follows the last ':' outside braces.
  const size_t close = rest.rfind('}');
  const size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos &&
      (close == absl::string_view::npos || colon > close)) {
    route.verb = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (route.verb.empty()) return bad("empty verb");
  }
  size_t i = 0;
  while (i <= rest.size()) {
    if (i < rest.size() && rest[i] == '{') {
      const size_t end = rest.find('}', i);
      if (end == absl::string_view::npos) return bad("unclosed '{'");
      absl::string_view inside = rest.substr(i + 1, end - i - 1);
      Variable variable;
      absl::string_view pattern = "*";
      const size_t equals = inside.find('=');
      if (equals != absl::string_view::npos) {
        pattern = inside.substr(equals + 1);
        inside = inside.substr(0, equals);
      }
      variable.field_path = std::string(inside);
      if (absl::Status s =
              CheckFieldPath(method->input_type(), variable.field_path);
          !s.ok()) {
        return bad(s.message());
      }
      variable.first = route.segments.size();
      for (absl::string_view part : absl::StrSplit(pattern, '/')) {
        Segment segment;
        if (part == "*") {
          segment.kind = Segment::Kind::kAny;
        } else if (part == "**") {
          segment.kind = Segment::Kind::kRest;
        } else if (part.empty()) {
          return bad("empty segment in a variable");
        } else {
          segment.literal = std::string(part);
        }
        route.segments.push_back(std::move(segment));
      }
      variable.last = route.segments.size();
      route.variables.push_back(std::move(variable));
      i = end + 1;
      if (i < rest.size() && rest[i] != '/') return bad("text after '}'");
      ++i;  // the '/' after it
      continue;
    }
    size_t end = rest.find('/', i);
    if (end == absl::string_view::npos) end = rest.size();
    absl::string_view part = rest.substr(i, end - i);
    if (part.empty()) return bad("empty segment");
    Segment segment;
    if (part == "*") {
      segment.kind = Segment::Kind::kAny;
    } else if (part == "**") {
      segment.kind = Segment::Kind::kRest;
    } else {
      segment.literal = std::string(part);
    }
    route.segments.push_back(std::move(segment));
    i = end + 1;
  }
  for (size_t s = 0; s + 1 < route.segments.size(); ++s) {
    if (route.segments[s].kind == Segment::Kind::kRest) {
      return bad("'**' must be the last segment");
    }
  }
  if (!route.body.empty() && route.body != "*") {
    const FieldDescriptor* field =
        method->input_type()->FindFieldByName(route.body);
    if (field == nullptr || field->is_repeated() ||
        field->type() != FieldDescriptor::TYPE_MESSAGE) {
      return bad(
          absl::StrCat("body names no singular message field: ", route.body));
    }
  }
  if (method->client_streaming()) {
    return bad("client-streaming methods have no HTTP mapping here");
  }
  return route;
}

absl::StatusOr<RouteTable> RouteTable::ForService(
    const google::protobuf::ServiceDescriptor* service) {
  RouteTable table;
  for (int m = 0; m < service->method_count(); ++m) {
    const MethodDescriptor* method = service->method(m);
    if (!method->options().HasExtension(google::api::http)) continue;
    const google::api::HttpRule& top =
        method->options().GetExtension(google::api::http);
    std::vector<const google::api::HttpRule*> rules = {&top};
    for (const google::api::HttpRule& more : top.additional_bindings()) {
      rules.push_back(&more);
    }
    for (const google::api::HttpRule* rule : rules) {
      std::string verb;
      std::string text;
      switch (rule->pattern_case()) {
        case google::api::HttpRule::kGet:
          verb = "GET", text = rule->get();
          break;
        case google::api::HttpRule::kPut:
          verb = "PUT", text = rule->put();
          break;
        case google::api::HttpRule::kPost:
          verb = "POST", text = rule->post();
          break;
        case google::api::HttpRule::kDelete:
          verb = "DELETE", text = rule->delete_();
          break;
        case google::api::HttpRule::kPatch:
          verb = "PATCH", text = rule->patch();
          break;
        case google::api::HttpRule::kCustom:
          verb = rule->custom().kind(), text = rule->custom().path();
          break;
        default:
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": HTTP rule without a path"));
      }
      ASSIGN_OR_RETURN(Route route, Parse(verb, text, rule->body(), method));
      table.routes_.push_back(std::move(route));
    }
  }
  return table;
}

bool RouteTable::Matches(
    const Route& route, const std::vector<std::string>& segments,
    absl::string_view verb,
    std::vector<std::pair<std::string, std::string>>* out) {
  if (route.verb != verb) return false;
  const bool rest = !route.segments.empty() &&
                    route.segments.back().kind == Segment::Kind::kRest;
  if (rest ? segments.size() < route.segments.size() - 1
           : segments.size() != route.segments.size()) {
    return false;
  }
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (segment.kind == Segment::Kind::kRest) break;
    if (segment.kind == Segment::Kind::kLiteral &&
        segment.literal != segments[i]) {
      return false;
    }
    if (segment.kind == Segment::Kind::kAny && segments[i].empty()) {
      return false;
    }
  }
  if (out == nullptr) return true;
  out->clear();
  for (const Variable& variable : route.variables) {
    const size_t last = (variable.last == route.segments.size() && rest)
                            ? segments.size()
                            : variable.last;
    std::vector<std::string> parts(segments.begin() + variable.first,
                                   segments.begin() + last);
    out->emplace_back(variable.field_path, absl::StrJoin(parts, "/"));
  }
  return true;
}

RouteMatch RouteTable::Match(absl::string_view http_method,
                             absl::string_view path) const {
  RouteMatch match;
  if (!absl::StartsWith(path, "/")) return match;
  std::vector<std::string> segments;
  for (absl::string_view part : absl::StrSplit(path.substr(1), '/')) {
    segments.push_back(std::string(part));
  }
  // A ':' in the last segment starts the verb (resource ids have none).
  std::string verb;
  const size_t colon = segments.back().rfind(':');
  if (colon != std::string::npos) {
    verb = segments.back().substr(colon + 1);
    segments.back().resize(colon);
  }
  for (std::string& segment : segments) segment = PercentDecode(segment);
  for (const Route& route : routes_) {
    if (!Matches(route, segments, verb, nullptr)) continue;
    if (route.http_method == http_method) {
      match.outcome = RouteMatch::Outcome::kFound;
      match.method = route.method;
      match.body = route.body;
      Matches(route, segments, verb, &match.bindings);
      match.allowed.clear();
      return match;
    }
    match.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    if (std::find(match.allowed.begin(), match.allowed.end(),
                  route.http_method) == match.allowed.end()) {
      match.allowed.push_back(route.http_method);
    }
  }
  return match;
}

std::vector<std::string> RouteTable::Describe() const {
  std::vector<std::string> lines;
  for (const Route& route : routes_) {
    lines.push_back(absl::StrCat(route.http_method, " ", route.text, "  ",
                                 route.method->name()));
  }
  return lines;
}

}  // namespace hotline::gateway
