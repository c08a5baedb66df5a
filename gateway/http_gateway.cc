#include "gateway/http_gateway.h"

#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/log.h"
#include "common/loopback_address.h"
#include "common/status_macros.h"
#include "gateway/attachment_routes.h"
#include "gateway/connection_front.h"
#include "gateway/json_transcoding.h"
#include "gateway/server_certificate.h"
#include "gateway/static_files.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"

namespace hotline::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
constexpr absl::Duration kKeepAlive = absl::Seconds(15);
// The HTTP client's address, for the service's access log.
constexpr char kPeerMetadata[] = "x-hotline-http-peer";
// Set by SetError on the gateway's own refusals (the value: the reason),
// taken off and counted by the post-routing handler: never sent.
constexpr char kRefusalMarker[] = "X-Hotline-Gateway-Refusal";
// HTTPS answers tell browsers to use nothing else for this host for a year
// (not its subdomains: they may be other services).
constexpr char kStrictTransportSecurity[] = "max-age=31536000";

// Set while a worker serves a request whose connection must end with the
// answer: a refusal made before the body was read (the unread body would
// be taken for the next request), or one httplib makes when it cannot
// parse the head.
thread_local bool t_close_after_answer = false;

// httplib's request parser and router, fed one request at a time by the
// ConnectionFront (its own listener is not used).
class RequestParser : public httplib::Server {
 public:
  // httplib stops a streamed answer when its listening socket is gone;
  // this one has none, so a placeholder descriptor stands for it.
  RequestParser() : placeholder_(open("/dev/null", O_RDONLY | O_CLOEXEC)) {
    svr_sock_ = placeholder_;
  }
  ~RequestParser() override {
    if (placeholder_ >= 0) close(placeholder_);
  }

  // Reads, routes and answers the request `stream` holds; whether the
  // connection may carry another.
  bool ServeOne(httplib::Stream& stream, bool last) {
    t_close_after_answer = false;
    bool client_closes = false;
    const bool answered = process_request(stream, last, client_closes, nullptr);
    return answered && !last && !client_closes && !t_close_after_answer;
  }

 private:
  const int placeholder_;
};

std::string PeerOf(const httplib::Request& request) {
  return absl::StrCat(request.remote_addr, ":", request.remote_port);
}

std::string MethodPath(const MethodDescriptor* method) {
  return absl::StrCat("/", method->service()->full_name(), "/", method->name());
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
}

grpc::ByteBuffer ToBuffer(const Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBuffer(const grpc::ByteBuffer& buffer, Message* message) {
  grpc::Slice slice;
  if (!buffer.DumpToSingleSlice(&slice).ok()) return false;
  return message->ParseFromArray(slice.begin(), static_cast<int>(slice.size()));
}

google::rpc::Status RpcStatusOf(const grpc::Status& status) {
  google::rpc::Status wire;
  if (!status.error_details().empty() &&
      wire.ParseFromString(status.error_details())) {
    return wire;
  }
  return ToRpcStatus(
      absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message()));
}

// Header values gRPC accepts: visible ASCII and spaces (anything else would
// abort the process inside gRPC).
bool IsHeaderSafe(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// The value of the cookie `name`; empty when absent. Sent more than once
// (one may have been planted beside the real one): "\n", which no session
// id has, so that neither is taken.
std::string CookieValue(const httplib::Request& request,
                        absl::string_view name) {
  std::string found;
  int count = 0;
  for (const auto& [key, value] : request.headers) {
    if (!absl::EqualsIgnoreCase(key, "Cookie")) continue;
    for (absl::string_view part : absl::StrSplit(value, ';')) {
      part = absl::StripAsciiWhitespace(part);
      if (absl::ConsumePrefix(&part, name) && absl::ConsumePrefix(&part, "=")) {
        found = std::string(part);
        ++count;
      }
    }
  }
  return count > 1 ? "\n" : found;
}

void SetStatus(httplib::Response& response, int http_status,
               const google::rpc::Status& status) {
  response.status = http_status;
  response.set_content(StatusJson(status), "application/json");
}

// The gateway's own refusals (an RPC's go through SetGrpcError).
void SetError(httplib::Response& response, const absl::Status& status,
              int http_status = 0) {
  SetStatus(response,
            http_status != 0 ? http_status : HttpStatusOf(status.code()),
            ToRpcStatus(status));
  response.headers.erase(kRefusalMarker);
  response.set_header(kRefusalMarker, v1::ErrorReason_Name(ReasonOf(status)));
}

// 405, with the methods the path takes in Allow and the reason's metadata.
void RefuseMethod(httplib::Response& response, const std::string& allowed,
                  const std::string& message) {
  response.set_header("Allow", allowed);
  SetError(response,
           WithReason(absl::UnimplementedError(message),
                      v1::HTTP_METHOD_NOT_ALLOWED, {{"allowed", allowed}}),
           405);
}

// Refuses what the head alone condemns, and ends the connection after.
httplib::Server::HandlerResponse RefuseHead(httplib::Response& response,
                                            const absl::Status& status,
                                            int http_status) {
  t_close_after_answer = true;
  response.set_header("Connection", "close");
  SetError(response, status, http_status);
  return httplib::Server::HandlerResponse::Handled;
}

void SetGrpcError(httplib::Response& response, const grpc::Status& status) {
  SetStatus(response,
            HttpStatusOf(static_cast<absl::StatusCode>(status.error_code())),
            RpcStatusOf(status));
}

// True when the Content-Type is application/json (RFC 8259), type and
// subtype compared without case, with parameters after ';' of which only a
// UTF-8 charset is taken (JSON is UTF-8).
// The refusal of a body over `limit` bytes, whether httplib or the head's
// Content-Length found it.
absl::Status BodyTooLarge(size_t limit) {
  return WithReason(absl::ResourceExhaustedError(absl::StrCat(
                        "the request body is larger than the server accepts (",
                        limit, " bytes)")),
                    v1::BODY_TOO_LARGE, {{"limit_bytes", absl::StrCat(limit)}});
}

bool IsJson(const httplib::Request& request) {
  if (request.get_header_value_count("Content-Type") != 1) return false;
  const std::string type = request.get_header_value("Content-Type");
  const std::vector<absl::string_view> parts = absl::StrSplit(type, ';');
  if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(parts[0]),
                              "application/json")) {
    return false;
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    const absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
    if (parameter.empty()) continue;
    const size_t equals = parameter.find('=');
    if (equals == absl::string_view::npos) return false;
    const absl::string_view name =
        absl::StripAsciiWhitespace(parameter.substr(0, equals));
    absl::string_view value =
        absl::StripAsciiWhitespace(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (absl::EqualsIgnoreCase(name, "charset") &&
        !absl::EqualsIgnoreCase(value, "utf-8")) {
      return false;
    }
  }
  return true;
}

