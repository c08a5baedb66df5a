#include "gateway/connection_front.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "gateway/json_transcoding.h"

namespace hotline::gateway {
namespace {

// The longest request head waited for (httplib's own limits are 8 KiB for
// the request line and for each header line).
constexpr size_t kMaxHeadBytes = 64 << 10;
constexpr size_t kReadChunk = 16 << 10;

// Milliseconds from now to `deadline` for poll(): at least 0, at most an
// hour.
int MillisecondsUntil(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(
      std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 3600 * 1000));
}

// OpenSSL writes to its socket with write(), which raises SIGPIPE (ending
// the process) when the client has gone. On the threads that touch
// connections SIGPIPE is blocked instead: the write fails with EPIPE.
void BlockSigpipe() {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

// True when `fd` has one of `events` before `deadline`.
bool WaitFor(int fd, short events, absl::Time deadline) {
  for (;;) {
    pollfd ready{fd, events, 0};
    const int n = poll(&ready, 1, MillisecondsUntil(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

struct Connection {
  enum class Phase {
    kHandshake,  // TLS handshake in progress
    kIdle,       // waiting for a request's first byte
    kHead,       // reading a request's head
    kBody,       // reading its body
    kServing,    // a worker has it
    kLinger,     // answered for the last time: reading what the client
                 // still sends, so that closing does not reset the answer
  };

  ~Connection() {
    if (ssl != nullptr) {
      // Best effort, non-blocking.
      if (handshake_done && phase != Phase::kLinger) SSL_shutdown(ssl);
      SSL_free(ssl);
    }
    if (fd >= 0) ::close(fd);
  }

  int fd = -1;
  SSL* ssl = nullptr;
  bool handshake_done = false;
  bool handshake_wants_write = false;
  std::string peer_ip;
  int peer_port = 0;
  std::string local_ip;
  int local_port = 0;
  // What the per-address limit counts under: the IPv4 address, or the /64
  // of an IPv6 one.
  std::string address;
  bool counted = false;

  Phase phase = Phase::kIdle;
  // When the current phase must be over.
  absl::Time deadline;
  // Bytes received, of which the first `consumed` have been read.
  std::string in;
  size_t consumed = 0;
  // Bytes of `in` the request being read takes (head and body).
  size_t awaited = 0;
  // Set in the loop for the sweep after each poll.
  bool dispatch = false;
  bool close = false;
  // Set by the worker: whether another request may follow.
  bool keep = true;
  bool peer_closed = false;
};

enum class ReadResult { kData, kWouldBlock, kClosed };

// Appends what the connection has to give now, up to one chunk.
ReadResult ReadSome(Connection& c) {
  char buffer[kReadChunk];
  if (c.ssl != nullptr) {
    ERR_clear_error();
    const int n = SSL_read(c.ssl, buffer, sizeof(buffer));
    if (n > 0) {
      c.in.append(buffer, static_cast<size_t>(n));
      return ReadResult::kData;
    }
    const int error = SSL_get_error(c.ssl, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      return ReadResult::kWouldBlock;
    }
    return ReadResult::kClosed;
  }
  const ssize_t n = recv(c.fd, buffer, sizeof(buffer), 0);
  if (n > 0) {
    c.in.append(buffer, static_cast<size_t>(n));
    return ReadResult::kData;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    return ReadResult::kWouldBlock;
  }
  return ReadResult::kClosed;
}

// Writes all of `data`, waiting for the client until `deadline`; false when
// it is gone or too slow.
bool WriteAll(Connection& c, const char* data, size_t size,
              absl::Time deadline) {
  while (size > 0) {
    const size_t chunk = std::min<size_t>(size, INT_MAX);
    ssize_t written = 0;
    if (c.ssl != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(c.ssl, data, static_cast<int>(chunk));
      if (n <= 0) {
        const int error = SSL_get_error(c.ssl, n);
        if (error != SSL_ERROR_WANT_WRITE && error != SSL_ERROR_WANT_READ) {
          return false;
        }
        if (!WaitFor(c.fd, error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN,
                     deadline)) {
          return false;
        }
        continue;
      }
      written = n;
    } else {
      written = send(c.fd, data, chunk, MSG_NOSIGNAL);
      if (written < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return false;
        }
        if (!WaitFor(c.fd, POLLOUT, deadline)) return false;
        continue;
      }
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

// The request one worker serves, as httplib reads it: the bytes the loop
// received, then (should the parser want more) the socket until the
// request's deadline.
class FrontStream final : public httplib::Stream {
 public:
  FrontStream(Connection& connection, absl::Duration write_timeout)
      : c_(connection), write_timeout_(write_timeout) {}

  bool is_readable() const override {
    return c_.consumed < c_.in.size() ||
           (c_.ssl != nullptr && SSL_pending(c_.ssl) > 0) ||
           WaitFor(c_.fd, POLLIN, c_.deadline);
  }
  bool is_writable() const override {
    pollfd ready{c_.fd, POLLOUT, 0};
    const absl::Time deadline = absl::Now() + write_timeout_;
    for (;;) {
      const int n = poll(&ready, 1, MillisecondsUntil(deadline));
      if (n > 0) return (ready.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0;
      if (n == 0 || errno != EINTR) return false;
    }
  }
  ssize_t read(char* ptr, size_t size) override {
    if (c_.consumed == c_.in.size()) {
      c_.in.clear();
      c_.consumed = 0;
      for (;;) {
        const ReadResult result = ReadSome(c_);
        if (result == ReadResult::kData) break;
        if (result == ReadResult::kClosed) return -1;
        if (!WaitFor(c_.fd, POLLIN, c_.deadline)) return -1;
      }
    }
    const size_t n = std::min(size, c_.in.size() - c_.consumed);
    memcpy(ptr, c_.in.data() + c_.consumed, n);
    c_.consumed += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    return WriteAll(c_, ptr, size, absl::Now() + write_timeout_)
               ? static_cast<ssize_t>(size)
               : -1;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.peer_ip;
    port = c_.peer_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_ip;
    port = c_.local_port;
  }
  socket_t socket() const override { return c_.fd; }

 private:
  Connection& c_;
  const absl::Duration write_timeout_;
};

// The text address and port of `address`; IPv4 inside IPv6 as IPv4.
std::pair<std::string, int> AddressOf(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
    return {text, ntohs(in.sin_port)};
  }
  if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
      inet_ntop(AF_INET, &in6.sin6_addr.s6_addr[12], text, sizeof(text));
    } else {
      inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
    }
    return {text, ntohs(in6.sin6_port)};
  }
  return {"", 0};
}

// What one client is counted as: an IPv4 address, or an IPv6 /64 (one
// host is commonly given a whole /64).
std::string ClientKey(const sockaddr_storage& address,
                      const std::string& text) {
  if (address.ss_family != AF_INET6) return text;
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
  if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) return text;
  sockaddr_in6 prefix = in6;
  memset(&prefix.sin6_addr.s6_addr[8], 0, 8);
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &prefix.sin6_addr, buffer, sizeof(buffer));
  return absl::StrCat(buffer, "/64");
}

// The header lines of a request head (after the request line), as
// name/value pairs.
std::vector<std::pair<absl::string_view, absl::string_view>> HeaderLines(
    absl::string_view head) {
  std::vector<std::pair<absl::string_view, absl::string_view>> headers;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
    if (first) {
      first = false;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    headers.emplace_back(absl::StripAsciiWhitespace(line.substr(0, colon)),
                         absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return headers;
}

const char* ReasonPhrase(int http_status) {
  switch (http_status) {
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

// An answer the front makes itself: a google.rpc.Status body, and the
// connection closes after it.
std::string Refusal(int http_status, const absl::Status& status,
                    absl::string_view extra_headers = "") {
  const std::string body = StatusJson(ToRpcStatus(status));
  return absl::StrCat("HTTP/1.1 ", http_status, " ", ReasonPhrase(http_status),
                      "\r\nContent-Type: application/json\r\n"
                      "Content-Length: ",
                      body.size(),
                      "\r\nConnection: close\r\n"
                      "X-Content-Type-Options: nosniff\r\n"
                      "Cache-Control: no-store\r\n",
                      extra_headers, "\r\n", body);
}

}  // namespace

class ConnectionFront::Loop {
 public:
  explicit Loop(const Options& options) : options_(options) {}
  ~Loop() {
    if (listener_ >= 0) close(listener_);
    if (wake_ >= 0) close(wake_);
  }

  absl::Status Listen();
  void Start(ServeRequest serve);
  void BeginStop() {
    stopping_.store(true);
    Wake();
  }
  void Stop();
  int port() const { return port_; }

 private:
  void Wake() {
    if (wake_ < 0) return;
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_, &one, sizeof(one));
  }
  void Run();
  void AcceptAll(absl::Time now);
  // Reads what `c` has to give, then advances it.
  void OnReady(Connection& c, absl::Time now);
  // Moves `c` through its phases with what it has received.
  void Advance(Connection& c, absl::Time now);
  // Answers `status` now if the socket takes it (best effort), reports
  // it, and marks the connection for closing.
  void Refuse(Connection& c, int http_status, const absl::Status& status,
              absl::string_view extra_headers = "");
  void Expire(Connection& c);
  // Ends the connection gracefully: no more writes (the client reads the
  // answer, then the end), and what the client still sends (a body
  // refused before it was read) is read and dropped until it stops or the
  // body timeout passes. Closing with unread bytes instead would reset the
  // connection, and the client could lose the answer.
  void Linger(Connection& c, absl::Time now);
  void Close(std::unique_ptr<Connection> c);
  void Dispatch(std::unique_ptr<Connection> c);
  // On a worker.
  void ServeOn(std::unique_ptr<Connection> c);

  const Options options_;
  int listener_ = -1;
  int wake_ = -1;
  int port_ = 0;
  ServeRequest serve_;
  std::unique_ptr<httplib::ThreadPool> pool_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;  // Stop() has run (guarded by stop_mutex_)
  absl::Mutex stop_mutex_;

  absl::Mutex mutex_;
  // Connections workers have finished with, for the loop.
  std::vector<std::unique_ptr<Connection>> returned_ ABSL_GUARDED_BY(mutex_);
  // The loop has ended: workers close their connections themselves.
  bool loop_done_ ABSL_GUARDED_BY(mutex_) = false;

  // The loop thread's alone.
  std::vector<std::unique_ptr<Connection>> waiting_;
  std::map<std::string, int> per_address_;
  int open_ = 0;
  // The most connections open at once: the option, within the process's
  // open-files limit.
  int max_connections_ = 0;
  // Out of file descriptors: accepting waits until then.
  absl::Time accept_paused_until_ = absl::InfinitePast();
  absl::Time next_descriptor_warning_ = absl::InfinitePast();
  // Bodies being read are held in memory: at most this many bytes in all
  // (beyond it, connections reading a body wait their turn, their deadline
  // running).
  size_t body_budget_ = 0;
};

absl::Status ConnectionFront::Loop::Listen() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  if (getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(),
                  port.c_str(), &hints, &found) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot listen for HTTP on ", options_.host, ":", options_.port,
        ": the host is not an address of this machine"));
  }
  int error = 0;
  for (addrinfo* a = found; a != nullptr && listener_ < 0; a = a->ai_next) {
    const int fd =
        socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
               a->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (a->ai_family == AF_INET6) {
      const int off = 0;
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    }
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        listen(fd, SOMAXCONN) == 0) {
      listener_ = fd;
    } else {
      error = errno;
      close(fd);
    }
  }
  freeaddrinfo(found);
  if (listener_ < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot listen for HTTP on ", options_.host, ":", options_.port, " (",
        strerror(error),
        "): the port is in use or the host is not this machine's (change "
        "--http_listen)"));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = AddressOf(bound).second;
  max_connections_ = std::max(1, options_.max_connections);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 &&
      files.rlim_cur != RLIM_INFINITY) {
    // Leave room for the database, gRPC and the rest of the process.
    const int room = static_cast<int>(files.rlim_cur) - 256;
    if (room < max_connections_) {
      max_connections_ = std::max(16, room);
      LogWarning(absl::StrCat(
          "HTTP: at most ", max_connections_,
          " connections at once: the open-files limit is ", files.rlim_cur,
          " (raise it, e.g. LimitNOFILE= under systemd, for more)"));
    }
  }
  body_budget_ = std::max<size_t>(options_.max_body_bytes, 1 << 20) *
                 static_cast<size_t>(std::max(1, options_.threads));
  wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_ < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot make an eventfd: ", strerror(errno)));
  }
  return absl::OkStatus();
}

