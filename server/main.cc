// hotline-server: the 12345 hotline ticket workflow service.
//
//   hotline-server --db=var/hotline.db --listen=127.0.0.1:7345
//   hotline-server --db=var/hotline.db --create_token=bureau   # bootstrap
//   hotline-server --flagfile=/etc/hotline/hotline-server.flags  # packaged
//   hotline-server --db=postgresql://hotline@/hotline --copy_from=hotline.db
//
// Under systemd (Type=notify) it tells the manager READY=1 once it listens
// and STOPPING=1 when a signal starts its shutdown.
#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "hotline/version.h"
#include "app/admin_service.h"
#include "server/grpc_log.h"
#include "server/hotline_server.h"
#include "app/store_comparison.h"
#include "server/transport_security.h"
#include "storage/open_store.h"
#include "storage/postgres/postgres.h"
#include "storage/sqlite_to_postgres.h"
#include "workflow/clock.h"
#include "workflow/policy.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7345",
          "Address to serve on, host:port. The default accepts only local "
          "connections. Any other address needs --tls_cert/--tls_key (or "
          "--insecure).");
ABSL_FLAG(std::string, tls_cert, "",
          "TLS: the server's certificate chain (PEM, its own certificate "
          "first). With --tls_key. Re-read every --tls_refresh_seconds: "
          "replace the file (write a new one, rename it over) to rotate.");
ABSL_FLAG(std::string, tls_key, "", "TLS: the server's private key (PEM).");
ABSL_FLAG(std::string, tls_client_ca, "",
          "Mutual TLS: the CA certificates (PEM) that sign client "
          "certificates; client certificates are then asked for and "
          "verified. Re-read like --tls_cert.");
ABSL_FLAG(std::string, tls_client_auth, "",
          "With --tls_client_ca: require (the default; no handshake without "
          "a client certificate) or optional (callers without one use bearer "
          "tokens).");
ABSL_FLAG(int, tls_refresh_seconds, 60,
          "How often the TLS certificate, key and client CA files are "
          "re-read.");
ABSL_FLAG(bool, insecure, false,
          "Allow plaintext on an address that is not loopback (behind a TLS "
          "proxy or on a closed network). Without it such a --listen is "
          "refused.");
ABSL_FLAG(std::string, db, "var/hotline.db",
          "The SQLite database file; created (with hotline.db-wal and -shm "
          "beside it while running) when missing. The server holds a lock "
          "on hotline.db.lock (holding its pid), so a second server on the "
          "file is refused. Another application's file, a damaged one or "
          "one from a newer build is refused and left untouched. Or a "
          "PostgreSQL database, postgresql://USER@HOST[:PORT]/DBNAME (any "
          "libpq URI; keep the password in ~/.pgpass or PGPASSFILE, not "
          "here), which any number of servers may share.");
ABSL_FLAG(std::string, sync, "full",
          "full: every acknowledged write survives power loss (fsync per "
          "commit group). normal: faster; survives a process crash, may lose "
          "the last writes on power loss.");
ABSL_FLAG(int, read_connections, 8, "SQLite connections for reads.");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "Largest request or response accepted, in bytes.");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "On SIGINT/SIGTERM, how long calls in flight may take to finish.");
ABSL_FLAG(std::string, create_token, "",
          "Instead of serving: create a token for this principal (\"bureau\", "
          "\"department/{id}\" or \"intake/{id}\") in --db, print its secret "
          "and exit. This is how the first bureau token is made.");
ABSL_FLAG(std::string, token_name, "created on the command line",
          "With --create_token: the token's display name.");
ABSL_FLAG(std::string, copy_from, "",
          "Instead of serving: copy this SQLite database file into the "
          "empty PostgreSQL database --db names, then check the copy "
          "(counts, every ticket's history, every report figure) and exit: "
          "0 when identical. Stop the servers on both first.");
ABSL_FLAG(bool, quiet, false,
          "Do not log the access log (one record per call, and a start and "
          "an end per WatchEvents stream) or other information lines; "
          "warnings and errors still print.");