// host:port → (host, port); brackets around an IPv6 host removed.
absl::StatusOr<std::pair<std::string, int>> SplitAddress(
    absl::string_view address) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_listen=", address, " is not host:port (e.g. 127.0.0.1:8080)"));
  }
  absl::string_view host = address.substr(0, colon);
  absl::ConsumePrefix(&host, "[");
  absl::ConsumeSuffix(&host, "]");
  return std::make_pair(std::string(host), port);
}

// One Server-Sent Events stream: the gRPC server-streaming call behind it.
struct EventStream {
  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call;
  bool finished = false;
  bool read_pending = false;
  // Called once the stream is over (releases its place in the limits).
  std::function<void()> on_close;

  // Waits for the one operation in flight.
  bool Wait() {
    void* tag;
    bool ok = false;
    queue.Next(&tag, &ok);
    return ok;
  }
  grpc::Status Finish() {
    if (read_pending) {
      Wait();
      read_pending = false;
    }
    grpc::Status status;
    call->Finish(&status, this);
    Wait();
    finished = true;
    return status;
  }
  ~EventStream() {
    if (call != nullptr && !finished) {
      context.TryCancel();
      Finish();
    }
    queue.Shutdown();
    void* tag;
    bool ok;
    while (queue.Next(&tag, &ok)) {
    }
    if (on_close) on_close();
  }
};

}  // namespace

class HttpGateway::Impl {
 public:
  Impl(const HttpGatewayOptions& options,
       std::shared_ptr<grpc::Channel> channel, RouteTable routes,
       const google::protobuf::ServiceDescriptor* service)
      : options_(options),
        channel_(std::move(channel)),
        stub_(channel_),
        attachment_stub_(channel_),
        routes_(std::move(routes)),
        service_(service),
        sessions_(options.session_lifetime) {}

  void Install(httplib::Server& server);
  const char* CookieName() const {
    return certificate != nullptr ? kSecureSessionCookie : kSessionCookie;
  }

  std::unique_ptr<ServerCertificate> certificate;
  // Over HTTPS: the TLS context handshakes run in (presents `certificate`).
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> tls_context{nullptr,
                                                                &SSL_CTX_free};
  std::unique_ptr<RequestParser> server;
  // Owns the listening socket and the connections (declared last: stopped
  // first).
  std::unique_ptr<ConnectionFront> front;
  std::atomic<bool> stopping{false};

 private:
  // What authenticates a request: its Authorization header or its session.
  struct Credentials {
    std::string authorization;
    std::optional<ConsoleSession> session;
  };

  void Handle(const httplib::Request& request, httplib::Response& response);
  // Takes off the marker SetError left on a refusal of the gateway's own
  // and reports it to options_.on_refusal.
  void CountRefusal(const httplib::Request& request,
                    httplib::Response& response);
  void HandleApi(const httplib::Request& request, httplib::Response& response);
  // The OpenAPI description, to anyone (no credentials).
  void HandleOpenApi(const httplib::Request& request,
                     httplib::Response& response);
  // An attachment's upload or download (attachment_routes.h).
  void HandleAttachment(AttachmentRoute which, const httplib::Request& request,
                        httplib::Response& response);
  void HandleSession(const httplib::Request& request,
                     httplib::Response& response);
  void HandleStatic(const httplib::Request& request,
                    httplib::Response& response);
  absl::StatusOr<Credentials> CredentialsOf(const httplib::Request& request);
  // OK, or the refusal of a change made with a session cookie without its
  // CSRF header.
  absl::Status CheckCsrf(const httplib::Request& request,
                         const Credentials& credentials);
  grpc::Status CallUnary(const MethodDescriptor* method, const Message& request,
                         const std::string& authorization,
                         const std::string& peer, Message* response);
  void Stream(const httplib::Request& http_request, httplib::Response& response,
              const MethodDescriptor* method, Message& request,
              const Credentials& credentials);
  // Who a stream's limits count under: the principal and credential the
  // service authenticates `authorization` as (however the header spells
  // it); or the service's refusal.
  absl::StatusOr<std::string> CallerKey(const std::string& authorization,
                                        const std::string& peer);
  // "id:", "event:" and "data:" lines of one event.
  std::string EventText(const Message& event) const;
  void AnswerSession(const httplib::Request& request,
                     httplib::Response& response, const ConsoleSession& session,
                     bool set_cookie);