void ConnectionFront::Loop::Start(ServeRequest serve) {
  serve_ = std::move(serve);
  pool_ = std::make_unique<httplib::ThreadPool>(
      static_cast<size_t>(std::max(1, options_.threads)));
  thread_ = std::thread([this] { Run(); });
}

void ConnectionFront::Loop::Stop() {
  absl::MutexLock stop_lock(&stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  BeginStop();
  if (thread_.joinable()) thread_.join();
  if (pool_ != nullptr) pool_->shutdown();
}

void ConnectionFront::Loop::Run() {
  BlockSigpipe();
  std::vector<pollfd> polled;
  std::vector<Connection*> connections;
  for (;;) {
    absl::Time now = absl::Now();
    std::vector<std::unique_ptr<Connection>> back;
    {
      absl::MutexLock lock(&mutex_);
      back.swap(returned_);
    }
    for (std::unique_ptr<Connection>& c : back) {
      if (c->peer_closed || stopping_.load()) {
        Close(std::move(c));
        continue;
      }
      if (!c->keep) {
        Linger(*c, now);
        waiting_.push_back(std::move(c));
        continue;
      }
      c->phase = Connection::Phase::kIdle;
      c->deadline = now + options_.idle_timeout;
      c->awaited = 0;
      waiting_.push_back(std::move(c));
      // The next request may have come with the last one (pipelining), or
      // wait inside the TLS layer where poll() cannot see it.
      OnReady(*waiting_.back(), now);
    }
    if (stopping_.load()) break;

    // Sweep: hand over what is complete, close what is done.
    for (std::unique_ptr<Connection>& c : waiting_) {
      if (c->close) {
        Close(std::move(c));
      } else if (c->dispatch) {
        Dispatch(std::move(c));
      }
    }
    waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), nullptr),
                   waiting_.end());

    polled.clear();
    connections.clear();
    polled.push_back({wake_, POLLIN, 0});
    const bool accepting =
        open_ < max_connections_ && now >= accept_paused_until_;
    if (accepting) polled.push_back({listener_, POLLIN, 0});
    absl::Time next = now + absl::Hours(1);
    if (!accepting && open_ < max_connections_) {
      next = std::min(next, accept_paused_until_);
    }
    size_t buffered = 0;
    for (const std::unique_ptr<Connection>& c : waiting_) {
      if (c->phase == Connection::Phase::kBody) buffered += c->in.size();
    }
    for (const std::unique_ptr<Connection>& c : waiting_) {
      short events =
          c->phase == Connection::Phase::kHandshake && c->handshake_wants_write
              ? POLLOUT
              : POLLIN;
      // Over the budget, bodies wait (0: poll reports only errors).
      if (c->phase == Connection::Phase::kBody && buffered >= body_budget_) {
        events = 0;
      }
      polled.push_back({c->fd, events, 0});
      connections.push_back(c.get());
      next = std::min(next, c->deadline);
    }
    const int ready =
        poll(polled.data(), polled.size(), MillisecondsUntil(next));
    if (ready < 0 && errno != EINTR) {
      LogError(absl::StrCat("HTTP: poll failed: ", strerror(errno)));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    now = absl::Now();
    if (polled[0].revents != 0) {
      uint64_t count;
      [[maybe_unused]] ssize_t n = read(wake_, &count, sizeof(count));
    }
    const size_t first = accepting ? 2 : 1;
    for (size_t i = 0; i < connections.size(); ++i) {
      if (polled[first + i].revents != 0) OnReady(*connections[i], now);
    }
    for (Connection* c : connections) {
      if (!c->dispatch && !c->close && c->deadline <= now) Expire(*c);
    }
    if (accepting && polled[1].revents != 0) AcceptAll(now);
  }
  if (listener_ >= 0) {
    close(listener_);
    listener_ = -1;
  }
  waiting_.clear();
  absl::MutexLock lock(&mutex_);
  loop_done_ = true;
  returned_.clear();
}

