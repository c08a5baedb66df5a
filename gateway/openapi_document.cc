#include "gateway/openapi_document.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "gateway/attachment_routes.h"
#include "gateway/http_gateway.h"
#include "gateway/openapi_schemas.h"
#include "gateway/ordered_json.h"
#include "gateway/route_table.h"
#include "google/api/field_behavior.pb.h"

namespace hotline::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;
using google::protobuf::SourceLocation;

// The tag of the attachments' routes, as of the other ticket routes.
constexpr char kTicketsTag[] = "tickets";
// The first sentence of a comment, for an operation's summary.
std::string SummaryOf(const std::string& comment) {
  std::string flat = absl::StrJoin(absl::StrSplit(comment, '\n'), " ");
  const size_t stop = flat.find(". ");
  if (stop != std::string::npos) flat.resize(stop + 1);
  if (flat.size() > 200) {
    // Cut between UTF-8 characters, not inside one.
    size_t cut = 197;
    while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    flat = absl::StrCat(flat.substr(0, cut), "...");
  }
  return flat;
}

// "tickets" -> "ticket", "categories" -> "category".
std::string Singular(absl::string_view plural) {
  if (absl::EndsWith(plural, "ies")) {
    return absl::StrCat(plural.substr(0, plural.size() - 3), "y");
  }
  if (absl::EndsWith(plural, "s") && plural.size() > 1) {
    return std::string(plural.substr(0, plural.size() - 1));
  }
  return std::string(plural);
}

class DocumentBuilder {
 public:
  DocumentBuilder(const ServiceDescriptor* service,
                  const OpenApiOptions& options)
      : service_(service), options_(options), schemas_(options.reason_enum) {}

  absl::StatusOr<std::string> Build();

 private:
  // The query parameters of `message`'s fields but those in `leave_out`,
  // appended to `parameters`; nested messages' fields dotted after
  // `prefix` (their JSON names).
  void AddQueryParameters(const Descriptor* message,
                          const std::set<std::string>& leave_out,
                          const std::string& prefix, int depth,
                          OrderedJson& parameters);
  absl::Status AddRoutes(OrderedJson& paths);
  void AddAttachmentRoutes(OrderedJson& paths);
  void AddSessionRoutes(OrderedJson& paths);
  void AddDocumentRoute(OrderedJson& paths);
  OrderedJson ErrorSchemas();
  OrderedJson& Operation(OrderedJson& paths, const std::string& path,
                         const std::string& http_method);

  const ServiceDescriptor* service_;
  const OpenApiOptions& options_;
  OpenApiSchemas schemas_;
  // A method with several bindings: how many operations it has so far.
  std::map<std::string, int> operations_of_;
  // The first path and method described twice.
  absl::Status conflict_;
};

void DocumentBuilder::AddQueryParameters(const Descriptor* message,
                                         const std::set<std::string>& leave_out,
                                         const std::string& prefix, int depth,
                                         OrderedJson& parameters) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (leave_out.count(field->name()) > 0 || field->is_map()) continue;
    const std::string name = absl::StrCat(prefix, field->json_name());
    OrderedJson schema = schemas_.FieldSchema(field);
    const OrderedJson* type = schema.Find("type");
    const bool nested_message =
        field->type() == FieldDescriptor::TYPE_MESSAGE &&
        (type == nullptr || type->text() == "object");
    if (nested_message) {
      // A message's fields are parameters of their own, "a.b".
      if (!field->is_repeated() && depth < 3) {
        AddQueryParameters(field->message_type(), {}, absl::StrCat(name, "."),
                           depth + 1, parameters);
      }
      continue;
    }
    OrderedJson parameter = OrderedJson::Object();
    parameter.Set("name", name);
    parameter.Set("in", "query");
    if (const OrderedJson* description = schema.Find("description")) {
      parameter.Set("description", *description);
      schema.Erase("description");
    }
    if (HasFieldBehavior(field, google::api::REQUIRED)) {
      parameter.Set("required", true);
    }
    if (field->is_repeated()) {
      // Repeated fields repeat the parameter (?a=1&a=2).
      parameter.Set("style", "form");
      parameter.Set("explode", true);
    }
    parameter.Set("schema", std::move(schema));
    parameters.Add(std::move(parameter));
  }
}

