// hotline-console-bench: a city's consoles (issue 27, goal 6). Starts the
// built hotline-server as a child process (SQLite, real clock, the HTTP/JSON
// API on loopback) and opens the console's live feed, GET
// /v1/events:watch (Server-Sent Events), in steps up to each count of
// --streams, from many loopback addresses (127.0.0.2 on, a hundred streams
// each, as offices behind their own addresses) and with many bureau tokens
// (one token may hold only so many streams). For each step it prints:
//   - how many streams the server accepted (200 and the stream's start),
//     refused (an HTTP error such as 503) or left unanswered for 15 s;
//   - the server's resident memory and threads (/proc/PID/status), and the
//     memory an accepted stream adds;
//   - beside the open streams, the p50/p99 of a gRPC health check and of an
//     HTTP/JSON read (GET /v1/tickets/N), from 4 threads each for
//     --seconds;
//   - how many open streams saw a ticket created then, within 10 s, and the
//     p99 of that delivery.
// Then, with the streams closed, the rate of HTTP/JSON reads beside gRPC
// reads of the same ticket, both by h2load (Debian's nghttp2-client) when
// it is installed: an outside generator, HTTP/1.1 for the JSON API, HTTP/2
// for gRPC.
//
//   hotline-console-bench
//   hotline-console-bench --streams=32,1000,5000 --http_threads=10240
//       --http_max_connections=12000     (one line)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/measure.h"
#include "bench/scratch.h"
#include "bench/usage.h"
#include "bench/workload.h"
#include "client/hotline_client.h"
#include "common/child_process.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "httplib.h"

ABSL_FLAG(std::string, server_bin, HOTLINE_SERVER_BINARY_FOR_BENCH,
          "The hotline-server binary to start (default: the one built beside "
          "this bench).");
ABSL_FLAG(std::string, streams, "32,1000,5000",
          "Open event streams to reach, in steps, comma-separated.");
ABSL_FLAG(int, http_threads, 64, "The server's --http_threads.");
ABSL_FLAG(int, http_max_connections, 1024,
          "The server's --http_max_connections.");
ABSL_FLAG(double, seconds, 5,
          "How long each latency measurement beside the streams runs.");
ABSL_FLAG(int, requests, 20000, "h2load: requests of each rate measurement.");
ABSL_FLAG(std::string, dir, "",
          "Where the scratch directory goes (default $TMPDIR or /tmp).");

namespace hotline {
namespace {

using bench::PercentileMillis;

constexpr int kStreamsPerAddress = 100;
constexpr int kMeasureThreads = 4;

// One event stream's connection, driven by Streams' poll loop.
struct Stream {
  enum State { kConnecting, kOpen, kRefused, kClosed };
  int fd = -1;
  State state = kConnecting;
  std::string head;    // until the status line is known
  std::string recent;  // the tail of what came since the marker was set
  bool saw_marker = false;
  absl::Time marker_seen;
};

class Streams {
 public:
  Streams(int port, std::vector<std::string> tokens)
      : port_(port), tokens_(std::move(tokens)) {}
  ~Streams() {
    for (Stream& s : streams_) {
      if (s.fd >= 0) close(s.fd);
    }
  }

  // Opens streams until `total` have been tried; the new ones are then
  // polled until each is answered or `wait` has passed.
  absl::Status OpenUpTo(int total, absl::Duration wait) {
    const int first_new = static_cast<int>(streams_.size());
    while (static_cast<int>(streams_.size()) < total) {
      const int i = static_cast<int>(streams_.size());
      Stream s;
      s.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (s.fd < 0) {
        return absl::ResourceExhaustedError(
            absl::StrCat("socket() for stream ", i + 1, ": ", strerror(errno),
                         " (raise ulimit -n)"));
      }
      sockaddr_in source{};
      source.sin_family = AF_INET;
      source.sin_addr.s_addr = htonl(0x7f000002 + i / kStreamsPerAddress);
      if (bind(s.fd, reinterpret_cast<sockaddr*>(&source), sizeof source) !=
          0) {
        return absl::InternalError(absl::StrCat("bind: ", strerror(errno)));
      }
      sockaddr_in target{};
      target.sin_family = AF_INET;
      target.sin_port = htons(static_cast<uint16_t>(port_));
      target.sin_addr.s_addr = htonl(0x7f000001);
      connect(s.fd, reinterpret_cast<sockaddr*>(&target), sizeof target);
      streams_.push_back(std::move(s));
    }
    const absl::Time deadline = absl::Now() + wait;
    while (absl::Now() < deadline) {
      Poll(absl::Milliseconds(100), first_new);
      bool pending = false;
      for (size_t i = first_new; i < streams_.size(); ++i) {
        pending |= streams_[i].state == Stream::kConnecting;
      }
      if (!pending) break;
    }
    return absl::OkStatus();
  }