void ConnectionFront::Loop::AcceptAll(absl::Time now) {
  while (open_ < max_connections_) {
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&peer),
                           &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        // The listener stays readable: without a pause the loop would spin.
        accept_paused_until_ = now + absl::Milliseconds(100);
        if (now >= next_descriptor_warning_) {
          next_descriptor_warning_ = now + absl::Minutes(1);
          LogWarning(absl::StrCat("HTTP: cannot accept a connection (",
                                  strerror(errno),
                                  "); new connections wait (raise the "
                                  "open-files limit)"));
        }
      }
      return;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    std::tie(c->peer_ip, c->peer_port) = AddressOf(peer);
    c->address = ClientKey(peer, c->peer_ip);
    sockaddr_storage local{};
    length = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
      std::tie(c->local_ip, c->local_port) = AddressOf(local);
    }
    const int on = 1;
    // Small answers go out at once (Nagle and delayed ACKs would add 40 ms).
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    c->counted = true;
    ++open_;
    const int from_address = ++per_address_[c->address];
    c->deadline = now + options_.head_timeout;
    if (options_.tls != nullptr) {
      c->ssl = SSL_new(options_.tls);
      if (c->ssl == nullptr || SSL_set_fd(c->ssl, fd) != 1) {
        Close(std::move(c));
        continue;
      }
      c->phase = Connection::Phase::kHandshake;
    }
    if (options_.max_connections_per_address > 0 &&
        from_address > options_.max_connections_per_address) {
      // Plaintext is told why; TLS cannot be told before its handshake.
      Refuse(*c, 503,
             WithRetryDelay(WithReason(absl::UnavailableError(absl::StrCat(
                                           "too many connections from ",
                                           c->address, " (the most is ",
                                           options_.max_connections_per_address,
                                           "): close some, or reuse them")),
                                       v1::SERVER_UNAVAILABLE),
                            absl::Seconds(5)),
             "Retry-After: 5\r\n");
      Close(std::move(c));
      continue;
    }
    waiting_.push_back(std::move(c));
    // Only plaintext can have sent anything useful yet; TLS starts its
    // handshake on the next poll.
  }
}