OrderedJson& DocumentBuilder::Operation(OrderedJson& paths,
                                        const std::string& path,
                                        const std::string& http_method) {
  OrderedJson* item = paths.Find(path);
  if (item == nullptr) item = &paths.Set(path, OrderedJson::Object());
  const std::string method = absl::AsciiStrToLower(http_method);
  if (item->Find(method) != nullptr && conflict_.ok()) {
    // Two routes the gateway cannot both serve (the gateway's own routes,
    // attachments and this document, come before the annotations').
    conflict_ = absl::InvalidArgumentError(
        absl::StrCat(http_method, " ", path,
                     " is described twice: an "
                     "annotated route takes the path of another route"));
  }
  return item->Set(method, OrderedJson::Object());
}

OrderedJson ErrorResponseRef() {
  OrderedJson ref = OrderedJson::Object();
  ref.Set("$ref", "#/components/responses/Error");
  return ref;
}

// A content map of one media type.
OrderedJson Content(absl::string_view media_type, OrderedJson schema) {
  OrderedJson media = OrderedJson::Object();
  media.Set("schema", std::move(schema));
  OrderedJson content = OrderedJson::Object();
  content.Set(media_type, std::move(media));
  return content;
}

OrderedJson JsonContent(OrderedJson schema) {
  return Content("application/json", std::move(schema));
}

// A file's bytes, as a body or an answer.
OrderedJson BytesContent() {
  OrderedJson bytes = TypeSchema("string");
  bytes.Set("contentMediaType", "application/octet-stream");
  return Content("application/octet-stream", std::move(bytes));
}

OrderedJson Tags(absl::string_view tag) {
  OrderedJson tags = OrderedJson::Array();
  tags.Add(tag);
  return tags;
}

// The console's session, with its CSRF header for a change: one security
// requirement.
OrderedJson SessionRequirement(bool change) {
  OrderedJson session = OrderedJson::Object();
  session.Set("consoleSession", OrderedJson::Array());
  if (change) session.Set("csrfToken", OrderedJson::Array());
  return session;
}

// The console's session alone.
OrderedJson SessionSecurity(bool change) {
  OrderedJson security = OrderedJson::Array();
  security.Add(SessionRequirement(change));
  return security;
}

// A bearer token, or the console's session.
OrderedJson Security(bool change) {
  OrderedJson security = OrderedJson::Array();
  OrderedJson bearer = OrderedJson::Object();
  bearer.Set("bearerToken", OrderedJson::Array());
  security.Add(std::move(bearer));
  security.Add(SessionRequirement(change));
  return security;
}

OrderedJson PathParameter(const std::string& name,
                          const std::string& description) {
  OrderedJson parameter = OrderedJson::Object();
  parameter.Set("name", name);
  parameter.Set("in", "path");
  parameter.Set("required", true);
  parameter.Set("description", description);
  parameter.Set("schema", TypeSchema("string"));
  return parameter;
}

