// hotline-server serving (server/modes.h): the serving flags turned into
// ServerOptions, the server started, its start logged, then serving until
// SIGINT or SIGTERM.
//
// Under systemd (Type=notify) it tells the manager READY=1 once it listens
// and STOPPING=1 when a signal starts its shutdown.
#include <pthread.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "app/data_files.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/grpc_log.h"
#include "server/hotline_server.h"
#include "server/main_flags.h"
#include "server/modes.h"
#include "server/transport_security.h"
#include "storage/open_store.h"
#include "workflow/clock.h"

namespace hotline {
namespace {

// Signals are taken by sigwait, never by a handler: blocked before gRPC
// starts its threads, which inherit the mask. SIGHUP must never kill the
// server: certificates reload from their files on their own (see
// --tls_refresh_seconds), so it is only logged.
sigset_t BlockSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

absl::Status SetUpLogging() {
  SetInfoLogging(!absl::GetFlag(FLAGS_quiet));
  const std::string log_format = absl::GetFlag(FLAGS_log_format);
  if (log_format == "json") {
    SetLogFormat(LogFormat::kJson);
  } else if (log_format != "text") {
    return absl::InvalidArgumentError("--log_format must be text or json");
  }
  RouteGrpcLogs();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Clock>> ClockFromFlags() {
  const std::string kind = absl::GetFlag(FLAGS_clock);
  if (kind == "real") return std::make_unique<RealClock>();
  if (kind != "manual") {
    return absl::InvalidArgumentError("--clock must be real or manual");
  }
  absl::Time start = absl::Now();
  const std::string start_text = absl::GetFlag(FLAGS_start_time);
  std::string error;
  if (!start_text.empty() &&
      !absl::ParseTime(absl::RFC3339_full, start_text, &start, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--start_time needs an RFC 3339 time such as "
                     "2021-02-10T09:00:00+08:00: ",
                     error));
  }
  return std::make_unique<ManualClock>(start);
}

// --sms_gateway and --notify_*.
absl::Status ReadNotificationFlags(ServerOptions& options) {
  options.notify_allow_loopback_http =
      absl::GetFlag(FLAGS_notify_allow_loopback_http);
  options.notify_ca_file = absl::GetFlag(FLAGS_notify_ca_file);
  if (!options.notify_ca_file.empty() &&
      !std::ifstream(options.notify_ca_file).good()) {
    // Every delivery would fail its TLS check: say so at the start.
    return absl::InvalidArgumentError(
        absl::StrCat("--notify_ca_file: cannot read ", options.notify_ca_file));
  }
  NotifierOptions& notifier = options.notifier;
  notifier.max_attempts = absl::GetFlag(FLAGS_notify_max_attempts);
  notifier.first_retry = absl::GetFlag(FLAGS_notify_first_retry);
  notifier.longest_retry = absl::GetFlag(FLAGS_notify_longest_retry);
  notifier.timeout = absl::GetFlag(FLAGS_notify_timeout);
  if (notifier.max_attempts < 1 ||
      notifier.first_retry <= absl::ZeroDuration() ||
      notifier.longest_retry < notifier.first_retry ||
      notifier.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--notify_max_attempts must be 1 or more, --notify_first_retry and "
        "--notify_timeout positive, and --notify_longest_retry at least "
        "--notify_first_retry");
  }
  if (const std::string path = absl::GetFlag(FLAGS_sms_gateway);
      !path.empty()) {
    ASSIGN_OR_RETURN(
        notifier.sms_gateway,
        LoadSmsGatewayFile(path, options.notify_allow_loopback_http));
  }
  return absl::OkStatus();
}

// --policy and --calendar (the shipped calendar resolved here to be logged;
// when none is found, Start refuses with the paths it tried).
absl::Status ReadDataFileFlags(ServerOptions& options) {
  if (!absl::GetFlag(FLAGS_policy).empty()) {
    ASSIGN_OR_RETURN(options.policy,
                     LoadPolicyFile(absl::GetFlag(FLAGS_policy)));
  }
  options.calendar_path = absl::GetFlag(FLAGS_calendar);
  if (options.calendar_path.empty()) {
    absl::StatusOr<std::string> shipped =
        FindCalendar(ShippedCalendarCandidates());
    if (shipped.ok()) options.calendar_path = *shipped;
  }
  options.time_zone = absl::GetFlag(FLAGS_time_zone);
  options.categories_path = absl::GetFlag(FLAGS_categories);
  options.attachments.max_file_bytes =
      absl::GetFlag(FLAGS_attachment_max_bytes);
  options.attachments.max_ticket_bytes =
      absl::GetFlag(FLAGS_ticket_attachments_max_bytes);
  options.attachments.max_ticket_files =
      absl::GetFlag(FLAGS_ticket_attachments_max_files);
  options.attachments.daily_quota_bytes =
      absl::GetFlag(FLAGS_attachment_daily_quota_bytes);
  if (options.attachments.max_file_bytes < 1 ||
      options.attachments.max_ticket_bytes < 1 ||
      options.attachments.max_ticket_files < 1 ||
      options.attachments.daily_quota_bytes < 1) {
    return absl::InvalidArgumentError(
        "--attachment_max_bytes, --ticket_attachments_max_bytes, "
        "--ticket_attachments_max_files and --attachment_daily_quota_bytes "
        "must be positive");
  }
  return ReadNotificationFlags(options);
}

absl::Status ReadHttpAndBackupFlags(ServerOptions& options) {
  options.http.listen_address = absl::GetFlag(FLAGS_http_listen);
  options.http.web_root = absl::GetFlag(FLAGS_web_root);
  if (options.http.web_root.empty()) {
    options.http.web_root = FindShippedWebRoot();
  }
  options.http.threads = absl::GetFlag(FLAGS_http_threads);
  if (options.http.threads < 2) {
    return absl::InvalidArgumentError("--http_threads must be at least 2");
  }
  options.http.max_connections = absl::GetFlag(FLAGS_http_max_connections);
  if (options.http.max_connections < 1) {
    return absl::InvalidArgumentError(
        "--http_max_connections must be at least 1");
  }
  options.http.max_connections_per_address =
      absl::GetFlag(FLAGS_http_max_connections_per_address);
  if (options.http.max_connections_per_address < 0) {
    return absl::InvalidArgumentError(
        "--http_max_connections_per_address must be 0 (no limit) or more");
  }
  options.backup.directory = absl::GetFlag(FLAGS_backup_dir);
  options.backup.every = absl::GetFlag(FLAGS_backup_every);
  options.backup.keep = absl::GetFlag(FLAGS_backup_keep);
  if (options.backup.keep < 1 || options.backup.every < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--backup_keep must be at least 1 and --backup_every 0 or more (e.g. "
        "24h)");
  }
  return absl::OkStatus();
}

// The listeners, the store, the limits and the transport's flags.
absl::Status ReadServingFlags(ServerOptions& options) {
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.store.path = absl::GetFlag(FLAGS_db);
  options.sqlite.synchronous_full = absl::GetFlag(FLAGS_sync) == "full";
  options.store.read_connections = absl::GetFlag(FLAGS_read_connections);
  if (absl::GetFlag(FLAGS_start_check_limit_mb) < 0) {
    return absl::InvalidArgumentError(
        "--start_check_limit_mb must be 0 or more");
  }
  options.sqlite.start_check_limit_bytes =
      int64_t{absl::GetFlag(FLAGS_start_check_limit_mb)} << 20;
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  RETURN_IF_ERROR(ReadHttpAndBackupFlags(options));
  return TransportFromFlags(
      absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
      absl::GetFlag(FLAGS_tls_client_ca), absl::GetFlag(FLAGS_tls_client_auth),
      absl::GetFlag(FLAGS_tls_refresh_seconds), absl::GetFlag(FLAGS_insecure),
      &options.transport);
}

// "host" of "host:port".
std::string HostOf(const std::string& address) {
  return address.substr(0, address.rfind(':'));
}

void LogListeners(const ServerOptions& options, const HotlineServer& server) {
  // The address as bound (0.0.0.0 stays 0.0.0.0: every interface), with the
  // port actually taken.
  LogInfo(absl::StrFormat(
      "hotline-server listening on %s:%d (%s), database %s (%s)",
      HostOf(options.listen_address), server.port(),
      DescribeTransport(options.transport),
      storage::RedactedDatabase(options.store.path),
      storage::IsPostgresDatabase(options.store.path)
          ? "PostgreSQL"
          : absl::StrCat("sync=", absl::GetFlag(FLAGS_sync))));
  LogInfo(absl::StrCat("working-day calendar ", options.calendar_path));
  if (server.metrics_port() != 0) {
    LogInfo(absl::StrFormat("metrics on http://%s:%d/metrics",
                            HostOf(options.metrics_listen_address),
                            server.metrics_port()));
  }
  if (server.http_port() != 0) {
    const std::string base = absl::StrFormat(
        "%s://%s:%d", options.transport.cert_file.empty() ? "http" : "https",
        HostOf(options.http.listen_address), server.http_port());
    LogInfo(absl::StrCat(
        "HTTP/JSON API on ", base, "/v1/",
        options.http.web_root.empty()
            ? " (no console: --web_root not found)"
            : absl::StrCat(", web console on ", base, "/console/ (files in ",
                           options.http.web_root, ")")));
  }
}

void LogBackups(const ServerOptions& options) {
  if (options.backup.directory.empty()) return;
  LogInfo(absl::StrFormat(
      "backups into %s: %s, keeping the newest %d", options.backup.directory,
      options.backup.every > absl::ZeroDuration()
          ? absl::StrCat("every ", absl::FormatDuration(options.backup.every))
          : "on request only",
      options.backup.keep));
}

// Tells systemd it is ready, serves until SIGINT or SIGTERM (logging
// SIGHUPs), then shuts down within --shutdown_grace_seconds.
void ServeUntilSignal(const sigset_t& signals, const ServerOptions& options,
                      std::unique_ptr<HotlineServer> server) {
  // Ready: every listener is bound. No-op without NOTIFY_SOCKET.
  const std::string ready =
      absl::StrFormat("READY=1\nSTATUS=listening on %s:%d",
                      HostOf(options.listen_address), server->port());
  sd_notify(0, ready.c_str());
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    LogInfo(DescribeSighup(options.transport));
  }
  sd_notify(0, "STOPPING=1");
  LogInfo(absl::StrFormat("signal %d: shutting down", signal_number));
  server->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server.reset();
  LogInfo("stopped; database closed");
}

}  // namespace

int ServeMode() {
  const std::string sync = absl::GetFlag(FLAGS_sync);
  if (sync != "full" && sync != "normal") {
    return FailWith(absl::InvalidArgumentError("--sync must be full or normal"),
                    2);
  }
  const sigset_t signals = BlockSignals();
  if (absl::Status logging = SetUpLogging(); !logging.ok()) {
    return FailWith(logging, 2);
  }
  absl::StatusOr<std::unique_ptr<Clock>> clock = ClockFromFlags();
  if (!clock.ok()) return FailWith(clock.status(), 2);
  ServerOptions options;
  if (absl::Status files = ReadDataFileFlags(options); !files.ok()) {
    return FailWith(files, 1);
  }
  if (absl::Status flags = ReadServingFlags(options); !flags.ok()) {
    return FailWith(flags, 2);
  }
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options, clock->get());
  if (!server.ok()) return FailWith(server.status(), 1);
  LogListeners(options, **server);
  LogBackups(options);
  ServeUntilSignal(signals, options, *std::move(server));
  return 0;
}

}  // namespace hotline