  int Count(Stream::State state) const {
    return static_cast<int>(
        std::count_if(streams_.begin(), streams_.end(),
                      [&](const Stream& s) { return s.state == state; }));
  }

  // Reads what came on every connection for `duration`.
  void Drain(absl::Duration duration) {
    const absl::Time end = absl::Now() + duration;
    while (absl::Now() < end) Poll(absl::Milliseconds(50), -1);
  }

  // From now on, notes when each open stream receives `marker`.
  void SetMarker(const std::string& marker) {
    marker_ = marker;
    for (Stream& s : streams_) {
      s.saw_marker = false;
      s.recent.clear();
    }
  }
  // Polls until every open stream saw the marker or `wait` passed; the
  // delays from `since`, one for each stream that saw it.
  std::vector<absl::Duration> AwaitMarker(absl::Time since,
                                          absl::Duration wait) {
    const absl::Time deadline = absl::Now() + wait;
    while (absl::Now() < deadline) {
      Poll(absl::Milliseconds(50), -1);
      bool all = true;
      for (const Stream& s : streams_) {
        all &= s.state != Stream::kOpen || s.saw_marker;
      }
      if (all) break;
    }
    std::vector<absl::Duration> delays;
    for (const Stream& s : streams_) {
      if (s.state == Stream::kOpen && s.saw_marker) {
        delays.push_back(s.marker_seen - since);
      }
    }
    return delays;
  }

 private:
  // One poll over the connections still in play (from index `from` when
  // not negative, else all).
  void Poll(absl::Duration timeout, int from) {
    std::vector<pollfd> fds;
    std::vector<int> which;
    for (size_t i = from < 0 ? 0 : from; i < streams_.size(); ++i) {
      Stream& s = streams_[i];
      if (s.fd < 0) continue;
      short events = POLLIN;
      if (s.state == Stream::kConnecting && !sent_.count(i)) events |= POLLOUT;
      fds.push_back({s.fd, events, 0});
      which.push_back(static_cast<int>(i));
    }
    if (fds.empty()) {
      absl::SleepFor(timeout);
      return;
    }
    if (poll(fds.data(), fds.size(),
             static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) {
      return;
    }
    char buffer[16384];
    for (size_t k = 0; k < fds.size(); ++k) {
      const int i = which[k];
      Stream& s = streams_[i];
      if ((fds[k].revents & POLLOUT) && !sent_.count(i)) {
        const std::string request = absl::StrCat(
            "GET /v1/events:watch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\nAuthorization: Bearer ",
            tokens_[i % tokens_.size()], "\r\n\r\n");
        if (send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
          Finish(s, Stream::kClosed);
          continue;
        }
        sent_.insert(i);
      }
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = recv(s.fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        if (n < 0 && errno == EAGAIN) continue;
        Finish(s, Stream::kClosed);
        continue;
      }
      const absl::string_view got(buffer, n);
      if (s.state == Stream::kConnecting) {
        s.head.append(got.data(), got.size());
        const size_t line = s.head.find("\r\n");
        if (line == std::string::npos) continue;
        const bool ok = absl::StartsWith(s.head, "HTTP/1.1 200");
        if (!ok) {
          Finish(s, Stream::kRefused);
          continue;
        }
        s.state = Stream::kOpen;
        s.head.clear();
        continue;
      }
      if (!marker_.empty() && !s.saw_marker) {
        s.recent.append(got.data(), got.size());
        if (s.recent.find(marker_) != std::string::npos) {
          s.saw_marker = true;
          s.marker_seen = absl::Now();
          s.recent.clear();
        } else if (s.recent.size() > 4 * marker_.size()) {
          s.recent.erase(0, s.recent.size() - marker_.size());
        }
      }
    }
  }

  void Finish(Stream& s, Stream::State state) {
    s.state = state;
    close(s.fd);
    s.fd = -1;
  }

  const int port_;
  const std::vector<std::string> tokens_;
  std::vector<Stream> streams_;
  std::set<int> sent_;
  std::string marker_;
};

// VmRSS (bytes) and Threads of `pid`.
std::pair<int64_t, int> ProcessSize(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  int64_t rss = 0;
  int threads = 0;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "VmRSS:")) {
      rest = absl::StripAsciiWhitespace(rest);
      absl::ConsumeSuffix(&rest, " kB");
      int64_t kib = 0;
      if (absl::SimpleAtoi(rest, &kib)) rss = kib * 1024;
    } else if (absl::ConsumePrefix(&rest, "Threads:")) {
      absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &threads);
    }
  }
  return {rss, threads};
}