absl::Status DocumentBuilder::AddRoutes(OrderedJson& paths) {
  ASSIGN_OR_RETURN(RouteTable table, RouteTable::ForService(service_));
  for (const RouteTable::Route& route : table.routes()) {
    const MethodDescriptor* method = route.method;
    // The path, each wildcard a parameter named after the literal before it.
    std::vector<std::string> parts;
    OrderedJson parameters = OrderedJson::Array();
    std::set<std::string> names;
    std::set<std::string> bound;
    std::string tag;
    for (size_t i = 0; i < route.segments.size(); ++i) {
      const RouteTable::Segment& segment = route.segments[i];
      if (segment.kind == RouteTable::Segment::Kind::kLiteral) {
        parts.push_back(segment.literal);
        if (tag.empty() && i > 0) tag = segment.literal;
        continue;
      }
      std::string name = i > 0 && route.segments[i - 1].kind ==
                                      RouteTable::Segment::Kind::kLiteral
                             ? Singular(route.segments[i - 1].literal)
                             : "id";
      for (int n = 2; names.count(name) > 0; ++n) {
        name = absl::StrCat(name, n);
      }
      names.insert(name);
      parts.push_back(absl::StrCat("{", name, "}"));
      std::string description;
      for (const RouteTable::Variable& variable : route.variables) {
        if (i < variable.first || i >= variable.last) continue;
        std::vector<std::string> shape;
        for (size_t j = variable.first; j < variable.last; ++j) {
          shape.push_back(j == i ? absl::StrCat("{", name, "}")
                          : route.segments[j].kind ==
                                  RouteTable::Segment::Kind::kLiteral
                              ? route.segments[j].literal
                              : "*");
        }
        description = absl::StrCat("The request's `", variable.field_path,
                                   "` is \"", absl::StrJoin(shape, "/"), "\".");
      }
      if (segment.kind == RouteTable::Segment::Kind::kRest) {
        absl::StrAppend(&description, " The rest of the path, '/' included.");
      }
      parameters.Add(PathParameter(name, description));
    }
    for (const RouteTable::Variable& variable : route.variables) {
      // The request's top-level field the variable fills.
      bound.insert(
          variable.field_path.substr(0, variable.field_path.find('.')));
    }
    std::string path = absl::StrCat("/", absl::StrJoin(parts, "/"));
    if (!route.verb.empty()) absl::StrAppend(&path, ":", route.verb);
    if (tag.empty()) tag = "api";

    const int count = ++operations_of_[method->name()];
    OrderedJson& operation = Operation(paths, path, route.http_method);
    operation.Set(
        "operationId",
        count == 1 ? method->name() : absl::StrCat(method->name(), "_", count));
    const std::string comment = CommentOf(method);
    if (!comment.empty()) {
      operation.Set("summary", SummaryOf(comment));
      operation.Set("description", comment);
    }
    operation.Set("tags", Tags(tag));

    const Descriptor* input = method->input_type();
    if (route.body == "*") {
      OrderedJson body = OrderedJson::Object();
      OrderedJson schema = schemas_.MessageSchema(input, bound);
      schema.Set("title", input->name());
      const bool needed = schema.Find("required") != nullptr;
      body.Set("required", needed);
      body.Set("content", JsonContent(std::move(schema)));
      if (parameters.size() > 0) operation.Set("parameters", parameters);
      operation.Set("requestBody", std::move(body));
    } else {
      std::set<std::string> leave_out = bound;
      if (!route.body.empty()) leave_out.insert(route.body);
      AddQueryParameters(input, leave_out, "", 0, parameters);
      if (parameters.size() > 0) operation.Set("parameters", parameters);
      if (!route.body.empty()) {
        const FieldDescriptor* field = input->FindFieldByName(route.body);
        OrderedJson body = OrderedJson::Object();
        body.Set("required", true);
        body.Set("content", JsonContent(schemas_.FieldSchema(field)));
        operation.Set("requestBody", std::move(body));
      }
    }

    OrderedJson responses = OrderedJson::Object();
    OrderedJson ok = OrderedJson::Object();
    if (method->server_streaming()) {
      ok.Set("description",
             absl::StrCat(
                 "Server-Sent Events, one per ", method->output_type()->name(),
                 ": `id:` its seq, `event:` its type, `data:` its JSON. The "
                 "first event, `event: start`, has as id the seq the stream "
                 "resumes after, and data {\"seq\": \"<that seq>\"}. A "
                 "stream that ends in a refusal sends `event: error` with a "
                 "google.rpc.Status as data. Reconnect with Last-Event-ID "
                 "(EventSource does) to resume after the last event seen."));
      OrderedJson schema = TypeSchema("string");
      schema.Set("description", "text/event-stream");
      OrderedJson media = OrderedJson::Object();
      media.Set("schema", std::move(schema));
      media.Set("x-itemSchema",
                schemas_.StreamEventSchema(method->output_type()));
      OrderedJson content = OrderedJson::Object();
      content.Set("text/event-stream", std::move(media));
      ok.Set("content", std::move(content));
      OrderedJson last_event = OrderedJson::Object();
      last_event.Set("name", "Last-Event-ID");
      last_event.Set("in", "header");
      last_event.Set("description",
                     "Resume after this event's seq (the id of an event "
                     "this stream sent).");
      last_event.Set("schema", TypeSchema("string"));
      OrderedJson* existing = operation.Find("parameters");
      if (existing == nullptr) {
        existing = &operation.Set("parameters", OrderedJson::Array());
      }
      existing->Add(std::move(last_event));
    } else {
      const std::string output_comment = CommentOf(method->output_type());
      ok.Set("description", output_comment.empty()
                                ? method->output_type()->name()
                                : SummaryOf(output_comment));
      ok.Set("content",
             JsonContent(schemas_.MessageRef(method->output_type())));
    }
    responses.Set("200", std::move(ok));
    responses.Set("default", ErrorResponseRef());
    operation.Set("responses", std::move(responses));
    operation.Set("security", Security(route.http_method != "GET"));
  }
  return absl::OkStatus();
}

