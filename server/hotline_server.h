// The assembled service: store, authentication, use cases and the gRPC
// server with health checking (grpc.health.v1) and server reflection. Used by
// hotline-server's main and by the tests, which start it on a loopback port.
//
//   ServerOptions options;
//   options.listen_address = "127.0.0.1:0";   // any free port
//   options.store.path = "/tmp/x/hotline.db";
//   RealClock clock;
//   ASSIGN_OR_RETURN(auto server, HotlineServer::Start(options, &clock));
//   ... connect to server->address() ...
//   server->Shutdown(absl::Seconds(5));
//
// Thread-safe.
#ifndef HOTLINE_SERVER_HOTLINE_SERVER_H_
#define HOTLINE_SERVER_HOTLINE_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "app/backup_service.h"
#include "app/calendar_update.h"
#include "app/executor.h"
#include "app/notifier.h"
#include "gateway/http_gateway.h"
#include "hotline/v1/ticket.pb.h"
#include "server/event_feed.h"
#include "server/transport_security.h"
#include "storage/open_store.h"
#include "workflow/attachment_rules.h"
#include "workflow/calendar.h"
#include "workflow/category_catalogue.h"
#include "workflow/clock.h"

namespace grpc {
class Server;
}

namespace hotline {

class AdminService;
class Authenticator;
struct CallLimits;
class CardService;
class DailyReportService;
class PolicyRegistry;
class StatisticsService;
class Sweeper;
class HotlineGrpcService;
class Metrics;
class TicketService;
class BlobCollector;
class Notifier;
class NotificationTransport;
class SubscriptionService;

struct ServerOptions {
  // host:port; port 0 picks a free one.
  std::string listen_address = "127.0.0.1:7345";
  storage::StoreOptions store;
  // The SQLite store's own options (ignored by a PostgreSQL store).
  storage::SqliteOptions sqlite;
  // Largest request or response message, in bytes.
  int max_message_bytes = 4 << 20;
  // The working-day calendar file (empty: the shipped one, see
  // ShippedCalendarCandidates) and the bureau's time zone.
  std::string calendar_path;
  std::string time_zone = "Asia/Shanghai";
  // The category catalogue file (诉求分类目录, workflow/category_catalogue.h).
  // Empty: the shipped categories.csv when found (ShippedDataCandidates),
  // else none (every category code is then refused).
  std::string categories_path;
  // Attachments' limits (附件, workflow/attachment_rules.h).
  AttachmentLimits attachments;
  // The change feed's batching and stall limits.
  EventFeedOptions feed;
  // The deadline policy to put in force (see workflow/policy.h); the
  // built-in defaults when its version is empty.
  v1::Policy policy;
  // host:port to serve Prometheus metrics on (HTTP, /metrics; see
  // metrics.h); empty: not served (they are still recorded).
  std::string metrics_listen_address;
  // Online backups (none when backup.directory is empty).
  BackupOptions backup;
  // Plaintext (loopback only, unless insecure), TLS or mutual TLS, and how
  // often certificate files are re-read (see transport_security.h).
  TransportSecurityOptions transport;
  // The HTTP/JSON API and the web console (gateway/http_gateway.h), served
  // when http.listen_address is set; the console only when http.web_root
  // is. Its TLS certificate, key, refresh interval and `insecure` are
  // taken from `transport`.
  gateway::HttpGatewayOptions http;
  // Notifications (app/notifier.h): retries, timeout and the SMS gateway
  // (its zone and user agent are the server's).
  NotifierOptions notifier;
  // Allow webhooks over http:// to loopback receivers (tests, a receiver on
  // this machine); https:// only otherwise.
  bool notify_allow_loopback_http = false;
  // CA certificates (PEM) receivers' certificates are checked against;
  // empty: the system's.
  std::string notify_ca_file;
  // For tests only: runs during a rehearsal AdvanceClock's sweep, each time
  // it looks whether to stop (AdvanceClockBatchHook in admin_service.h).
  // Must be thread-safe. Empty: nothing runs.
  std::function<void(const CallLimits& call)> advance_clock_batch_hook;
};

// Where the console's files are looked for: <prefix>/share/hotline/web
// beside the installed binary, then the source tree's web/. The first that
// exists; empty when none does.
std::string FindShippedWebRoot();

// Where the calendar the project ships is looked for, in order: the
// binary's install prefix (<prefix>/share/hotline/ beside <prefix>/bin/,
// found through /proc/self/exe), then the source tree it was built from.
std::vector<std::string> ShippedCalendarCandidates();
// The same places for another of the shipped data files.
std::vector<std::string> ShippedDataCandidates(const std::string& file_name);
// The first of `candidates` that exists; NOT_FOUND naming every one tried.
absl::StatusOr<std::string> FindCalendar(
    const std::vector<std::string>& candidates);

// OK when a server could listen on `address` (host:port): FAILED_PRECONDITION
// with a one-line reason when the port is in use (gRPC's SO_REUSEPORT, which
// would let two servers share it, is off) or the host is not this machine's.
// `flag` names the flag to change in that reason.
absl::Status CheckCanListen(const std::string& address,
                            absl::string_view flag = "--listen");

class HotlineServer final {
 public:
  // Loads the calendar and policy, checks that the address is free, opens
  // the store (locking the file against a second server, checking it, then
  // creating and migrating it as needed) and starts serving. `clock` must
  // outlive the server. A ManualClock puts the server in rehearsal mode: no
  // background sweeper, and AdvanceClock moves the clock and sweeps.
  //
  // A calendar that covers further than the one deadlines were computed
  // with moves open tickets' provisional deadlines (app/calendar_update.h):
  // before serving in rehearsal mode, behind the start on the real clock.
  //
  // Health (grpc.health.v1), for "" and for "hotline.v1.HotlineService",
  // is SERVING while the store is healthy, and NOT_SERVING when its file is
  // found damaged (until a restart) or its disk is full (until a write
  // commits again).
  static absl::StatusOr<std::unique_ptr<HotlineServer>> Start(
      const ServerOptions& options, Clock* clock);
  // Shutdown(zero grace) unless already shut down.
  ~HotlineServer();
  HotlineServer(const HotlineServer&) = delete;
  HotlineServer& operator=(const HotlineServer&) = delete;