struct Latencies {
  std::vector<absl::Duration> health;
  std::vector<absl::Duration> read;
  int failures = 0;
};

// gRPC health checks and HTTP/JSON reads of `ticket`, kMeasureThreads of
// each, for `duration`, while `streams` keeps reading its connections.
Latencies MeasureBeside(const std::string& grpc_address, int http_port,
                        const std::string& token, const std::string& ticket,
                        Streams& streams, absl::Duration duration) {
  Latencies out;
  absl::Mutex mutex;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kMeasureThreads; ++t) {
    threads.emplace_back([&] {
      ClientOptions options;
      options.target = grpc_address;
      options.token = token;
      Client client(options);
      std::vector<absl::Duration> mine;
      int failed = 0;
      while (!stop.load()) {
        const absl::Time start = absl::Now();
        failed += !client.CheckHealth().ok();
        mine.push_back(absl::Now() - start);
      }
      absl::MutexLock lock(&mutex);
      out.health.insert(out.health.end(), mine.begin(), mine.end());
      out.failures += failed;
    });
    threads.emplace_back([&] {
      httplib::Client http("127.0.0.1", http_port);
      http.set_keep_alive(true);
      const httplib::Headers headers = {
          {"Authorization", absl::StrCat("Bearer ", token)}};
      const std::string path = absl::StrCat("/v1/", ticket);
      std::vector<absl::Duration> mine;
      int failed = 0;
      while (!stop.load()) {
        const absl::Time start = absl::Now();
        httplib::Result result = http.Get(path, headers);
        failed += !result || result->status != 200;
        mine.push_back(absl::Now() - start);
      }
      absl::MutexLock lock(&mutex);
      out.read.insert(out.read.end(), mine.begin(), mine.end());
      out.failures += failed;
    });
  }
  streams.Drain(duration);
  stop = true;
  for (std::thread& t : threads) t.join();
  return out;
}

// Runs `command`; its standard output.
std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// h2load's "finished in ..., N req/s" and its succeeded count.
std::pair<double, int64_t> H2loadRate(const std::string& output) {
  double rate = 0;
  int64_t succeeded = 0;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (absl::StartsWith(line, "finished in ")) {
      std::vector<absl::string_view> parts = absl::StrSplit(line, ", ");
      if (parts.size() > 1) {
        absl::string_view r = parts[1];
        absl::ConsumeSuffix(&r, " req/s");
        absl::SimpleAtod(r, &rate);
      }
    } else if (absl::StartsWith(line, "requests: ")) {
      for (absl::string_view part : absl::StrSplit(line, ", ")) {
        if (absl::EndsWith(part, " succeeded")) {
          absl::ConsumeSuffix(&part, " succeeded");
          absl::SimpleAtoi(part, &succeeded);
        }
      }
    }
  }
  return {rate, succeeded};
}