  const HttpGatewayOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  v1::HotlineService::Stub attachment_stub_;
  const RouteTable routes_;
  const google::protobuf::ServiceDescriptor* const service_;
  ConsoleSessions sessions_;
  absl::Mutex streams_mutex_;
  int open_streams_ ABSL_GUARDED_BY(streams_mutex_) = 0;
  std::map<std::string, int> streams_by_caller_ ABSL_GUARDED_BY(streams_mutex_);
};

void HttpGateway::Impl::Install(httplib::Server& http) {
  auto handler = [this](const httplib::Request& request,
                        httplib::Response& response) {
    Handle(request, response);
  };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Patch(".*", handler);
  http.Delete(".*", handler);
  http.Options(".*", handler);
  http.set_payload_max_length(
      std::max(options_.max_body_bytes, options_.max_upload_bytes));
  http.set_keep_alive_max_count(10000);
  // What the Keep-Alive header announces; the ConnectionFront closes idle
  // connections.
  http.set_keep_alive_timeout(std::max<time_t>(
      1, static_cast<time_t>(absl::ToInt64Seconds(options_.idle_timeout))));
  // Refusals httplib makes itself (a request it cannot parse) get a
  // google.rpc.Status body like every other, and end the connection: what
  // follows an unreadable head cannot be told apart from a next request.
  const size_t limit = options_.max_body_bytes;
  const size_t upload_limit =
      std::max(options_.max_body_bytes, options_.max_upload_bytes);
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [limit](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        t_close_after_answer = true;
        response.set_header("Connection", "close");
        if (response.status == 413) {
          SetError(response, BodyTooLarge(limit), 413);
        } else if (response.status == 404) {
          // A method httplib routes nowhere (TRACE, CONNECT, ...).
          SetError(response,
                   WithReason(absl::NotFoundError(
                                  "nothing is served with this HTTP method"),
                              v1::NO_SUCH_ROUTE),
                   404);
        } else {
          SetError(
              response,
              WithReason(absl::InvalidArgumentError(absl::StrCat(
                             "the server could not read this HTTP request (",
                             response.status, ")")),
                         v1::MALFORMED_REQUEST),
              response.status);
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  // Before httplib reads a body, what the head alone condemns is refused at
  // once (nothing of the body is read, and the connection ends): a body
  // must have one Content-Length, a plain number within the limit, and come
  // uncompressed, so that --max_message_bytes bounds what is read (a
  // chunked or unterminated body, or a small compressed one, would not be)
  // and no proxy in front can read another length than this server does.
  http.set_pre_routing_handler([limit, upload_limit](
                                   const httplib::Request& request,
                                   httplib::Response& response) {
    if (request.has_header("Transfer-Encoding")) {
      return RefuseHead(response,
                        WithReason(absl::InvalidArgumentError(
                                       "send the body with a Content-Length, "
                                       "not Transfer-Encoding"),
                                   v1::MALFORMED_REQUEST),
                        411);
    }
    if (request.has_header("Content-Encoding")) {
      return RefuseHead(
          response,
          WithReason(absl::InvalidArgumentError("send the body uncompressed "
                                                "(no Content-Encoding)"),
                     v1::UNSUPPORTED_MEDIA_TYPE),
          415);
    }
    const size_t lengths = request.get_header_value_count("Content-Length");
    if (lengths > 1) {
      return RefuseHead(
          response,
          WithReason(absl::InvalidArgumentError(absl::StrCat(
                         "send one Content-Length header (this request has ",
                         lengths, ")")),
                     v1::MALFORMED_REQUEST),
          400);
    }
    if (lengths == 1) {
      const std::string text = request.get_header_value("Content-Length");
      uint64_t length = 0;
      if (text.empty() || text.size() > 18 ||
          !std::all_of(text.begin(), text.end(),
                       [](char c) { return absl::ascii_isdigit(c); }) ||
          !absl::SimpleAtoi(text, &length)) {
        return RefuseHead(response,
                          WithReason(absl::InvalidArgumentError(
                                         "the Content-Length header must be "
                                         "the body's size in bytes, digits "
                                         "only"),
                                     v1::MALFORMED_REQUEST),
                          400);
      }
      const size_t allowed = AttachmentRouteOf(request.method, request.path) ==
                                     AttachmentRoute::kUpload
                                 ? upload_limit
                                 : limit;
      if (length > allowed) {
        return RefuseHead(response, BodyTooLarge(allowed), 413);
      }
    }
    const bool may_have_body = request.method == "POST" ||
                               request.method == "PUT" ||
                               request.method == "PATCH";
    if (may_have_body && lengths == 0) {
      return RefuseHead(response,
                        WithReason(absl::InvalidArgumentError(
                                       "send a Content-Length header (0 for "
                                       "no body; curl: -d '{}')"),
                                   v1::MALFORMED_REQUEST),
                        411);
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const bool https = certificate != nullptr;
  http.set_post_routing_handler([this, https](const httplib::Request& request,
                                              httplib::Response& response) {
    CountRefusal(request, response);
    response.set_header("Content-Security-Policy", kContentSecurityPolicy);
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("X-Frame-Options", "DENY");
    if (https) {
      response.set_header("Strict-Transport-Security",
                          kStrictTransportSecurity);
    }
  });
}

void HttpGateway::Impl::CountRefusal(const httplib::Request& request,
                                     httplib::Response& response) {
  auto marker = response.headers.find(kRefusalMarker);
  if (marker == response.headers.end()) return;
  const std::string reason = marker->second;
  response.headers.erase(kRefusalMarker);
  if (!options_.on_refusal) return;
  // A few classes, never the path itself: the counter's series stay few.
  const std::string& path = request.path;
  const char* route = "other";
  if (path == "/v1" || absl::StartsWith(path, "/v1/")) {
    route = "api";
  } else if (path == "/console/session") {
    route = "session";
  } else if (path == "/console" || absl::StartsWith(path, "/console/")) {
    route = "console";
  }
  options_.on_refusal(response.status, reason, route);
}

void HttpGateway::Impl::Handle(const httplib::Request& request,
                               httplib::Response& response) {
  const std::string& path = request.path;
  if (path == "/v1" || absl::StartsWith(path, "/v1/")) {
    HandleApi(request, response);
  } else if (path == "/console/session") {
    HandleSession(request, response);
  } else if (path == "/" || path == "/console") {
    response.set_redirect("/console/");
  } else if (absl::StartsWith(path, "/console/")) {
    HandleStatic(request, response);
  } else {
    SetError(response, WithReason(absl::NotFoundError(absl::StrCat(
                                      "nothing is served at ", path,
                                      ": the API is under /v1/, the console "
                                      "under /console/")),
                                  v1::NO_SUCH_ROUTE, {{"path", path}}));
  }
}

absl::StatusOr<HttpGateway::Impl::Credentials> HttpGateway::Impl::CredentialsOf(
    const httplib::Request& request) {
  Credentials credentials;
  if (request.has_header("Authorization")) {
    credentials.authorization = request.get_header_value("Authorization");
    if (!IsHeaderSafe(credentials.authorization)) {
      return WithReason(absl::UnauthenticatedError(
                            "the Authorization header has a character a "
                            "bearer token cannot have"),
                        v1::TOKEN_INVALID);
    }
    return credentials;
  }
  const std::string id = CookieValue(request, CookieName());
  if (id.empty()) return credentials;  // the service says what is missing
  credentials.session = sessions_.Find(id, absl::Now());
  if (!credentials.session.has_value()) {
    return WithReason(absl::UnauthenticatedError(
                          "the console session has ended or expired: sign "
                          "in again"),
                      v1::SESSION_EXPIRED);
  }
  credentials.authorization =
      absl::StrCat("Bearer ", credentials.session->token);
  return credentials;
}

absl::Status HttpGateway::Impl::CheckCsrf(const httplib::Request& request,
                                          const Credentials& credentials) {
  if (!credentials.session.has_value()) return absl::OkStatus();
  if (request.method == "GET" || request.method == "HEAD") {
    return absl::OkStatus();
  }
  if (SecretsEqual(request.get_header_value(kCsrfHeader),
                   credentials.session->csrf_token)) {
    return absl::OkStatus();
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        "a change made with the console's session needs the "
                        "session's ",
                        kCsrfHeader, " header")),
                    v1::CSRF_TOKEN_MISSING);
}

grpc::Status HttpGateway::Impl::CallUnary(const MethodDescriptor* method,
                                          const Message& request,
                                          const std::string& authorization,
                                          const std::string& peer,
                                          Message* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  context.AddMetadata(kPeerMetadata, peer);
  if (!authorization.empty()) {
    context.AddMetadata("authorization", authorization);
  }
  grpc::ByteBuffer request_buffer = ToBuffer(request);
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  absl::Notification done;
  stub_.UnaryCall(&context, MethodPath(method), grpc::StubOptions(),
                  &request_buffer, &response_buffer, [&](grpc::Status s) {
                    status = std::move(s);
                    done.Notify();
                  });
  done.WaitForNotification();
  if (status.ok() && !FromBuffer(response_buffer, response)) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the gateway could not read the service's answer");
  }
  return status;
}

absl::StatusOr<std::string> HttpGateway::Impl::CallerKey(
    const std::string& authorization, const std::string& peer) {
  const MethodDescriptor* method =
      service_->FindMethodByName(options_.session_method);
  std::unique_ptr<Message> request = NewMessage(method->input_type());
  std::unique_ptr<Message> caller = NewMessage(method->output_type());
  grpc::Status status =
      CallUnary(method, *request, authorization, peer, caller.get());
  if (!status.ok()) {
    return FromRpcStatus(RpcStatusOf(status));
  }
  // Named fields: the rest of the answer (the clock) changes call to call.
  std::string key;
  for (const char* name : {"principal", "credential"}) {
    const FieldDescriptor* field =
        caller->GetDescriptor()->FindFieldByName(name);
    if (field != nullptr &&
        field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        !field->is_repeated()) {
      absl::StrAppend(&key, caller->GetReflection()->GetString(*caller, field),
                      "\n");
    }
  }
  // A service whose caller names neither: the header, as sent.
  return key.empty() ? authorization : key;
}

void HttpGateway::Impl::HandleApi(const httplib::Request& request,
                                  httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
  // The path as sent (httplib's `path` is decoded already; the routes
  // decode each segment once, so an encoded '/' or ':' stays data).
  std::string raw_path = request.target.substr(0, request.target.find('?'));
  if (raw_path.empty()) raw_path = request.path;
  if (raw_path == kOpenApiPath) return HandleOpenApi(request, response);
  if (const AttachmentRoute attachment =
          AttachmentRouteOf(request.method, raw_path);
      attachment != AttachmentRoute::kNone) {
    return HandleAttachment(attachment, request, response);
  }
  // HEAD is GET without the body (httplib drops it).
  RouteMatch route = routes_.Match(
      request.method == "HEAD" ? "GET" : request.method, raw_path);
  if (route.outcome == RouteMatch::Outcome::kNoSuchPath) {
    SetError(response,
             WithReason(absl::NotFoundError(absl::StrCat(
                            "no API method has the path ", request.path,
                            " (see the google.api.http annotations in "
                            "hotline/v1/hotline_service.proto)")),
                        v1::NO_SUCH_ROUTE, {{"path", request.path}}));
    return;
  }
  if (route.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    const std::string allowed = absl::StrJoin(route.allowed, ", ");
    return RefuseMethod(response, allowed,
                        absl::StrCat(request.path, " takes ", allowed, ", not ",
                                     request.method));
  }
  absl::StatusOr<Credentials> credentials = CredentialsOf(request);
  if (!credentials.ok()) return SetError(response, credentials.status());
  if (absl::Status s = CheckCsrf(request, *credentials); !s.ok()) {
    return SetError(response, s);
  }
  if (!request.body.empty() && !IsJson(request)) {
    return SetError(
        response,
        WithReason(absl::InvalidArgumentError("the body must be JSON: send "
                                              "Content-Type: application/json"),
                   v1::UNSUPPORTED_MEDIA_TYPE),
        415);
  }
  std::unique_ptr<Message> message = NewMessage(route.method->input_type());
  QueryParameters query(request.params.begin(), request.params.end());
  if (absl::Status s = FillRequest(route, request.body, query, message.get());
      !s.ok()) {
    return SetError(response, s);
  }
  if (route.method->server_streaming()) {
    Stream(request, response, route.method, *message, *credentials);
    return;
  }
  std::unique_ptr<Message> answer = NewMessage(route.method->output_type());
  grpc::Status status =
      CallUnary(route.method, *message, credentials->authorization,
                PeerOf(request), answer.get());
  if (!status.ok()) return SetGrpcError(response, status);
  response.set_content(ToJson(*answer), "application/json");
}

void HttpGateway::Impl::HandleOpenApi(const httplib::Request& request,
                                      httplib::Response& response) {
  if (request.method != "GET" && request.method != "HEAD") {
    return RefuseMethod(
        response, "GET, HEAD",
        absl::StrCat(kOpenApiPath, " takes GET or HEAD, not ", request.method));
  }
  if (options_.openapi_document.empty()) {
    return SetError(response,
                    WithReason(absl::NotFoundError(
                                   "this server has no OpenAPI description: "
                                   "see share/hotline/openapi.json beside it"),
                               v1::NO_SUCH_ROUTE, {{"path", kOpenApiPath}}));
  }
  response.set_content(options_.openapi_document, "application/json");
}

void HttpGateway::Impl::HandleAttachment(AttachmentRoute which,
                                         const httplib::Request& request,
                                         httplib::Response& response) {
  absl::StatusOr<Credentials> credentials = CredentialsOf(request);
  if (!credentials.ok()) return SetError(response, credentials.status());
  if (absl::Status s = CheckCsrf(request, *credentials); !s.ok()) {
    return SetError(response, s);
  }
  const AttachmentCall call{&attachment_stub_, credentials->authorization,
                            PeerOf(request), kPeerMetadata,
                            options_.call_timeout};
  const absl::Status status = which == AttachmentRoute::kUpload
                                  ? ServeUpload(call, request, response)
                                  : ServeDownload(call, request, response);
  if (status.ok()) return;
  if (ReasonOf(status) == v1::MALFORMED_REQUEST) {
    return SetError(response, status);
  }
  int http_status = HttpStatusOf(status.code());
  if (ReasonOf(status) == v1::ATTACHMENT_TOO_LARGE) http_status = 413;
  if (which == AttachmentRoute::kDownload &&
      status.code() == absl::StatusCode::kOutOfRange) {
    http_status = 416;
  }
  SetStatus(response, http_status, ToRpcStatus(status));
}

std::string HttpGateway::Impl::EventText(const Message& event) const {
  const google::protobuf::Descriptor* type = event.GetDescriptor();
  const google::protobuf::Reflection* reflection = event.GetReflection();
  std::string text;
  const FieldDescriptor* id = type->FindFieldByName(options_.event_id_field);
  if (id != nullptr && id->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
    absl::StrAppend(&text, "id: ", reflection->GetInt64(event, id), "\n");
  }
  const FieldDescriptor* name =
      type->FindFieldByName(options_.event_name_field);
  if (name != nullptr && name->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
    absl::StrAppend(&text, "event: ", reflection->GetEnum(event, name)->name(),
                    "\n");
  }
  absl::StrAppend(&text, "data: ", ToJson(event), "\n\n");
  return text;
}

void HttpGateway::Impl::Stream(const httplib::Request& http_request,
                               httplib::Response& response,
                               const MethodDescriptor* method, Message& request,
                               const Credentials& credentials) {
  const std::string& authorization = credentials.authorization;
  // Resume after the last event the browser saw (EventSource sends it).
  if (http_request.has_header("Last-Event-ID")) {
    int64_t after = 0;
    const FieldDescriptor* resume =
        request.GetDescriptor()->FindFieldByName(options_.resume_field);
    if (resume == nullptr ||
        resume->cpp_type() != FieldDescriptor::CPPTYPE_INT64 ||
        !absl::SimpleAtoi(http_request.get_header_value("Last-Event-ID"),
                          &after)) {
      return SetError(response,
                      WithReason(absl::InvalidArgumentError(
                                     "Last-Event-ID must be the id (seq) of "
                                     "an event this stream sent"),
                                 v1::MALFORMED_REQUEST));
    }
    request.GetReflection()->SetInt64(&request, resume, after);
    if (const FieldDescriptor* clears =
            request.GetDescriptor()->FindFieldByName(
                options_.resume_clears_field)) {
      request.GetReflection()->ClearField(&request, clears);
    }
  }
  // At most half the workers stream, and one caller (principal and
  // credential, as the service authenticates them) holds at most an eighth
  // of them: one token cannot take every stream, however it spells the
  // header.
  absl::StatusOr<std::string> caller =
      CallerKey(authorization, PeerOf(http_request));
  if (!caller.ok()) return SetError(response, caller.status());
  const int per_caller = std::max(2, options_.threads / 8);
  {
    absl::MutexLock lock(&streams_mutex_);
    int& mine = streams_by_caller_[*caller];
    if (open_streams_ >= options_.threads / 2 || mine >= per_caller) {
      const bool caller_full = mine >= per_caller;
      if (mine == 0) streams_by_caller_.erase(*caller);
      response.set_header("Retry-After", "5");
      return SetError(
          response,
          WithRetryDelay(
              WithReason(
                  absl::UnavailableError(absl::StrCat(
                      caller_full ? "these credentials have the most event "
                                    "streams open at once ("
                                  : "too many event streams are open (",
                      caller_full ? per_caller : options_.threads / 2,
                      "); close one or retry shortly")),
                  v1::SERVER_UNAVAILABLE),
              absl::Seconds(5)));
    }
    ++open_streams_;
    ++mine;
  }
  auto stream = std::make_shared<EventStream>();
  stream->on_close = [this, key = *caller] {
    absl::MutexLock lock(&streams_mutex_);
    --open_streams_;
    if (--streams_by_caller_[key] <= 0) streams_by_caller_.erase(key);
  };
  if (!authorization.empty()) {
    stream->context.AddMetadata("authorization", authorization);
  }
  stream->context.AddMetadata(kPeerMetadata, PeerOf(http_request));
  stream->call =
      stub_.PrepareCall(&stream->context, MethodPath(method), &stream->queue);
  stream->call->StartCall(stream.get());
  bool ok = stream->Wait();
  grpc::ByteBuffer buffer = ToBuffer(request);
  if (ok) {
    stream->call->Write(buffer, stream.get());
    ok = stream->Wait();
  }
  if (ok) {
    stream->call->WritesDone(stream.get());
    ok = stream->Wait();
  }
  // A stream the service accepts sends its initial metadata at once; one it
  // refuses answers with its status alone.
  if (ok) {
    stream->call->ReadInitialMetadata(stream.get());
    ok = stream->Wait();
  }
  if (!ok || stream->context.GetServerInitialMetadata().empty()) {
    grpc::Status status = stream->Finish();
    if (!status.ok()) return SetGrpcError(response, status);
  }
  // Where the stream starts, as an id a reconnecting EventSource sends back
  // in Last-Event-ID: even a quiet stream then resumes without a gap.
  std::string start;
  const auto& initial = stream->context.GetServerInitialMetadata();
  auto position = initial.find(options_.start_metadata);
  int64_t start_seq = 0;
  if (position != initial.end() &&
      absl::SimpleAtoi(
          absl::string_view(position->second.data(), position->second.size()),
          &start_seq)) {
    // The data names the position as the events name theirs.
    const FieldDescriptor* id_field =
        method->output_type()->FindFieldByName(options_.event_id_field);
    start = absl::StrCat(
        "id: ", start_seq, "\nevent: start\ndata: {\"",
        id_field != nullptr ? id_field->json_name() : options_.event_id_field,
        "\":\"", start_seq, "\"}\n\n");
  }
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Accel-Buffering", "no");
  const MethodDescriptor* const streamed = method;
  // A stream opened with a console session ends with the session (sign-out,
  // expiry), checked every second.
  std::optional<std::string> session_id;
  if (credentials.session.has_value()) session_id = credentials.session->id;
  response.set_chunked_content_provider(
      "text/event-stream", [this, stream, streamed, start, session_id](
                               size_t, httplib::DataSink& sink) {
        // Tell the browser to come back quickly after a break.
        const std::string opening = absl::StrCat("retry: 2000\n\n", start);
        bool writable = sink.write(opening.data(), opening.size());
        absl::Time last_write = absl::Now();
        bool cancelled = false;
        auto cancel = [&] {
          if (!cancelled) stream->context.TryCancel();
          cancelled = true;
        };
        if (!writable) cancel();
        bool session_ended = false;
        auto check_session = [&] {
          if (session_id.has_value() && !session_ended &&
              !sessions_.Find(*session_id, absl::Now()).has_value()) {
            session_ended = true;
            cancel();
          }
        };
        while (!stream->finished) {
          check_session();
          grpc::ByteBuffer buffer;
          stream->call->Read(&buffer, stream.get());
          stream->read_pending = true;
          bool ok = false;
          for (;;) {
            void* tag;
            const auto next = stream->queue.AsyncNext(
                &tag, &ok, absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
            if (next != grpc::CompletionQueue::TIMEOUT) break;
            if (stopping.load()) cancel();
            check_session();
            if (absl::Now() - last_write >= kKeepAlive) {
              if (!sink.write(": keep-alive\n\n", 14)) cancel();
              last_write = absl::Now();
            }
          }
          stream->read_pending = false;
          if (ok) {
            std::unique_ptr<Message> event =
                NewMessage(streamed->output_type());
            if (FromBuffer(buffer, event.get())) {
              const std::string text = EventText(*event);
              if (!cancelled && !sink.write(text.data(), text.size())) {
                cancel();
              }
              last_write = absl::Now();
            }
            continue;
          }
          grpc::Status status = stream->Finish();
          if (session_ended) {
            const std::string text = absl::StrCat(
                "event: error\ndata: ",
                StatusJson(ToRpcStatus(WithReason(
                    absl::UnauthenticatedError(
                        "the console session has ended: sign in again"),
                    v1::SESSION_EXPIRED))),
                "\n\n");
            sink.write(text.data(), text.size());
          } else if (!cancelled && !status.ok()) {
            const std::string text = absl::StrCat(
                "event: error\ndata: ", StatusJson(RpcStatusOf(status)),
                "\n\n");
            sink.write(text.data(), text.size());
          }
        }
        sink.done();
        return true;
      });
}

void HttpGateway::Impl::AnswerSession(const httplib::Request& http_request,
                                      httplib::Response& response,
                                      const ConsoleSession& session,
                                      bool set_cookie) {
  const MethodDescriptor* method =
      service_->FindMethodByName(options_.session_method);
  std::unique_ptr<Message> request = NewMessage(method->input_type());
  std::unique_ptr<Message> caller = NewMessage(method->output_type());
  grpc::Status status =
      CallUnary(method, *request, absl::StrCat("Bearer ", session.token),
                PeerOf(http_request), caller.get());
  if (!status.ok()) {
    sessions_.End(session.id);
    return SetGrpcError(response, status);
  }
  if (set_cookie) {
    response.set_header(
        "Set-Cookie",
        absl::StrCat(CookieName(), "=", session.id,
                     "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                     absl::ToInt64Seconds(sessions_.lifetime()),
                     certificate != nullptr ? "; Secure" : ""));
  }
  response.set_content(
      absl::StrCat("{\"caller\":", ToJson(*caller), ",\"csrfToken\":\"",
                   session.csrf_token, "\"}"),
      "application/json");
}

void HttpGateway::Impl::HandleSession(const httplib::Request& request,
                                      httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
  if (request.method == "POST") {
    // Sign in. JSON only: a cross-site form cannot send it.
    if (!IsJson(request)) {
      return SetError(response,
                      WithReason(absl::InvalidArgumentError(
                                     "sign in with a JSON body "
                                     "{\"token\": \"hl_...\"} and "
                                     "Content-Type: application/json"),
                                 v1::UNSUPPORTED_MEDIA_TYPE),
                      415);
    }
    google::protobuf::Struct fields;
    if (!google::protobuf::util::JsonStringToMessage(request.body, &fields)
             .ok() ||
        fields.fields().find("token") == fields.fields().end() ||
        fields.fields().at("token").kind_case() !=
            google::protobuf::Value::kStringValue) {
      return SetError(response,
                      WithReason(absl::InvalidArgumentError(
                                     "the body must be {\"token\": "
                                     "\"hl_...\"}: the secret hotlinectl "
                                     "token create printed"),
                                 v1::MALFORMED_REQUEST));
    }
    const std::string token(
        absl::StripAsciiWhitespace(fields.fields().at("token").string_value()));
    if (token.empty() || !IsHeaderSafe(token)) {
      return SetError(response,
                      WithReason(absl::UnauthenticatedError(
                                     "that is not a token: paste the secret "
                                     "alone, hl_ and 43 letters, digits, - "
                                     "or _"),
                                 v1::TOKEN_INVALID));
    }
    ConsoleSession session = sessions_.Create(token, absl::Now());
    return AnswerSession(request, response, session, /*set_cookie=*/true);
  }
  absl::StatusOr<Credentials> credentials = CredentialsOf(request);
  if (!credentials.ok()) return SetError(response, credentials.status());
  if (!credentials->session.has_value()) {
    return SetError(
        response,
        WithReason(absl::UnauthenticatedError("not signed in to the console"),
                   v1::SESSION_EXPIRED));
  }
  if (request.method == "GET") {
    return AnswerSession(request, response, *credentials->session, false);
  }
  if (request.method == "DELETE") {
    if (absl::Status s = CheckCsrf(request, *credentials); !s.ok()) {
      return SetError(response, s);
    }
    sessions_.End(credentials->session->id);
    response.status = 204;
    response.set_header("Set-Cookie",
                        absl::StrCat(CookieName(),
                                     "=; Path=/; HttpOnly; SameSite=Strict; "
                                     "Max-Age=0",
                                     certificate != nullptr ? "; Secure" : ""));
    return;
  }
  RefuseMethod(response, "GET, POST, DELETE",
               "/console/session takes GET, POST or DELETE");
}

void HttpGateway::Impl::HandleStatic(const httplib::Request& request,
                                     httplib::Response& response) {
  if (request.method != "GET" && request.method != "HEAD") {
    return RefuseMethod(response, "GET, HEAD",
                        "the console's files take GET or HEAD");
  }
  if (options_.web_root.empty()) {
    return SetError(
        response,
        WithReason(absl::NotFoundError("this server runs without the console "
                                       "(start it with --web_root)"),
                   v1::NO_SUCH_ROUTE, {{"path", request.path}}));
  }
  absl::string_view relative = request.path;
  absl::ConsumePrefix(&relative, "/console/");
  absl::StatusOr<StaticFile> file = ReadStaticFile(options_.web_root, relative);
  if (!file.ok()) {
    return SetError(response, WithReason(file.status(), v1::NO_SUCH_ROUTE,
                                         {{"path", request.path}}));
  }
  response.set_header("Cache-Control", "no-cache");
  response.set_content(std::move(file->content), file->content_type);
}

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    const HttpGatewayOptions& options, std::shared_ptr<grpc::Channel> channel,
    const google::protobuf::ServiceDescriptor* service) {
  // The host and the port.
  ASSIGN_OR_RETURN(const auto address, SplitAddress(options.listen_address));
  const bool tls =
      !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls && (options.tls_cert_file.empty() || options.tls_key_file.empty())) {
    return absl::InvalidArgumentError(
        "HTTPS needs both --tls_cert and --tls_key");
  }
  if (!tls && !options.insecure && !IsLoopbackAddress(options.listen_address)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to serve HTTP in plaintext on ", options.listen_address,
        ", which is not loopback: give --tls_cert and --tls_key, or "
        "--insecure if the network is trusted"));
  }
  if (service->FindMethodByName(options.session_method) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        service->full_name(), " has no method ", options.session_method));
  }
  ASSIGN_OR_RETURN(RouteTable routes, RouteTable::ForService(service));
  std::unique_ptr<HttpGateway> gateway(new HttpGateway());
  gateway->impl_ = std::make_unique<Impl>(options, std::move(channel),
                                          std::move(routes), service);
  Impl& impl = *gateway->impl_;
  if (tls) {
    ASSIGN_OR_RETURN(
        impl.certificate,
        ServerCertificate::Load(options.tls_cert_file, options.tls_key_file,
                                options.tls_refresh_interval));
    impl.tls_context.reset(SSL_CTX_new(TLS_server_method()));
    if (impl.tls_context == nullptr) {
      return absl::FailedPreconditionError("cannot set up the HTTPS server");
    }
    SSL_CTX_set_options(impl.tls_context.get(),
                        SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    // Writes on non-blocking sockets may take part of a buffer, and be
    // retried from where they stopped.
    SSL_CTX_set_mode(
        impl.tls_context.get(),
        SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    impl.certificate->InstallIn(impl.tls_context.get());
  }
  impl.server = std::make_unique<RequestParser>();
  impl.Install(*impl.server);
  ConnectionFront::Options front;
  front.host = address.first;
  front.port = address.second;
  front.tls = impl.tls_context.get();
  front.threads = options.threads;
  front.max_body_bytes = options.max_body_bytes;
  front.max_upload_bytes = options.max_upload_bytes;
  front.is_upload = [](absl::string_view method, absl::string_view path) {
    return AttachmentRouteOf(method, path) == AttachmentRoute::kUpload;
  };
  front.idle_timeout = options.idle_timeout;
  front.head_timeout = options.head_timeout;
  front.body_timeout = options.body_timeout;
  front.max_connections_per_address = options.max_connections_per_address;
  front.max_connections = options.max_connections;
  if (options.on_refusal) {
    front.on_refusal = [on_refusal = options.on_refusal](
                           int http_status, absl::string_view reason) {
      on_refusal(http_status, reason, "other");
    };
  }
  ASSIGN_OR_RETURN(impl.front, ConnectionFront::Listen(front));
  gateway->port_ = impl.front->port();
  RequestParser* parser = impl.server.get();
  impl.front->Serve([parser](httplib::Stream& stream, bool last) {
    return parser->ServeOne(stream, last);
  });
  return gateway;
}

void HttpGateway::BeginShutdown() {
  if (impl_ == nullptr || impl_->front == nullptr) return;
  impl_->stopping.store(true);
  impl_->front->BeginStop();
}

void HttpGateway::Wait() {
  if (impl_ == nullptr || impl_->front == nullptr) return;
  impl_->stopping.store(true);
  impl_->front->Stop();
}

HttpGateway::~HttpGateway() { Wait(); }

}  // namespace hotline::gateway
