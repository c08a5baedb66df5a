#include "server/hotline_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "app/authenticator.h"
#include "app/blob_collector.h"
#include "app/calendar_update.h"
#include "app/card_service.h"
#include "app/daily_report_service.h"
#include "app/data_files.h"
#include "app/notifier.h"
#include "app/policy_registry.h"
#include "app/rehearsal_clock.h"
#include "app/statistics_service.h"
#include "app/subscription_service.h"
#include "app/sweeper.h"
#include "app/ticket_service.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "gateway/embedded_openapi.h"
#include "hotline/version.h"
#include "server/event_feed.h"
#include "server/grpc_service.h"
#include "server/http_notification_transport.h"
#include "server/metrics.h"
#include "server/request_parse_errors.h"
#include "workflow/calendar.h"
#include "workflow/policy.h"

namespace hotline {
namespace {

// Threads that run calls (reads wait for one of the store's read
// connections there).
constexpr int kCallThreads = 16;

}  // namespace

std::vector<std::string> ShippedCalendarCandidates() {
  return ShippedDataCandidates(HOTLINE_CALENDAR_FILE_NAME);
}

std::vector<std::string> ShippedDataCandidates(const std::string& file_name) {
  std::vector<std::string> candidates;
  std::error_code error;
  const std::filesystem::path binary =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(
        (binary.parent_path().parent_path() / "share" / "hotline" / file_name)
            .lexically_normal()
            .string());
  }
  candidates.push_back(std::string(HOTLINE_SOURCE_DATA_DIR) + "/" + file_name);
  return candidates;
}

std::string FindShippedWebRoot() {
  std::vector<std::string> candidates;
  std::error_code error;
  const std::filesystem::path binary =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(
        (binary.parent_path().parent_path() / "share" / "hotline" / "web")
            .lexically_normal()
            .string());
  }
  candidates.push_back(HOTLINE_SOURCE_WEB_DIR);
  for (const std::string& candidate : candidates) {
    struct stat info;
    const std::string index = candidate + "/index.html";
    if (stat(index.c_str(), &info) == 0) return candidate;
  }
  return "";
}

absl::StatusOr<std::string> FindCalendar(
    const std::vector<std::string>& candidates) {
  for (const std::string& candidate : candidates) {
    struct stat info;
    if (stat(candidate.c_str(), &info) == 0) return candidate;
  }
  return absl::NotFoundError(absl::StrCat(
      "no calendar file found (tried ", absl::StrJoin(candidates, ", "),
      "); install the project's data/ files in <prefix>/share/hotline/ or "
      "give --calendar=FILE"));
}

absl::Status CheckCanListen(const std::string& address,
                            absl::string_view flag) {
  if (absl::StartsWith(address, "unix:")) return absl::OkStatus();
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return absl::OkStatus();  // gRPC says why
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (port == "0") return absl::OkStatus();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string cannot = absl::StrCat("cannot listen on ", address, ": ");
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(),
                                 port.c_str(), &hints, &found);
      rc != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(cannot, gai_strerror(rc)));
  }
  absl::Status result;
  for (addrinfo* a = found; a != nullptr && result.ok(); a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;  // e.g. no IPv6 here; gRPC skips it too
    // As gRPC does: a port left in TIME_WAIT by a stopped server is free.
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      const int error = errno;
      if (error == EADDRINUSE) {
        result = absl::FailedPreconditionError(absl::StrCat(
            cannot,
            "the port is in use by another process (another hotline-server?); "
            "stop it, or give ",
            flag, " another port"));
      } else if (error == EADDRNOTAVAIL) {
        result = absl::FailedPreconditionError(
            absl::StrCat(cannot, "not an address of this machine"));
      } else {
        result = absl::FailedPreconditionError(
            absl::StrCat(cannot, std::strerror(error)));
      }
    }
    close(fd);
  }
  freeaddrinfo(found);
  return result;
}

