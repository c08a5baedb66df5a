// The HTTP/JSON face of a gRPC service, and the web console's home.
//
// Routes come from the service's google.api.http annotations (route_table.h);
// each request becomes the annotated RPC, called through `channel` (the
// server's in-process channel, so authentication, access rules, access log
// and metrics are the gRPC service's own), and its answer or refusal comes
// back as JSON: the message in protobuf's JSON mapping, or the HTTP status
// of the gRPC code with a google.rpc.Status body, details included.
// Server-streaming RPCs are sent as Server-Sent Events (see Stream below).
//
// Credentials: "Authorization: Bearer <token>", or the console's session
// cookie (console_sessions.h); a change made with the cookie must carry the
// session's X-CSRF-Token header. Every response carries a strict
// Content-Security-Policy, nosniff and no-referrer; HTTPS ones HSTS too.
//
// Connections are the ConnectionFront's (connection_front.h): a worker
// serves a request only once all of it has arrived, so slow clients hold
// no worker; what the head alone condemns (two Content-Lengths, one that is
// not a number or is over the limit, chunked or compressed bodies) is
// refused at once and the connection ends.
//
//   HttpGatewayOptions options;
//   options.listen_address = "127.0.0.1:8080";
//   options.web_root = "/usr/share/hotline/web";
//   ASSIGN_OR_RETURN(auto gateway, HttpGateway::Start(
//       options, server->InProcessChannel({}),
//       google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
//           "hotline.v1.HotlineService")));
//   ...
//   gateway->BeginShutdown();   // stop accepting; then end the gRPC server
//   gateway->Wait();            // requests and streams have finished
//
// Thread-safe.
#ifndef HOTLINE_GATEWAY_HTTP_GATEWAY_H_
#define HOTLINE_GATEWAY_HTTP_GATEWAY_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/console_sessions.h"
#include "gateway/route_table.h"
#include "google/protobuf/descriptor.h"

namespace grpc {
class Channel;
}
namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace hotline::gateway {

// The console session's cookie, over HTTP and over HTTPS. Over HTTPS the
// __Host- prefix makes browsers refuse the cookie unless it is Secure, for
// this host only and for every path: a sibling subdomain cannot plant one.
inline constexpr char kSessionCookie[] = "hotline_session";
inline constexpr char kSecureSessionCookie[] = "__Host-hotline_session";
// The header a change made with the session's cookie carries: the
// session's CSRF token, as the sign-in answered it.
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";
// Where the API's OpenAPI description is served (openapi_document.h).
inline constexpr char kOpenApiPath[] = "/v1/openapi.json";

struct HttpGatewayOptions {
  // host:port; port 0 picks a free one.
  std::string listen_address;
  // TLS: the certificate chain and key (PEM), both or neither; re-read when
  // they change, checked every `tls_refresh_interval`. Without them the
  // address must be loopback unless `insecure`.
  std::string tls_cert_file;
  std::string tls_key_file;
  absl::Duration tls_refresh_interval = absl::Seconds(60);
  bool insecure = false;
  // The largest request body, in bytes (413 beyond it); an attachment's
  // upload (attachment_routes.h) may be up to max_upload_bytes.
  size_t max_body_bytes = 4 << 20;
  size_t max_upload_bytes = 32 << 20;
  // Worker threads. A worker serves a request once all of it (head and
  // body) has arrived; at most half of them serve event streams, and one
  // caller (principal and credential) at most an eighth (503 beyond).
  int threads = 64;
  // Connections waiting for a request hold no worker, but each must keep
  // pace: an idle keep-alive connection is closed after `idle_timeout`; a
  // request's head (a new connection's TLS handshake included) must arrive
  // within `head_timeout` of its first byte, and its body within
  // `body_timeout` of the head's end (408 and closed otherwise).
  absl::Duration idle_timeout = absl::Seconds(5);
  absl::Duration head_timeout = absl::Seconds(10);
  absl::Duration body_timeout = absl::Seconds(30);
  // Connections open at once from one client address (an IPv6 /64 counts
  // as one address); beyond it a new one is answered 503 and closed. A
  // browser holds a few (an office behind one NAT address, a few per
  // person). 0: no limit. Behind a reverse proxy every client has the
  // proxy's address: set 0 and let the proxy limit.
  int max_connections_per_address = 128;
  // Connections open at once in all (at most the open-files limit less
  // 256); beyond it new ones wait in the kernel's accept queue. Bodies
  // being read are held in memory, at most `threads` x `max_body_bytes` in
  // all.
  int max_connections = 1024;
  // Deadline of one call.
  absl::Duration call_timeout = absl::Minutes(2);
  // The console's directory; empty: no console (only the API).
  std::string web_root;
  // The API's OpenAPI description (JSON), served at kOpenApiPath to anyone,
  // without credentials; empty: 404 there.
  std::string openapi_document;
  // How long a console session lasts from sign-in.
  absl::Duration session_lifetime = absl::Hours(12);
  // The RPC a console sign-in checks its token with and whose answer it
  // returns (its request must be empty).
  std::string session_method = "GetCaller";
  // Where a Server-Sent Events stream resumes: the request field set from
  // Last-Event-ID, the field cleared then, and the response field each
  // event's id is taken from.
  std::string resume_field = "after_seq";
  std::string resume_clears_field = "from_now";
  std::string event_id_field = "seq";
  std::string event_name_field = "type";
  // The initial metadata in which an accepted stream names where it starts
  // (the seq it resumes after); sent first as an "id:" with `event: start`
  // and data {"<event_id_field's JSON name>": "<seq>"}, so that a reconnect
  // after a quiet spell resumes from there.
  std::string start_metadata = "hotline-after-seq";
  // Called once for each request the gateway refuses itself, before any
  // RPC answers it (no such route, a body too large or not JSON, a request
  // it cannot read, a stream limit, ...; not an RPC's own refusal): the
  // HTTP status, the refusal's google.rpc.ErrorInfo reason (a
  // hotline.v1.ErrorReason name) and the route class: "api" (/v1/...),
  // "session" (/console/session), "console" (the console's files) or
  // "other". Called from the gateway's workers, several at once. Empty:
  // not called.
  std::function<void(int http_status, absl::string_view reason,
                     absl::string_view route)>
      on_refusal;
};

class HttpGateway {
 public:
  // Listens and serves on threads of its own. FAILED_PRECONDITION when the
  // address cannot be bound, the TLS files cannot be read, or plaintext is
  // asked for on an address that is not loopback without `insecure`;
  // INVALID_ARGUMENT when an annotation cannot be read.
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(
      const HttpGatewayOptions& options, std::shared_ptr<grpc::Channel> channel,
      const google::protobuf::ServiceDescriptor* service);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  int port() const { return port_; }
  // Stops accepting connections and closes those waiting for a request;
  // event streams end within a second.
  void BeginShutdown();
  // BeginShutdown, then waits for requests in flight. Idempotent.
  void Wait();

 private:
  class Impl;
  HttpGateway() = default;

  int port_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_HTTP_GATEWAY_H_