void ConnectionFront::Loop::OnReady(Connection& c, absl::Time now) {
  if (c.phase == Connection::Phase::kLinger) {
    char buffer[kReadChunk];
    for (;;) {
      const ssize_t n = recv(c.fd, buffer, sizeof(buffer), 0);
      if (n > 0) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n < 0 && errno == EINTR) continue;
      c.close = true;
      return;
    }
  }
  if (c.phase == Connection::Phase::kHandshake) {
    ERR_clear_error();
    const int n = SSL_accept(c.ssl);
    if (n != 1) {
      const int error = SSL_get_error(c.ssl, n);
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        c.handshake_wants_write = error == SSL_ERROR_WANT_WRITE;
      } else {
        c.close = true;
      }
      return;
    }
    c.handshake_done = true;
    c.phase = Connection::Phase::kIdle;
    c.deadline = now + options_.head_timeout;
  }
  // Read as long as there is something and the request is not complete;
  // Advance bounds it (a head over its limit is refused, a body ends at its
  // length).
  Advance(c, now);
  bool eof = false;
  while (!c.dispatch && !c.close) {
    const ReadResult result = ReadSome(c);
    if (result == ReadResult::kData) {
      Advance(c, now);
      continue;
    }
    eof = result == ReadResult::kClosed;
    break;
  }
  // Whatever was complete before the client hung up is still answered.
  if (eof) {
    if (c.dispatch) {
      c.peer_closed = true;
    } else {
      c.close = true;
    }
  }
}