// attachment_routes.h: the upload is client-streaming (no annotation maps
// it) and the download's answer is the file.
void DocumentBuilder::AddAttachmentRoutes(OrderedJson& paths) {
  const MethodDescriptor* upload =
      service_->FindMethodByName("UploadAttachment");
  const MethodDescriptor* download =
      service_->FindMethodByName("DownloadAttachment");
  if (upload == nullptr || download == nullptr) return;
  const Descriptor* attachment = upload->output_type();
  const FieldDescriptor* step_field = attachment->FindFieldByName("step");
  OrderedJson step = step_field != nullptr ? schemas_.ValueSchema(step_field)
                                           : TypeSchema("string");
  const std::string ticket_description =
      "The ticket's id: the attachment is on \"tickets/{ticket}\".";
  auto created = [&] {
    OrderedJson responses = OrderedJson::Object();
    OrderedJson ok = OrderedJson::Object();
    ok.Set("description", "The attachment, stored.");
    ok.Set("content", JsonContent(schemas_.MessageRef(attachment)));
    responses.Set("201", std::move(ok));
    responses.Set("default", ErrorResponseRef());
    return responses;
  };
  auto query = [](const std::string& name, OrderedJson schema, bool required,
                  const std::string& description) {
    OrderedJson parameter = OrderedJson::Object();
    parameter.Set("name", name);
    parameter.Set("in", "query");
    parameter.Set("description", description);
    if (required) parameter.Set("required", true);
    parameter.Set("schema", std::move(schema));
    return parameter;
  };
  const std::string path = "/v1/tickets/{ticket}/attachments";
  const std::string upload_comment = CommentOf(upload);
  {
    OrderedJson& operation = Operation(paths, path, "PUT");
    operation.Set("operationId", "UploadAttachment");
    operation.Set("summary", "Attaches a file (附件): the body is its bytes.");
    operation.Set("description",
                  absl::StrCat(upload_comment,
                               "\n\nOver HTTP: the body is the file's bytes; "
                               "its Content-Type is not trusted (the service "
                               "reads the type from the bytes)."));
    operation.Set("tags", Tags(kTicketsTag));
    OrderedJson parameters = OrderedJson::Array();
    parameters.Add(PathParameter("ticket", ticket_description));
    parameters.Add(query(kFileNameParameter, TypeSchema("string"), true,
                         "The file's name, as the caller knows it."));
    parameters.Add(
        query(kStepParameter, step, true, "The step the file belongs to."));
    parameters.Add(query(kDescriptionParameter, TypeSchema("string"), false,
                         "What the file shows."));
    parameters.Add(query(kRequestIdParameter, TypeSchema("string"), false,
                         "Makes the upload safe to retry."));
    operation.Set("parameters", std::move(parameters));
    OrderedJson body = OrderedJson::Object();
    body.Set("required", true);
    body.Set("content", BytesContent());
    operation.Set("requestBody", std::move(body));
    operation.Set("responses", created());
    operation.Set("security", Security(true));
  }
  {
    OrderedJson& operation = Operation(paths, path, "POST");
    operation.Set("operationId", "UploadAttachment_2");
    operation.Set("summary", "Attaches a file (附件) from a form.");
    operation.Set(
        "description",
        absl::StrCat(upload_comment, "\n\nAs multipart/form-data: the part \"",
                     kFileField,
                     "\" (its filename is the file's name) and the "
                     "fields of the PUT's query parameters."));
    operation.Set("tags", Tags(kTicketsTag));
    OrderedJson parameters = OrderedJson::Array();
    parameters.Add(PathParameter("ticket", ticket_description));
    operation.Set("parameters", std::move(parameters));
    OrderedJson form = TypeSchema("object");
    OrderedJson properties = OrderedJson::Object();
    OrderedJson file = TypeSchema("string");
    file.Set("contentMediaType", "application/octet-stream");
    properties.Set(kFileField, std::move(file));
    properties.Set(kStepParameter, step);
    properties.Set(kDescriptionParameter, TypeSchema("string"));
    properties.Set(kRequestIdParameter, TypeSchema("string"));
    form.Set("properties", std::move(properties));
    OrderedJson required = OrderedJson::Array();
    required.Add(kFileField);
    required.Add(kStepParameter);
    form.Set("required", std::move(required));
    OrderedJson body = OrderedJson::Object();
    body.Set("required", true);
    body.Set("content", Content("multipart/form-data", std::move(form)));
    operation.Set("requestBody", std::move(body));
    operation.Set("responses", created());
    operation.Set("security", Security(true));
  }
  {
    OrderedJson& operation = Operation(
        paths, "/v1/tickets/{ticket}/attachments/{attachment}:download", "GET");
    operation.Set("operationId", "DownloadAttachment");
    const std::string comment = CommentOf(download);
    operation.Set("summary", "An attachment's bytes.");
    operation.Set(
        "description",
        absl::StrCat(comment, comment.empty() ? "" : "\n\n",
                     "The bytes, checked against their SHA-256 first: "
                     "Content-Type the type read from them, "
                     "Content-Disposition attachment (inline with "
                     "?inline=true) with the file's name, ETag the SHA-256. "
                     "One Range (bytes=a-b, a-, -n) answers 206 with "
                     "Content-Range; one past the end 416."));
    operation.Set("tags", Tags(kTicketsTag));
    OrderedJson parameters = OrderedJson::Array();
    parameters.Add(PathParameter("ticket", ticket_description));
    parameters.Add(
        PathParameter("attachment",
                      "The attachment's number: its name is "
                      "\"tickets/{ticket}/attachments/{attachment}\"."));
    parameters.Add(query(kInlineParameter, TypeSchema("boolean"), false,
                         "Content-Disposition inline, for showing it."));
    OrderedJson range = OrderedJson::Object();
    range.Set("name", "Range");
    range.Set("in", "header");
    range.Set("description", "One byte range: bytes=a-b, a- or -n.");
    range.Set("schema", TypeSchema("string"));
    parameters.Add(std::move(range));
    operation.Set("parameters", std::move(parameters));
    // The bytes in the type the service read from them.
    auto bytes = [](const std::string& description, bool range) {
      OrderedJson answer = OrderedJson::Object();
      answer.Set("description", description);
      OrderedJson headers = OrderedJson::Object();
      auto header = [&](const char* name, const char* what) {
        OrderedJson value = OrderedJson::Object();
        value.Set("description", what);
        value.Set("schema", TypeSchema("string"));
        headers.Set(name, std::move(value));
      };
      header("ETag", "The file's SHA-256, quoted.");
      header("Content-Disposition",
             "attachment (inline with ?inline=true) with the file's name.");
      if (range) header("Content-Range", "The range sent, of the whole.");
      answer.Set("headers", std::move(headers));
      OrderedJson file = TypeSchema("string");
      file.Set("description", "The file, as its Content-Type says.");
      answer.Set("content", Content("*/*", std::move(file)));
      return answer;
    };
    OrderedJson responses = OrderedJson::Object();
    responses.Set("200", bytes("The file.", false));
    responses.Set("206", bytes("The range asked for.", true));
    responses.Set("default", ErrorResponseRef());
    operation.Set("responses", std::move(responses));
    operation.Set("security", Security(false));
  }
}