absl::Status MeasureRates(const std::string& dir, int grpc_port, int http_port,
                          const std::string& token, const std::string& ticket) {
  if (Capture("command -v h2load").empty()) {
    std::cout << "rates: h2load is not installed (apt-get install "
                 "nghttp2-client); skipped\n";
    return absl::OkStatus();
  }
  // GetTicket as a gRPC message: the 5-byte frame prefix, then the request.
  v1::GetTicketRequest request;
  request.set_name(ticket);
  const std::string body = request.SerializeAsString();
  std::string frame(5, '\0');  // not compressed; the length, big-endian
  for (int i = 0; i < 4; ++i) {
    frame[1 + i] = static_cast<char>((body.size() >> (8 * (3 - i))) & 0xff);
  }
  frame += body;
  // h2load counts HTTP statuses, and a refused gRPC call is HTTP 200 too:
  // the same call, through the client, must succeed first.
  {
    ClientOptions options;
    options.target = absl::StrCat("127.0.0.1:", grpc_port);
    options.token = token;
    Client client(options);
    RETURN_IF_ERROR(client.GetTicket(request).status());
  }
  const std::string frame_path = dir + "/get-ticket.grpc";
  std::ofstream(frame_path, std::ios::binary) << frame;
  const int requests = absl::GetFlag(FLAGS_requests);
  const std::string common =
      absl::StrCat("h2load -c 16 -t 1 -n ", requests,
                   " -H 'authorization: Bearer ", token, "' ");
  const std::string grpc = Capture(
      absl::StrCat(common, "-m 1 -d ", frame_path,
                   " -H 'content-type: application/grpc' -H 'te: trailers' "
                   "http://127.0.0.1:",
                   grpc_port, "/hotline.v1.HotlineService/GetTicket 2>&1"));
  const std::string http = Capture(absl::StrCat(
      common, "--h1 http://127.0.0.1:", http_port, "/v1/", ticket, " 2>&1"));
  const auto [grpc_rate, grpc_ok] = H2loadRate(grpc);
  const auto [http_rate, http_ok] = H2loadRate(http);
  std::cout << absl::StrFormat(
      "rates by h2load (16 connections, %d requests each): gRPC GetTicket "
      "%.0f/s (%d succeeded), HTTP/JSON GET /v1/%s %.0f/s (%d succeeded): "
      "HTTP/gRPC %.2f (goal: at least 0.8)\n",
      requests, grpc_rate, grpc_ok, ticket, http_rate, http_ok,
      grpc_rate > 0 ? http_rate / grpc_rate : 0.0);
  return absl::OkStatus();
}

