// The HTTP gateway's connections: one thread owns the listening socket and
// every connection between requests, in a poll loop, and hands a connection
// to a worker only once a whole request (head and body) has arrived. A slow
// or idle client therefore holds a file descriptor, never a worker, and it
// must keep pace: an idle connection is closed after the idle timeout, a
// request's head must arrive within the head timeout of its first byte (a
// new connection's TLS handshake included) and its body within the body
// timeout of the head's end (408 and closed otherwise). One client address
// holds at most so many connections (503 and closed beyond); bodies being
// read take at most threads x max_body_bytes of memory in all. A
// connection's last answer is followed by a lingering close (no more
// writes; what the client still sends is read and dropped for up to the
// body timeout), so that a refusal sent before its body was read reaches
// a client still sending that body instead of being lost to a reset.
//
// Why not cpp-httplib's own listener: it gives each connection a worker from
// accept to close and bounds only each read, so as many slow clients as
// there are workers stop the server. httplib still parses and routes each
// request (Server::process_request over the Stream this front provides).
//
//   ConnectionFront::Options options;
//   options.host = "127.0.0.1";
//   ASSIGN_OR_RETURN(auto front, ConnectionFront::Listen(options));
//   front->Serve([&](httplib::Stream& stream, bool last) {
//     return parser.ServeOne(stream, last);   // true: keep the connection
//   });
//   ...
//   front->Stop();   // stops accepting, waits for the requests in flight
//
// Thread-safe.
#ifndef HOTLINE_GATEWAY_CONNECTION_FRONT_H_
#define HOTLINE_GATEWAY_CONNECTION_FRONT_H_

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace httplib {
class Stream;
}

namespace hotline::gateway {

class ConnectionFront {
 public:
  struct Options {
    std::string host;
    // 0 picks a free one.
    int port = 0;
    // TLS when set (not owned; must outlive the front).
    SSL_CTX* tls = nullptr;
    int threads = 64;
    // A request whose Content-Length is over this is handed over at once
    // (without its body) for the parser to refuse.
    size_t max_body_bytes = 4 << 20;
    // Requests `is_upload` says carry a file (method and path, no query)
    // may have bodies up to this instead, and get the body timeout plus a
    // second for every 32 KiB of it.
    size_t max_upload_bytes = 0;
    std::function<bool(absl::string_view method, absl::string_view path)>
        is_upload;
    absl::Duration idle_timeout = absl::Seconds(5);
    absl::Duration head_timeout = absl::Seconds(10);
    absl::Duration body_timeout = absl::Seconds(30);
    // How long one write may wait for the client to take the bytes.
    absl::Duration write_timeout = absl::Seconds(30);
    // 0: no limit.
    int max_connections_per_address = 128;
    int max_connections = 1024;
    // Told of each refusal the front makes itself (408, 431, 503), with
    // the hotline.v1.ErrorReason name; on the loop's thread. May be empty.
    std::function<void(int http_status, absl::string_view reason)> on_refusal;
  };

  // Serves the one request `stream` holds; `last` when the connection ends
  // after it (the server is stopping). Returns whether the connection may
  // carry another request. Called on a worker thread.
  using ServeRequest = std::function<bool(httplib::Stream& stream, bool last)>;

  // Binds and listens (SO_REUSEADDR: a port whose old connections wait in
  // TIME_WAIT is free, one another live server listens on is not).
  // FAILED_PRECONDITION when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ConnectionFront>> Listen(
      const Options& options);
  // Stop().
  ~ConnectionFront();
  ConnectionFront(const ConnectionFront&) = delete;
  ConnectionFront& operator=(const ConnectionFront&) = delete;

  int port() const;
  // Starts the loop and the workers. Once.
  void Serve(ServeRequest serve);
  // Stops accepting and closes the connections waiting for a request;
  // requests in flight go on.
  void BeginStop();
  // BeginStop, then waits for the requests in flight. Idempotent.
  void Stop();

 private:
  class Loop;
  ConnectionFront() = default;
  std::unique_ptr<Loop> loop_;
};

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_CONNECTION_FRONT_H_