void DocumentBuilder::AddSessionRoutes(OrderedJson& paths) {
  const MethodDescriptor* caller =
      service_->FindMethodByName(options_.session_method);
  if (caller == nullptr) return;
  OrderedJson answer = TypeSchema("object");
  OrderedJson properties = OrderedJson::Object();
  properties.Set("caller", schemas_.MessageRef(caller->output_type()));
  OrderedJson csrf = TypeSchema("string");
  csrf.Set("description",
           absl::StrCat("Send it as ", kCsrfHeader,
                        " with every change made with the cookie."));
  properties.Set("csrfToken", std::move(csrf));
  answer.Set("properties", std::move(properties));
  OrderedJson required = OrderedJson::Array();
  required.Add("caller");
  required.Add("csrfToken");
  answer.Set("required", std::move(required));
  auto ok = [&](const std::string& description) {
    OrderedJson responses = OrderedJson::Object();
    OrderedJson done = OrderedJson::Object();
    done.Set("description", description);
    done.Set("content", JsonContent(answer));
    responses.Set("200", std::move(done));
    responses.Set("default", ErrorResponseRef());
    return responses;
  };
  const std::string path = "/console/session";
  {
    OrderedJson& operation = Operation(paths, path, "POST");
    operation.Set("operationId", "SignIn");
    operation.Set("summary", "The web console's sign-in with a token.");
    operation.Set(
        "description",
        absl::StrCat("Checks the token and answers with a session cookie (",
                     kSessionCookie, "; over HTTPS ", kSecureSessionCookie,
                     ": HttpOnly, SameSite=Strict) and the session's CSRF "
                     "token. The browser then holds only the session id."));
    operation.Set("tags", Tags("console"));
    OrderedJson token = TypeSchema("string");
    token.Set("description", "The secret `hotlinectl token create` printed.");
    OrderedJson body =
        OnePropertySchema("token", std::move(token), /*required=*/true);
    OrderedJson request = OrderedJson::Object();
    request.Set("required", true);
    request.Set("content", JsonContent(std::move(body)));
    operation.Set("requestBody", std::move(request));
    operation.Set("responses", ok("Signed in."));
    operation.Set("security", OrderedJson::Array());
  }
  {
    OrderedJson& operation = Operation(paths, path, "GET");
    operation.Set("operationId", "GetSession");
    operation.Set("summary", "Who the console's session speaks for.");
    operation.Set("tags", Tags("console"));
    operation.Set("responses", ok("The session's caller and CSRF token."));
    operation.Set("security", SessionSecurity(false));
  }
  {
    OrderedJson& operation = Operation(paths, path, "DELETE");
    operation.Set("operationId", "SignOut");
    operation.Set("summary", "Ends the console's session.");
    operation.Set("tags", Tags("console"));
    OrderedJson responses = OrderedJson::Object();
    OrderedJson done = OrderedJson::Object();
    done.Set("description", "Signed out; the cookie is cleared.");
    responses.Set("204", std::move(done));
    responses.Set("default", ErrorResponseRef());
    operation.Set("responses", std::move(responses));
    operation.Set("security", SessionSecurity(true));
  }
}