void ConnectionFront::Loop::Advance(Connection& c, absl::Time now) {
  if (c.phase == Connection::Phase::kIdle && !c.in.empty()) {
    c.phase = Connection::Phase::kHead;
    c.deadline = now + options_.head_timeout;
  }
  if (c.phase == Connection::Phase::kHead) {
    const size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (c.in.size() > kMaxHeadBytes) {
        Refuse(c, 431,
               WithReason(absl::InvalidArgumentError(
                              absl::StrCat("the request's head is longer than ",
                                           kMaxHeadBytes, " bytes")),
                          v1::MALFORMED_REQUEST));
      }
      return;
    }
    const size_t head_size = end + 4;
    // Wait for the body only when its one length is a plain number within
    // the limit; otherwise the parser refuses the head at once.
    size_t body = 0;
    int lengths = 0;
    bool chunked = false;
    bool expects_continue = false;
    absl::string_view length_text;
    for (const auto& [name, value] :
         HeaderLines(absl::string_view(c.in).substr(0, end))) {
      if (absl::EqualsIgnoreCase(name, "Content-Length")) {
        ++lengths;
        length_text = value;
      } else if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) {
        chunked = true;
      } else if (absl::EqualsIgnoreCase(name, "Expect")) {
        expects_continue = absl::EqualsIgnoreCase(value, "100-continue");
      }
    }
    size_t limit = options_.max_body_bytes;
    bool upload = false;
    if (options_.is_upload) {
      const absl::string_view line =
          absl::string_view(c.in).substr(0, c.in.find("\r\n"));
      const std::vector<absl::string_view> words =
          absl::StrSplit(line, absl::MaxSplits(' ', 2));
      if (words.size() == 3) {
        const absl::string_view target = words[1];
        upload =
            options_.is_upload(words[0], target.substr(0, target.find('?')));
        if (upload) limit = std::max(limit, options_.max_upload_bytes);
      }
    }
    uint64_t length = 0;
    if (lengths == 1 && !chunked && !length_text.empty() &&
        length_text.size() <= 18 &&
        std::all_of(length_text.begin(), length_text.end(),
                    [](char ch) { return absl::ascii_isdigit(ch); }) &&
        absl::SimpleAtoi(length_text, &length) && length <= limit) {
      body = static_cast<size_t>(length);
    }
    c.awaited = head_size + body;
    c.phase = Connection::Phase::kBody;
    c.deadline = now + options_.body_timeout;
    if (upload) c.deadline += absl::Seconds(static_cast<int64_t>(body >> 15));
    if (body > 0 && expects_continue && c.in.size() < c.awaited) {
      // The client waits for this before it sends the body. (The parser
      // says it again; a client takes any number of 1xx answers.)
      const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
      WriteAll(c, go_on.data(), go_on.size(), now);
    }
  }
  if (c.phase == Connection::Phase::kBody && c.in.size() >= c.awaited) {
    c.phase = Connection::Phase::kServing;
    c.dispatch = true;
  }
}