namespace {

// What a start may be refused for before anything is touched: the calendar,
// the transport, the addresses and the backup directory. Returns the
// calendar and the gRPC credentials.
absl::Status CheckBeforeStart(
    const ServerOptions& options, std::optional<WorkingDayCalendar>& calendar,
    CategoryCatalogue& categories,
    std::shared_ptr<grpc::ServerCredentials>& credentials) {
  std::string calendar_path = options.calendar_path;
  if (calendar_path.empty()) {
    ASSIGN_OR_RETURN(calendar_path, FindCalendar(ShippedCalendarCandidates()));
  }
  ASSIGN_OR_RETURN(calendar,
                   LoadCalendarFile(calendar_path, options.time_zone));
  std::string categories_path = options.categories_path;
  if (categories_path.empty()) {
    for (const std::string& candidate :
         ShippedDataCandidates(HOTLINE_CATEGORIES_FILE_NAME)) {
      struct stat info;
      if (stat(candidate.c_str(), &info) == 0) {
        categories_path = candidate;
        break;
      }
    }
  }
  if (!categories_path.empty()) {
    ASSIGN_OR_RETURN(categories, LoadCategoryFile(categories_path));
  }
  ASSIGN_OR_RETURN(credentials, MakeServerCredentials(options.listen_address,
                                                      options.transport));
  RETURN_IF_ERROR(CheckCanListen(options.listen_address));
  if (!options.http.listen_address.empty()) {
    RETURN_IF_ERROR(
        CheckCanListen(options.http.listen_address, "--http_listen"));
  }
  if (!options.metrics_listen_address.empty()) {
    RETURN_IF_ERROR(
        CheckCanListen(options.metrics_listen_address, "--metrics_listen"));
  }
  if (!options.backup.directory.empty()) {
    RETURN_IF_ERROR(PrepareBackupDirectory(options.backup.directory));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<HotlineServer>> HotlineServer::Start(
    const ServerOptions& options, Clock* clock) {
  std::optional<WorkingDayCalendar> calendar;
  CategoryCatalogue categories;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Before the database is touched: a refused start changes nothing.
  RETURN_IF_ERROR(CheckBeforeStart(options, calendar, categories, credentials));
  std::unique_ptr<HotlineServer> server(new HotlineServer());
  RETURN_IF_ERROR(server->OpenState(options, clock, *std::move(calendar),
                                    std::move(categories)));
  RETURN_IF_ERROR(server->MakeServices(options, clock));
  RETURN_IF_ERROR(server->StartGrpc(options, credentials));
  if (!options.http.listen_address.empty()) {
    RETURN_IF_ERROR(server->StartHttp(options));
  }
  const size_t colon = options.listen_address.rfind(':');
  server->host_ = options.listen_address.substr(0, colon);
  if (server->host_.empty() || server->host_ == "0.0.0.0" ||
      server->host_ == "[::]") {
    server->host_ = "127.0.0.1";
  }
  return server;
}

absl::Status HotlineServer::OpenState(const ServerOptions& options,
                                      Clock* clock, WorkingDayCalendar calendar,
                                      CategoryCatalogue categories) {
  storage::StoreOptions store_options = options.store;
  store_options.time_zone = options.time_zone;
  storage::SqliteOptions sqlite = options.sqlite;
  sqlite.lock = true;  // one server per file
  ASSIGN_OR_RETURN(store_, storage::OpenStore(store_options, sqlite));
  // A manual clock means rehearsal mode (see the header); it resumes where
  // the database's rehearsal stood.
  if (auto* rehearsal_clock = dynamic_cast<ManualClock*>(clock)) {
    RETURN_IF_ERROR(ResumeRehearsalClock(*store_, *rehearsal_clock));
  }
  ASSIGN_OR_RETURN(
      policies_,
      PolicyRegistry::Open(
          *store_, std::move(calendar),
          options.policy.version().empty() ? DefaultPolicy() : options.policy,
          clock->Now(), std::move(categories)));
  // In rehearsal, before serving, so that a replay is the same on every
  // run; on the real clock, behind the start (MakeServices).
  if (dynamic_cast<ManualClock*>(clock) != nullptr) {
    return ApplyCalendarCoverage(*store_, *policies_).status();
  }
  return absl::OkStatus();
}

absl::Status HotlineServer::MakeServices(const ServerOptions& options,
                                         Clock* clock) {
  ManualClock* rehearsal_clock = dynamic_cast<ManualClock*>(clock);
  // Where calls run (never on gRPC's callback threads, which a read that
  // waits for a connection would hold) and conflicting writes are planned
  // again.
  executor_ = std::make_unique<Executor>(kCallThreads);
  Executor* executor = executor_.get();
  sweeper_ = std::make_unique<Sweeper>(store_.get(), clock, policies_.get());
  authenticator_ = std::make_unique<Authenticator>(store_.get());
  tickets_ = std::make_unique<TicketService>(
      store_.get(), clock, policies_.get(), executor, options.attachments);
  // Bytes an upload stored and never recorded (a crash between the two, a
  // refused record) go at start and every hour after; an hour's age spares
  // uploads in flight, here and on other servers sharing the store.
  blob_collector_ = std::make_unique<BlobCollector>(
      store_.get(), absl::Hours(1), absl::Hours(1));
  cards_ = std::make_unique<CardService>(
      store_.get(), clock, policies_->calendar().zone(), executor);
  admin_ = std::make_unique<AdminService>(
      store_.get(), clock, policies_.get(), sweeper_.get(), rehearsal_clock,
      executor,
      [authenticator = authenticator_.get()] { authenticator->ForgetTokens(); },
      options.advance_clock_batch_hook);
  reports_ = std::make_unique<DailyReportService>(store_.get(), clock,
                                                  policies_.get(), executor);
  statistics_ = std::make_unique<StatisticsService>(
      store_.get(), clock, policies_->calendar().zone(), policies_.get());
  feed_ = std::make_unique<EventFeed>(store_.get(), options.feed);
  notification_transport_ =
      std::make_unique<HttpNotificationTransport>(options.notify_ca_file);
  NotifierOptions notifier = options.notifier;
  notifier.zone = policies_->calendar().zone();
  notifier.user_agent = absl::StrCat("hotline/", HOTLINE_VERSION);
  notifier_ = std::make_unique<Notifier>(
      store_.get(), clock, notification_transport_.get(), notifier);
  ASSIGN_OR_RETURN(metrics_, Metrics::Start(options.metrics_listen_address,
                                            {store_.get(), feed_.get(), clock,
                                             notifier_.get()}));
  backups_ = std::make_unique<BackupService>(store_.get(), options.backup);
  subscriptions_ = std::make_unique<SubscriptionService>(
      store_.get(), clock, executor,
      SubscriptionServiceOptions{options.notify_allow_loopback_http,
                                 options.notifier.sms_gateway.has_value()},
      [notifier = notifier_.get()] { notifier->SubscriptionsChanged(); });
  service_ = std::make_unique<HotlineGrpcService>(
      authenticator_.get(), tickets_.get(), cards_.get(), reports_.get(),
      statistics_.get(), feed_.get(), admin_.get(), backups_.get(),
      subscriptions_.get(), executor, metrics_.get());
  // After every commit: the feed serves new events; the sweeper (real clock
  // only) looks for an earlier deadline.
  Sweeper* sweeper = rehearsal_clock == nullptr ? sweeper_.get() : nullptr;
  EventFeed* feed = feed_.get();
  Notifier* notifier_now = notifier_.get();
  store_->SetCommitListener(
      [sweeper, feed, notifier_now](const std::vector<v1::Event>& events) {
        feed->Publish(events);
        if (sweeper != nullptr) sweeper->Notify();
        notifier_now->Wake();
      });
  if (sweeper != nullptr) sweeper->Start();
  notifier_->Start();
  // On the real clock, open tickets are brought up to a newer calendar
  // behind the start (calendar_update.h), once the feed hears every commit.
  if (rehearsal_clock == nullptr) {
    calendar_update_ =
        std::make_unique<CalendarCoverageUpdate>(store_.get(), policies_.get());
  }
  return absl::OkStatus();
}

absl::Status HotlineServer::StartGrpc(
    const ServerOptions& options,
    const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC's default SO_REUSEPORT lets a second server bind a port in use and
  // take part of its connections: a port must have one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.listen_address, credentials, &port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.RegisterService(service_.get());
  AddRequestParseErrors(builder);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (in use, or not an address of this machine?)"));
  }
  // Health follows the database: NOT_SERVING while its disk is full or once
  // it is found damaged.
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health != nullptr) {
    store_->SetHealthListener([health](storage::StoreHealth state) {
      const bool serving = state == storage::StoreHealth::kHealthy;
      health->SetServingStatus(serving);
      health->SetServingStatus(v1::HotlineService::service_full_name(),
                               serving);
    });
  }
  return absl::OkStatus();
}

absl::Status HotlineServer::StartHttp(const ServerOptions& options) {
  gateway::HttpGatewayOptions http = options.http;
  // The metrics outlive the gateway (members destroyed in reverse order;
  // Shutdown waits for the gateway).
  http.on_refusal = [metrics = metrics_.get()](int http_status,
                                               absl::string_view reason,
                                               absl::string_view route) {
    metrics->RecordHttpRefusal(http_status, reason, route);
  };
  // The API's description as the build wrote it from the protos.
  if (http.openapi_document.empty()) {
    http.openapi_document = std::string(gateway::EmbeddedOpenApiDocument());
  }
  http.tls_cert_file = options.transport.cert_file;
  http.tls_key_file = options.transport.key_file;
  http.tls_refresh_interval = options.transport.refresh_interval;
  http.insecure = options.transport.insecure;
  http.max_body_bytes = static_cast<size_t>(options.max_message_bytes);
  // A file, and room for a multipart form's framing around it.
  http.max_upload_bytes =
      static_cast<size_t>(options.attachments.max_file_bytes) + (64 << 10);
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_message_bytes);
  arguments.SetMaxSendMessageSize(options.max_message_bytes);
  ASSIGN_OR_RETURN(
      http_,
      gateway::HttpGateway::Start(
          http, server_->InProcessChannel(arguments),
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              v1::HotlineService::service_full_name())));
  return absl::OkStatus();
}