ABSL_FLAG(std::string, log_format, "text",
          "text: one readable line per record. json: one JSON object per "
          "line (JSON lines) with stable keys: time, level, then message, or "
          "event with its fields (docs/operations.md, \"Logs\"). Logs go "
          "to stderr.");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on over plain HTTP (GET "
          "/metrics); empty: not served. They expose request counts and "
          "latencies by method and status code, writer, feed and sweeper "
          "figures and ticket and card counts, but no personal data and no "
          "ticket content, so a non-loopback address (for a Prometheus "
          "server elsewhere) is allowed.");
ABSL_FLAG(std::string, http_listen, "",
          "host:port to serve the HTTP/JSON API (/v1/...) and the web "
          "console (/console/) on; empty: not served. Secured like --listen: "
          "HTTPS with --tls_cert/--tls_key, plaintext only on loopback "
          "unless --insecure. Authentication by bearer token, as for gRPC.");
ABSL_FLAG(std::string, web_root, "",
          "The web console's directory; empty: the shipped one "
          "(<prefix>/share/hotline/web, or the source tree's web/).");
ABSL_FLAG(int, http_threads, 64,
          "HTTP worker threads; each open event stream (SSE) holds one, and "
          "at most half serve streams.");
ABSL_FLAG(int, http_max_connections_per_address, 128,
          "HTTP connections one client address (an IPv6 /64) may hold open at "
          "once; beyond it a new one is answered 503. 0: no limit (behind a "
          "reverse proxy every client has the proxy's address: set 0 and let "
          "the proxy limit).");
ABSL_FLAG(std::string, calendar, "",
          "The working-day calendar: CSV lines date,kind,holiday with kind "
          "off or workday (docs/workflow.md, \"The calendar file\"). A "
          "malformed file is refused. Empty: "
          "the shipped " HOTLINE_CALENDAR_FILE_NAME
          ", looked for in "
          "<prefix>/share/hotline/ (the binary being <prefix>/bin/"
          "hotline-server), then in the source tree it was built from.");
ABSL_FLAG(std::string, time_zone, "Asia/Shanghai",
          "The bureau's time zone (IANA name) for working days and deadlines.");
ABSL_FLAG(std::string, policy, "",
          "The deadline policy file (see data/policy.conf). Empty: the "
          "built-in defaults, version default-1.");
ABSL_FLAG(std::string, clock, "real",
          "real, or manual for rehearsal mode: the clock starts at "
          "--start_time and moves only by the AdvanceClock RPC, which also "
          "runs the deadline sweeper.");
ABSL_FLAG(std::string, start_time, "",
          "With --clock=manual: the starting instant, RFC 3339 (e.g. "
          "2021-02-10T09:00:00+08:00). Default: now.");
ABSL_FLAG(std::string, backup_dir, "",
          "Directory for online backups (created, mode 0700, when missing): "
          "hotline-<UTC time>.db files of mode 0600, made by `hotlinectl "
          "backup` (the CreateBackup RPC) and by --backup_every. Empty: no "
          "backups.");
ABSL_FLAG(absl::Duration, backup_every, absl::ZeroDuration(),
          "With --backup_dir: make a backup this often (e.g. 24h), the first "
          "one this long after start; a failed one is logged and tried again "
          "at the next interval. 0: only on request.");
ABSL_FLAG(int, backup_keep, 7,
          "With --backup_dir: keep the newest this many backups (at least "
          "1); older hotline-*Z.db backups there are removed after each one.");