void DocumentBuilder::AddDocumentRoute(OrderedJson& paths) {
  OrderedJson& operation = Operation(paths, kOpenApiPath, "GET");
  operation.Set("operationId", "GetOpenApiDocument");
  operation.Set("summary", "This description of the API.");
  operation.Set("tags", Tags("api"));
  OrderedJson responses = OrderedJson::Object();
  OrderedJson ok = OrderedJson::Object();
  ok.Set("description", "The OpenAPI 3.1 document.");
  ok.Set("content", JsonContent(TypeSchema("object")));
  responses.Set("200", std::move(ok));
  operation.Set("responses", std::move(responses));
  operation.Set("security", OrderedJson::Array());
}

OrderedJson DocumentBuilder::ErrorSchemas() {
  OrderedJson status = TypeSchema("object");
  status.Set("description",
             "A refusal (google.rpc.Status): the gRPC code, a message a "
             "person can act on, and details; ErrorInfo's reason is the "
             "stable name to branch on.");
  OrderedJson properties = OrderedJson::Object();
  OrderedJson code = TypeSchema("integer");
  code.Set("format", "int32");
  code.Set("description",
           "The gRPC status code (google.rpc.Code), e.g. 9 "
           "FAILED_PRECONDITION.");
  properties.Set("code", std::move(code));
  OrderedJson message = TypeSchema("string");
  message.Set("description", "What went wrong and what to do, in English.");
  properties.Set("message", std::move(message));
  OrderedJson details = TypeSchema("array");
  OrderedJson one_of = OrderedJson::Array();
  for (const char* detail : kErrorDetailTypes) {
    const Descriptor* descriptor =
        service_->file()->pool()->FindMessageTypeByName(detail);
    if (descriptor != nullptr) one_of.Add(schemas_.MessageRef(descriptor));
  }
  OrderedJson items = OrderedJson::Object();
  items.Set("oneOf", std::move(one_of));
  details.Set("items", std::move(items));
  properties.Set("details", std::move(details));
  status.Set("properties", std::move(properties));
  OrderedJson required = OrderedJson::Array();
  required.Add("code");
  status.Set("required", std::move(required));
  return status;
}