HotlineServer::~HotlineServer() { Shutdown(absl::ZeroDuration()); }

std::string HotlineServer::address() const {
  return absl::StrCat(host_, ":", port_);
}

int HotlineServer::http_port() const {
  return http_ == nullptr ? 0 : http_->port();
}

int HotlineServer::metrics_port() const {
  return metrics_ == nullptr ? 0 : metrics_->port();
}

void HotlineServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // Start may have failed part way: stop only what was started.
  // Scrapes read the store: they stop before it closes.
  if (metrics_ != nullptr) metrics_->StopServing();
  // No new HTTP connections; its requests in flight end with the gRPC
  // calls they wait for.
  if (http_ != nullptr) http_->BeginShutdown();
  // Streams end first (they would otherwise hold Shutdown until its grace
  // runs out); their clients resume from the seq they were told.
  if (feed_ != nullptr) feed_->Shutdown();
  if (server_ != nullptr) {
    // Returns once every call has finished; writes the calls wait for are
    // still being committed by the store's writer meanwhile.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  if (http_ != nullptr) http_->Wait();
  // Every call has ended: nothing more is posted.
  executor_.reset();
  if (sweeper_ != nullptr) sweeper_->Stop();
  if (backups_ != nullptr) backups_->Stop();
  if (blob_collector_ != nullptr) blob_collector_->Stop();
  if (calendar_update_ != nullptr) calendar_update_->Stop();
  // Records each subscription's cursor while the store is open.
  if (notifier_ != nullptr) notifier_->Stop();
  if (store_ != nullptr) store_->Close();
}

}  // namespace hotline