void ConnectionFront::Loop::Refuse(Connection& c, int http_status,
                                   const absl::Status& status,
                                   absl::string_view extra_headers) {
  if (options_.on_refusal) {
    options_.on_refusal(http_status, v1::ErrorReason_Name(ReasonOf(status)));
  }
  const std::string answer = Refusal(http_status, status, extra_headers);
  if (c.ssl == nullptr || c.handshake_done) {
    // Best effort: the socket is fresh or idle, so a small answer fits in
    // its buffer; if it does not, the connection just closes.
    if (WriteAll(c, answer.data(), answer.size(), absl::InfinitePast())) {
      Linger(c, absl::Now());
      return;
    }
  }
  c.close = true;
}

void ConnectionFront::Loop::Linger(Connection& c, absl::Time now) {
  if (c.ssl != nullptr && c.handshake_done) SSL_shutdown(c.ssl);
  shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::kLinger;
  c.deadline = now + options_.body_timeout;
  c.in.clear();
  c.consumed = 0;
}

void ConnectionFront::Loop::Expire(Connection& c) {
  // Silence from a connection that sent nothing is not worth an answer.
  if (c.phase == Connection::Phase::kHead ||
      c.phase == Connection::Phase::kBody) {
    Refuse(c, 408,
           WithReason(absl::DeadlineExceededError(absl::StrCat(
                          "the request did not arrive in time (its head "
                          "within ",
                          absl::FormatDuration(options_.head_timeout),
                          ", its body within ",
                          absl::FormatDuration(options_.body_timeout), ")")),
                      v1::MALFORMED_REQUEST));
    return;
  }
  c.close = true;
}

void ConnectionFront::Loop::Close(std::unique_ptr<Connection> c) {
  if (c == nullptr) return;
  if (c->counted) {
    --open_;
    auto it = per_address_.find(c->address);
    if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
  }
  c.reset();
}

void ConnectionFront::Loop::Dispatch(std::unique_ptr<Connection> c) {
  c->dispatch = false;
  Connection* raw = c.release();
  pool_->enqueue([this, raw] { ServeOn(std::unique_ptr<Connection>(raw)); });
}

void ConnectionFront::Loop::ServeOn(std::unique_ptr<Connection> c) {
  BlockSigpipe();
  {
    FrontStream stream(*c, options_.write_timeout);
    c->keep = serve_(stream, stopping_.load() || c->peer_closed);
  }
  // A body the parser did not read (a GET with one, say) would be taken
  // for the next request: end the connection instead.
  if (c->consumed < c->awaited) c->keep = false;
  c->in.erase(0, c->consumed);
  c->consumed = 0;
  absl::MutexLock lock(&mutex_);
  if (loop_done_) return;  // closes it
  returned_.push_back(std::move(c));
  Wake();
}

absl::StatusOr<std::unique_ptr<ConnectionFront>> ConnectionFront::Listen(
    const Options& options) {
  std::unique_ptr<ConnectionFront> front(new ConnectionFront());
  front->loop_ = std::make_unique<Loop>(options);
  RETURN_IF_ERROR(front->loop_->Listen());
  return front;
}

ConnectionFront::~ConnectionFront() { Stop(); }

int ConnectionFront::port() const { return loop_->port(); }

void ConnectionFront::Serve(ServeRequest serve) {
  loop_->Start(std::move(serve));
}

void ConnectionFront::BeginStop() { loop_->BeginStop(); }

void ConnectionFront::Stop() {
  if (loop_ != nullptr) loop_->Stop();
}

}  // namespace hotline::gateway