  // The port actually bound.
  int port() const { return port_; }
  // "host:port" to connect to.
  std::string address() const;
  // The port metrics are served on; 0 when not served.
  int metrics_port() const;
  // The port the HTTP/JSON API is served on; 0 when not served.
  int http_port() const;

  // Stops accepting calls, lets calls in flight finish for up to `grace`
  // (then cancels them), writes what was acknowledged and closes the
  // database. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  HotlineServer() = default;

  // Start's steps, in order; each leaves what it made for Shutdown.
  // The store (locked), the rehearsal clock resumed, the policies.
  absl::Status OpenState(const ServerOptions& options, Clock* clock,
                         WorkingDayCalendar calendar,
                         CategoryCatalogue categories);
  // The executor, the use cases, the feed, the metrics and the gRPC service;
  // commits reach the feed and (real clock) the sweeper.
  absl::Status MakeServices(const ServerOptions& options, Clock* clock);
  // gRPC on options.listen_address; health follows the store.
  absl::Status StartGrpc(
      const ServerOptions& options,
      const std::shared_ptr<grpc::ServerCredentials>& credentials);
  // The HTTP gateway on options.http.listen_address, over gRPC in process.
  absl::Status StartHttp(const ServerOptions& options);

  std::string host_;
  int port_ = 0;
  bool shut_down_ = false;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<PolicyRegistry> policies_;
  // Real clock only: open tickets' deadlines on a newer calendar.
  std::unique_ptr<CalendarCoverageUpdate> calendar_update_;
  std::unique_ptr<Sweeper> sweeper_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<CardService> cards_;
  std::unique_ptr<DailyReportService> reports_;
  std::unique_ptr<StatisticsService> statistics_;
  std::unique_ptr<EventFeed> feed_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<BackupService> backups_;
  std::unique_ptr<BlobCollector> blob_collector_;
  std::unique_ptr<NotificationTransport> notification_transport_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<SubscriptionService> subscriptions_;
  std::unique_ptr<HotlineGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<gateway::HttpGateway> http_;
  // Last: destroyed first, while what its tasks use still stands.
  std::unique_ptr<Executor> executor_;
};

}  // namespace hotline

#endif  // HOTLINE_SERVER_HOTLINE_SERVER_H_