absl::Status Run() {
  std::vector<int> steps;
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_streams), ',', absl::SkipEmpty())) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--streams: not a positive count: ", part));
    }
    steps.push_back(n);
  }
  if (steps.empty()) return absl::InvalidArgumentError("--streams is empty");
  // Every stream is a descriptor here too.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);

  ASSIGN_OR_RETURN(std::string dir,
                   bench::MakeScratchDir(absl::GetFlag(FLAGS_dir), "console"));
  const std::string db = dir + "/consoles.db";
  ASSIGN_OR_RETURN(std::string token, bench::BureauToken(db));
  const int grpc_port = FreeLoopbackPort();
  const int http_port = FreeLoopbackPort();
  const int threads = absl::GetFlag(FLAGS_http_threads);
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> server,
                   ChildProcess::Start(
                       {absl::GetFlag(FLAGS_server_bin), "--db=" + db,
                        absl::StrCat("--listen=127.0.0.1:", grpc_port),
                        absl::StrCat("--http_listen=127.0.0.1:", http_port),
                        absl::StrCat("--http_threads=", threads),
                        absl::StrCat("--http_max_connections=",
                                     absl::GetFlag(FLAGS_http_max_connections)),
                        "--quiet"},
                       dir + "/server.log"));
  const std::string grpc_address = absl::StrCat("127.0.0.1:", grpc_port);
  ClientOptions options;
  options.target = grpc_address;
  options.token = token;
  Client bureau(options);
  ASSIGN_OR_RETURN(v1::Ticket ticket, bureau.CreateTicket(bench::Draft()));
  // One caller holds at most max(2, threads / 8) streams: enough tokens.
  const int per_token = std::max(2, threads / 8);
  const int max_streams = *std::max_element(steps.begin(), steps.end());
  std::vector<std::string> tokens;
  for (int i = 0; i * per_token < max_streams; ++i) {
    v1::CreateTokenRequest create;
    create.mutable_token()->set_principal("bureau");
    create.mutable_token()->set_display_name(absl::StrCat("console ", i));
    ASSIGN_OR_RETURN(v1::Token made, bureau.CreateToken(create));
    tokens.push_back(made.secret());
  }
  std::cout << absl::StrFormat(
      "hotline-server --http_threads=%d --http_max_connections=%d (pid %d); "
      "%d bureau tokens, %d streams each at most; scratch %s\n",
      threads, absl::GetFlag(FLAGS_http_max_connections), server->pid(),
      tokens.size(), per_token, dir);

  RETURN_IF_ERROR(
      MeasureRates(dir, grpc_port, http_port, token, ticket.name()));

  Streams streams(http_port, tokens);
  const absl::Duration seconds = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  auto [rss0, threads0] = ProcessSize(server->pid());
  {
    Latencies idle = MeasureBeside(grpc_address, http_port, token,
                                   ticket.name(), streams, seconds);
    std::cout << absl::StrFormat(
        "no stream open: server %.1f MiB, %d threads; health p50/p99 %s/%s "
        "ms, HTTP read p50/p99 %s/%s ms (%d failed)\n",
        rss0 / 1048576.0, threads0, PercentileMillis(idle.health, 50),
        PercentileMillis(idle.health, 99), PercentileMillis(idle.read, 50),
        PercentileMillis(idle.read, 99), idle.failures);
  }
  std::cout << absl::StrFormat(
      "%8s %6s %8s %8s %10s %12s %8s %16s %16s %22s\n", "streams", "open",
      "refused", "waiting", "server MiB", "KiB a stream", "threads",
      "health p50/p99", "read p50/p99", "event reached (p99)");
  for (int step : steps) {
    RETURN_IF_ERROR(streams.OpenUpTo(step, absl::Seconds(15)));
    streams.Drain(absl::Seconds(1));
    const int open = streams.Count(Stream::kOpen);
    const int refused =
        streams.Count(Stream::kRefused) + streams.Count(Stream::kClosed);
    const int waiting = step - open - refused;
    auto [rss, server_threads] = ProcessSize(server->pid());
    Latencies beside = MeasureBeside(grpc_address, http_port, token,
                                     ticket.name(), streams, seconds);
    ASSIGN_OR_RETURN(v1::Ticket created, bureau.CreateTicket(bench::Draft()));
    streams.SetMarker(absl::StrCat("\"", created.name(), "\""));
    const absl::Time created_at = FromProtoTime(created.create_time());
    std::vector<absl::Duration> delays =
        streams.AwaitMarker(created_at, absl::Seconds(10));
    std::cout << absl::StrFormat(
        "%8d %6d %8d %8d %10.1f %12.1f %8d %16s %16s %22s\n", step, open,
        refused, waiting, rss / 1048576.0,
        open > 0 ? (rss - rss0) / 1024.0 / open : 0.0, server_threads,
        absl::StrCat(PercentileMillis(beside.health, 50), "/",
                     PercentileMillis(beside.health, 99)),
        absl::StrCat(PercentileMillis(beside.read, 50), "/",
                     PercentileMillis(beside.read, 99)),
        absl::StrCat(delays.size(), " of ", open, " (",
                     PercentileMillis(delays, 99), " ms)"));
    if (beside.failures > 0) {
      std::cout << "  (" << beside.failures
                << " health checks or reads failed beside the streams)\n";
    }
  }
  server->Terminate();
  return absl::OkStatus();
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) {
  hotline::bench::ParseCommandLine(
      argc, argv, "bench/consoles.cc",
      "A city's consoles: event streams (SSE) opened in steps on a "
      "hotline-server, what each costs, and health and API latency beside "
      "them; HTTP/JSON reads beside gRPC's by h2load.");
  absl::Status status = hotline::Run();
  if (!status.ok()) {
    std::cerr << "hotline-console-bench: " << status << "\n";
    return 1;
  }
  return 0;
}
