// hotline-server: the 12345 hotline ticket workflow service. This file
// defines the flags (--help lists the flags of this file) and picks the
// mode; the modes are in server/modes.h.
//
//   hotline-server --db=var/hotline.db --listen=127.0.0.1:7345
//   hotline-server --db=var/hotline.db --create_token=bureau   # bootstrap
//   hotline-server --flagfile=/etc/hotline/hotline-server.flags  # packaged
//   hotline-server --db=postgresql://hotline@/hotline --copy_from=hotline.db
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/flags_help.h"
#include "hotline/version.h"
#include "server/main_flags.h"
#include "server/modes.h"

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
ABSL_FLAG(int, start_check_limit_mb, 64,
          "A SQLite file of at most this many MiB is checked whole (PRAGMA "
          "quick_check) before the server starts; a larger one has the tables "
          "a start reads checked before, and every table in the background "
          "right after (damage found then turns health NOT_SERVING and "
          "refuses writes), so that a start takes the same time at any "
          "size.");
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
ABSL_FLAG(int, http_max_connections, 1024,
          "HTTP connections open at once in all (each open event stream is "
          "one); beyond it a new one is answered 503. Each is a file "
          "descriptor: keep it under the open-files limit (LimitNOFILE).");
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
ABSL_FLAG(std::string, categories, "",
          "The category catalogue (诉求分类目录): the line version,<text>, "
          "the header code,name, then code,name lines of 2-, 4- and 6-digit "
          "codes (docs/workflow.md, \"Categories and the dispatch "
          "catalogue\"). A malformed file is refused. Empty: the shipped "
          "sample categories.csv, looked for as the calendar is.");
ABSL_FLAG(int64_t, attachment_max_bytes, int64_t{32} << 20,
          "The largest file an attachment (附件) may be, in bytes.");
ABSL_FLAG(int64_t, ticket_attachments_max_bytes, int64_t{256} << 20,
          "The most bytes of attachments one ticket may hold.");
ABSL_FLAG(int, ticket_attachments_max_files, 100,
          "The most attachments one ticket may hold.");
ABSL_FLAG(int64_t, attachment_daily_quota_bytes, int64_t{2} << 30,
          "The attachment bytes one caller (a department, an intake source, "
          "the bureau) may upload in a day of the bureau's time zone.");
ABSL_FLAG(std::string, sms_gateway, "",
          "The bureau's SMS gateway for SMS notifications (短信通知): a JSON "
          "file with url, headers, contentType, body (placeholders "
          "{{phones}}, {{text}}, {{ticket}}, {{seq}}, {{department}}) and "
          "signature (docs/operations.md, \"Notifications\"). Empty: no "
          "SMS subscriptions.");
ABSL_FLAG(bool, notify_allow_loopback_http, false,
          "Allow webhooks (and the SMS gateway) over http:// to loopback "
          "addresses (a receiver on this machine); https:// otherwise.");
ABSL_FLAG(std::string, notify_ca_file, "",
          "CA certificates (PEM) receivers' certificates are checked "
          "against. Empty: the system's.");
ABSL_FLAG(int, notify_max_attempts, 8,
          "Attempts to deliver one event before it becomes a dead letter.");
ABSL_FLAG(absl::Duration, notify_first_retry, absl::Seconds(2),
          "The wait after a failed delivery; doubled after each failure "
          "(with jitter), at most --notify_longest_retry.");
ABSL_FLAG(absl::Duration, notify_longest_retry, absl::Minutes(10),
          "The longest wait between two attempts of one delivery.");
ABSL_FLAG(absl::Duration, notify_timeout, absl::Seconds(10),
          "How long a delivery waits to connect, to send and for each read "
          "of the answer.");
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

// The flags --help lists: this file's.
bool DefinedHere(absl::string_view file) {
  return absl::EndsWith(file, "server/main.cc");
}

// True for the arguments that ask for help.
bool AsksForHelp(absl::string_view arg) {
  return arg == "--help" || arg == "-help" || arg == "-h" ||
         arg == "--helpfull" || arg == "-helpfull" || arg == "--helpshort" ||
         arg == "-helpshort";
}

void ConfigureUsage() {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage;
  // absl's default looks for a file named after the binary.
  usage.contains_help_flags = DefinedHere;
  usage.contains_helpshort_flags = DefinedHere;
  // The project's version (absl's default names the build type of Debian's
  // Abseil, not this binary's).
  usage.version_string = [] {
    return std::string("hotline-server " HOTLINE_VERSION "\n");
  };
  absl::SetFlagsUsageConfig(usage);
}

// The program's name as run, without its directory.
absl::string_view ProgramName(absl::string_view argv0) {
  const size_t slash = argv0.rfind('/');
  return slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
  ConfigureUsage();
  // Asked for, help is a success (absl's --help exits 1): print the flags of
  // this file to stdout and exit 0.
  for (int i = 1; i < argc; ++i) {
    if (AsksForHelp(argv[i])) {
      hotline::PrintFlagsHelp(std::cout, ProgramName(argv[0]), kUsage,
                              DefinedHere);
      return 0;
    }
    if (absl::string_view(argv[i]) == "--") break;
  }
  absl::ParseCommandLine(argc, argv);
  // Abseil checks every lock order for cycles unless told not to (a debug
  // aid: a few percent of a busy server's CPU); the tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (!absl::GetFlag(FLAGS_create_token).empty()) {
    return hotline::CreateTokenMode(
        absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_create_token),
        absl::GetFlag(FLAGS_token_name), absl::GetFlag(FLAGS_time_zone));
  }
  if (!absl::GetFlag(FLAGS_copy_from).empty()) {
    return hotline::CopyMode(absl::GetFlag(FLAGS_copy_from),
                             absl::GetFlag(FLAGS_db),
                             absl::GetFlag(FLAGS_time_zone));
  }
  return hotline::ServeMode();
}