namespace {

constexpr char kUsage[] =
    "The 12345 hotline ticket workflow service (gRPC).\n"
    "  hotline-server --db=var/hotline.db --listen=127.0.0.1:7345\n"
    "  hotline-server --db=var/hotline.db --create_token=bureau\n"
    "  hotline-server --db=postgresql://hotline@/hotline "
    "--copy_from=var/hotline.db\n"
    "  hotline-server --version";

// True for the arguments that ask for help.
bool AsksForHelp(absl::string_view arg) {
  return arg == "--help" || arg == "-help" || arg == "-h" ||
         arg == "--helpfull" || arg == "-helpfull" || arg == "--helpshort" ||
         arg == "-helpshort";
}

int CreateToken() {
  hotline::storage::StoreOptions options;
  options.path = absl::GetFlag(FLAGS_db);
  options.read_connections = 1;
  options.time_zone = absl::GetFlag(FLAGS_time_zone);
  absl::StatusOr<std::unique_ptr<hotline::storage::Store>> store =
      hotline::storage::OpenStore(options);
  if (!store.ok()) {
    std::cerr << "hotline-server: " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<hotline::v1::Token> token = hotline::CreateTokenDirectly(
      **store, absl::GetFlag(FLAGS_create_token),
      absl::GetFlag(FLAGS_token_name), absl::Now());
  if (!token.ok()) {
    std::cerr << "hotline-server: " << token.status().message() << "\n";
    return 1;
  }
  // The secret alone on stdout, so scripts can capture it; the rest on stderr.
  std::cerr << "created " << token->name() << " for " << token->principal()
            << "; the secret is shown only now:\n";
  std::cout << token->secret() << std::endl;
  return 0;
}

// Copies --copy_from into --db (PostgreSQL) and checks the copy.
int CopyDatabase() {
  const std::string from = absl::GetFlag(FLAGS_copy_from);
  const std::string to = absl::GetFlag(FLAGS_db);
  if (!hotline::storage::IsPostgresUri(to)) {
    std::cerr << "hotline-server: --copy_from copies a SQLite file into "
                 "PostgreSQL: give --db=postgresql://USER@HOST/DBNAME (an "
                 "empty database, made with createdb)\n";
    return 2;
  }
  const std::string zone_name = absl::GetFlag(FLAGS_time_zone);
  absl::StatusOr<absl::TimeZone> zone =
      hotline::storage::LoadStoreTimeZone(zone_name);
  if (!zone.ok()) {
    std::cerr << "hotline-server: --time_zone: " << zone.status().message()
              << "\n";
    return 2;
  }
  const std::string name = hotline::storage::RedactUri(to);
  std::cerr << "copying " << from << " into " << name << "\n";
  const absl::Time started = absl::Now();
  absl::StatusOr<hotline::storage::CopyCounts> copied =
      hotline::storage::CopySqliteToPostgres(from, to, zone_name);
  if (!copied.ok()) {
    // Only a failed COMMIT leaves the outcome unknown.
    const bool unknown = absl::StartsWith(copied.status().message(),
                                          "the commit of the copy failed");
    std::cerr << "hotline-server: " << copied.status().message()
              << (unknown ? "\nthe copy may or may not have been saved: "
                            "look at the destination before trying again\n"
                          : "\nnothing was copied\n");
    return 1;
  }
  for (const auto& [table, rows] : copied->tables) {
    std::cout << absl::StrFormat("%-18s %10d rows\n", table, rows);
  }
  std::cout << "copied in " << absl::FormatDuration(absl::Now() - started)
            << "; the next event is seq " << copied->last_seq + 1
            << ", the next ticket number " << copied->next_ticket << "\n";

  // The check reads both through the stores, as the service would.
  auto open = [&](const std::string& path, bool lock) {
    hotline::storage::StoreOptions options;
    options.path = path;
    options.read_connections = 1;
    options.time_zone = zone_name;
    options.lock = lock;
    // The copy opened the SQLite file with its integrity check a moment
    // ago: once is enough.
    hotline::storage::SqliteOptions sqlite;
    sqlite.check_integrity = false;
    return hotline::storage::OpenStore(options, sqlite);
  };
  absl::StatusOr<std::unique_ptr<hotline::storage::Store>> source =
      open(from, /*lock=*/true);
  if (!source.ok()) {
    std::cerr << "hotline-server: " << source.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<hotline::storage::Store>> copy =
      open(to, /*lock=*/false);
  if (!copy.ok()) {
    std::cerr << "hotline-server: " << copy.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<hotline::ComparedCounts> same =
      hotline::CompareStores(**source, **copy, *zone, absl::Now());
  if (!same.ok()) {
    std::cerr << "hotline-server: the copy in " << name << " differs from "
              << from << ": " << same.status().message()
              << "\nDo not serve from it: drop it (dropdb), and report "
                 "this with both databases kept.\n";
    return 1;
  }
  std::cout << "checked, identical: " << same->events << " events, "
            << same->tickets << " tickets and each one's history, "
            << same->cards << " cards, " << same->daily_reports
            << " daily reports, " << same->departments << " departments, "
            << same->tokens << " tokens, " << same->policies << " policies, "
            << same->reports << " statistics reports\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage;
  // --help lists the flags of this file (absl's default looks for a file
  // named after the binary).
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "server/main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  // The project's version (absl's default names the build type of Debian's
  // Abseil, not this binary's).
  usage.version_string = [] {
    return std::string("hotline-server " HOTLINE_VERSION "\n");
  };
  absl::SetFlagsUsageConfig(usage);
  // Asked for, help is a success (absl's --help exits 1): print the flags of
  // this file to stdout and exit 0.
  absl::flags_internal::SetProgramInvocationName(argv[0]);
  for (int i = 1; i < argc; ++i) {
    if (AsksForHelp(argv[i])) {
      absl::flags_internal::FlagsHelp(
          std::cout, "server/main.cc",
          absl::flags_internal::HelpFormat::kHumanReadable, kUsage);
      return 0;
    }
    if (absl::string_view(argv[i]) == "--") break;
  }
  absl::ParseCommandLine(argc, argv);
  // Abseil checks every lock order for cycles unless told not to (a debug
  // aid: a few percent of a busy server's CPU); the tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (!absl::GetFlag(FLAGS_create_token).empty()) return CreateToken();
  if (!absl::GetFlag(FLAGS_copy_from).empty()) return CopyDatabase();

  const std::string sync = absl::GetFlag(FLAGS_sync);
  if (sync != "full" && sync != "normal") {
    std::cerr << "hotline-server: --sync must be full or normal\n";
    return 2;
  }
  // Signals are taken by sigwait below, never by a handler: block them before
  // gRPC starts its threads, which inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // SIGHUP must never kill the server: certificates reload from their files
  // on their own (see --tls_refresh_seconds), so it is only logged.
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  hotline::SetInfoLogging(!absl::GetFlag(FLAGS_quiet));
  const std::string log_format = absl::GetFlag(FLAGS_log_format);
  if (log_format == "json") {
    hotline::SetLogFormat(hotline::LogFormat::kJson);
  } else if (log_format != "text") {
    std::cerr << "hotline-server: --log_format must be text or json\n";
    return 2;
  }
  hotline::RouteGrpcLogs();
  std::unique_ptr<hotline::Clock> clock;
  const std::string clock_kind = absl::GetFlag(FLAGS_clock);
  if (clock_kind == "manual") {
    absl::Time start = absl::Now();
    const std::string start_text = absl::GetFlag(FLAGS_start_time);
    std::string error;
    if (!start_text.empty() &&
        !absl::ParseTime(absl::RFC3339_full, start_text, &start, &error)) {
      std::cerr << "hotline-server: --start_time needs an RFC 3339 time such "
                   "as 2021-02-10T09:00:00+08:00: "
                << error << "\n";
      return 2;
    }
    clock = std::make_unique<hotline::ManualClock>(start);
  } else if (clock_kind == "real") {
    clock = std::make_unique<hotline::RealClock>();
  } else {
    std::cerr << "hotline-server: --clock must be real or manual\n";
    return 2;
  }
  hotline::ServerOptions options;
  if (!absl::GetFlag(FLAGS_policy).empty()) {
    absl::StatusOr<hotline::v1::Policy> policy =
        hotline::LoadPolicyFile(absl::GetFlag(FLAGS_policy));
    if (!policy.ok()) {
      std::cerr << "hotline-server: " << policy.status().message() << "\n";
      return 1;
    }
    options.policy = *policy;
  }
  options.calendar_path = absl::GetFlag(FLAGS_calendar);
  if (options.calendar_path.empty()) {
    // Resolved here to be logged; when none is found, Start refuses with
    // the paths it tried.
    absl::StatusOr<std::string> shipped =
        hotline::FindCalendar(hotline::ShippedCalendarCandidates());
    if (shipped.ok()) options.calendar_path = *shipped;
  }
  options.time_zone = absl::GetFlag(FLAGS_time_zone);
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.store.path = absl::GetFlag(FLAGS_db);
  options.sqlite.synchronous_full = sync == "full";
  options.store.read_connections = absl::GetFlag(FLAGS_read_connections);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  options.http.listen_address = absl::GetFlag(FLAGS_http_listen);
  options.http.web_root = absl::GetFlag(FLAGS_web_root);
  if (options.http.web_root.empty()) {
    options.http.web_root = hotline::FindShippedWebRoot();
  }
  options.http.threads = absl::GetFlag(FLAGS_http_threads);
  if (options.http.threads < 2) {
    std::cerr << "hotline-server: --http_threads must be at least 2\n";
    return 2;
  }
  options.http.max_connections_per_address =
      absl::GetFlag(FLAGS_http_max_connections_per_address);
  if (options.http.max_connections_per_address < 0) {
    std::cerr << "hotline-server: --http_max_connections_per_address must be "
                 "0 (no limit) or more\n";
    return 2;
  }
  options.backup.directory = absl::GetFlag(FLAGS_backup_dir);
  options.backup.every = absl::GetFlag(FLAGS_backup_every);
  options.backup.keep = absl::GetFlag(FLAGS_backup_keep);
  if (options.backup.keep < 1 || options.backup.every < absl::ZeroDuration()) {
    std::cerr << "hotline-server: --backup_keep must be at least 1 and "
                 "--backup_every 0 or more (e.g. 24h)\n";
    return 2;
  }
  if (absl::Status s = hotline::TransportFromFlags(
          absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
          absl::GetFlag(FLAGS_tls_client_ca),
          absl::GetFlag(FLAGS_tls_client_auth),
          absl::GetFlag(FLAGS_tls_refresh_seconds),
          absl::GetFlag(FLAGS_insecure), &options.transport);
      !s.ok()) {
    std::cerr << "hotline-server: " << s.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<hotline::HotlineServer>> server =
      hotline::HotlineServer::Start(options, clock.get());
  if (!server.ok()) {
    std::cerr << "hotline-server: " << server.status().message() << "\n";
    return 1;
  }
  // The address as bound (0.0.0.0 stays 0.0.0.0: every interface), with
  // the port actually taken.
  const std::string& listen = options.listen_address;
  hotline::LogInfo(absl::StrFormat(
      "hotline-server listening on %s:%d (%s), database %s (%s)",
      listen.substr(0, listen.rfind(':')), (*server)->port(),
      hotline::DescribeTransport(options.transport),
      hotline::storage::RedactUri(options.store.path),
      hotline::storage::IsPostgresUri(options.store.path)
          ? "PostgreSQL"
          : absl::StrCat("sync=", sync)));
  hotline::LogInfo(
      absl::StrCat("working-day calendar ", options.calendar_path));
  if ((*server)->metrics_port() != 0) {
    const std::string& metrics = options.metrics_listen_address;
    hotline::LogInfo(absl::StrFormat("metrics on http://%s:%d/metrics",
                                     metrics.substr(0, metrics.rfind(':')),
                                     (*server)->metrics_port()));
  }
  if ((*server)->http_port() != 0) {
    const std::string& http = options.http.listen_address;
    const std::string base = absl::StrFormat(
        "%s://%s:%d", options.transport.cert_file.empty() ? "http" : "https",
        http.substr(0, http.rfind(':')), (*server)->http_port());
    hotline::LogInfo(absl::StrCat(
        "HTTP/JSON API on ", base, "/v1/",
        options.http.web_root.empty()
            ? " (no console: --web_root not found)"
            : absl::StrCat(", web console on ", base, "/console/ (files in ",
                           options.http.web_root, ")")));
  }
  if (!options.backup.directory.empty()) {
    hotline::LogInfo(absl::StrFormat(
        "backups into %s: %s, keeping the newest %d", options.backup.directory,
        options.backup.every > absl::ZeroDuration()
            ? absl::StrCat("every ", absl::FormatDuration(options.backup.every))
            : "on request only",
        options.backup.keep));
  }

  // Ready: every listener is bound. No-op without NOTIFY_SOCKET.
  const std::string ready =
      absl::StrFormat("READY=1\nSTATUS=listening on %s:%d",
                      listen.substr(0, listen.rfind(':')), (*server)->port());
  sd_notify(0, ready.c_str());

  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    hotline::LogInfo(hotline::DescribeSighup(options.transport));
  }
  sd_notify(0, "STOPPING=1");
  hotline::LogInfo(absl::StrFormat("signal %d: shutting down", signal_number));
  (*server)->Shutdown(
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->reset();
  hotline::LogInfo("stopped; database closed");
  return 0;
}