absl::StatusOr<std::string> DocumentBuilder::Build() {
  const EnumDescriptor* reasons =
      service_->file()->pool()->FindEnumTypeByName(options_.reason_enum);
  if (reasons == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no enum ", options_.reason_enum, " in the pool"));
  }
  schemas_.EnumRef(reasons);

  OrderedJson paths = OrderedJson::Object();
  RETURN_IF_ERROR(AddRoutes(paths));
  AddAttachmentRoutes(paths);
  AddSessionRoutes(paths);
  AddDocumentRoute(paths);
  RETURN_IF_ERROR(conflict_);
  schemas_.Add("google.rpc.Status", ErrorSchemas());

  OrderedJson document = OrderedJson::Object();
  document.Set("openapi", "3.1.0");
  OrderedJson info = OrderedJson::Object();
  info.Set("title", options_.title);
  info.Set("version", options_.version);
  std::string description = CommentOf(service_);
  if (description.empty()) {
    // The file's opening comment, above `syntax` (field 12 of
    // FileDescriptorProto).
    SourceLocation location;
    if (service_->file()->GetSourceLocation({12}, &location)) {
      description = CleanComment(location.leading_comments);
      if (description.empty() && !location.leading_detached_comments.empty()) {
        description = CleanComment(location.leading_detached_comments.front());
      }
    }
  }
  absl::StrAppend(
      &description, description.empty() ? "" : "\n\n",
      "The HTTP/JSON face of the gRPC service ", service_->full_name(),
      ", written from its protos' google.api.http annotations: the same "
      "methods, access rules and refusals. Messages follow protobuf's JSON "
      "mapping: lowerCamelCase names (the proto names are accepted too), "
      "64-bit integers as strings, Timestamp as RFC 3339, enums by name; "
      "fields at their default value are left out of answers.");
  info.Set("description", description);
  document.Set("info", std::move(info));
  OrderedJson servers = OrderedJson::Array();
  OrderedJson server = OrderedJson::Object();
  server.Set("url", "/");
  server.Set("description", "The server this document came from.");
  servers.Add(std::move(server));
  document.Set("servers", std::move(servers));
  document.Set("security", Security(true));
  document.Set("paths", std::move(paths));

  OrderedJson components = OrderedJson::Object();
  components.Set("schemas", schemas_.TakeSchemas());
  OrderedJson responses = OrderedJson::Object();
  OrderedJson error = OrderedJson::Object();
  error.Set("description",
            "Refused: the HTTP status of the gRPC code, as google.rpc.Code "
            "maps them (400 INVALID_ARGUMENT, FAILED_PRECONDITION or "
            "OUT_OF_RANGE, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 "
            "NOT_FOUND, 409 ALREADY_EXISTS or ABORTED, 429 "
            "RESOURCE_EXHAUSTED, 503 UNAVAILABLE, ...; 413 for a body too "
            "large, 415 for one that is not JSON), the body a "
            "google.rpc.Status.");
  error.Set("content", JsonContent(SchemaRef("google.rpc.Status")));
  responses.Set("Error", std::move(error));
  components.Set("responses", std::move(responses));

  OrderedJson schemes = OrderedJson::Object();
  OrderedJson bearer = OrderedJson::Object();
  bearer.Set("type", "http");
  bearer.Set("scheme", "bearer");
  bearer.Set("description",
             "A token from `hotlinectl token create` (hl_...): "
             "Authorization: Bearer <token>.");
  schemes.Set("bearerToken", std::move(bearer));
  OrderedJson cookie = OrderedJson::Object();
  cookie.Set("type", "apiKey");
  cookie.Set("in", "cookie");
  cookie.Set("name", kSessionCookie);
  cookie.Set("description",
             absl::StrCat("The web console's session, from POST "
                          "/console/session (over HTTPS the cookie is ",
                          kSecureSessionCookie, ")."));
  schemes.Set("consoleSession", std::move(cookie));
  OrderedJson csrf = OrderedJson::Object();
  csrf.Set("type", "apiKey");
  csrf.Set("in", "header");
  csrf.Set("name", kCsrfHeader);
  csrf.Set("description",
           "The session's CSRF token, on every change made with the "
           "session's cookie.");
  schemes.Set("csrfToken", std::move(csrf));
  components.Set("securitySchemes", std::move(schemes));
  document.Set("components", std::move(components));
  return absl::StrCat(document.Dump(), "\n");
}

}  // namespace

absl::StatusOr<std::string> OpenApiDocument(const ServiceDescriptor* service,
                                            const OpenApiOptions& options) {
  return DocumentBuilder(service, options).Build();
}

}  // namespace hotline::gateway
