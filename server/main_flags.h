// The serving flags of hotline-server, defined (with their help and
// defaults) in server/main.cc and read by server/serve_mode.cc. Flags are
// Abseil's: thread-safe to read (absl::GetFlag) at any time after
// absl::ParseCommandLine.
#ifndef HOTLINE_SERVER_MAIN_FLAGS_H_
#define HOTLINE_SERVER_MAIN_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, tls_client_ca);
ABSL_DECLARE_FLAG(std::string, tls_client_auth);
ABSL_DECLARE_FLAG(int, tls_refresh_seconds);
ABSL_DECLARE_FLAG(bool, insecure);
ABSL_DECLARE_FLAG(std::string, db);
ABSL_DECLARE_FLAG(std::string, sync);
ABSL_DECLARE_FLAG(int, read_connections);
ABSL_DECLARE_FLAG(int, start_check_limit_mb);
ABSL_DECLARE_FLAG(int, max_message_bytes);
ABSL_DECLARE_FLAG(int, shutdown_grace_seconds);
ABSL_DECLARE_FLAG(bool, quiet);
ABSL_DECLARE_FLAG(std::string, log_format);
ABSL_DECLARE_FLAG(std::string, metrics_listen);
ABSL_DECLARE_FLAG(std::string, http_listen);
ABSL_DECLARE_FLAG(std::string, web_root);
ABSL_DECLARE_FLAG(int, http_threads);
ABSL_DECLARE_FLAG(int, http_max_connections);
ABSL_DECLARE_FLAG(int, http_max_connections_per_address);
ABSL_DECLARE_FLAG(std::string, calendar);
ABSL_DECLARE_FLAG(std::string, categories);
ABSL_DECLARE_FLAG(int64_t, attachment_max_bytes);
ABSL_DECLARE_FLAG(int64_t, ticket_attachments_max_bytes);
ABSL_DECLARE_FLAG(int, ticket_attachments_max_files);
ABSL_DECLARE_FLAG(int64_t, attachment_daily_quota_bytes);
ABSL_DECLARE_FLAG(std::string, sms_gateway);
ABSL_DECLARE_FLAG(bool, notify_allow_loopback_http);
ABSL_DECLARE_FLAG(std::string, notify_ca_file);
ABSL_DECLARE_FLAG(int, notify_max_attempts);
ABSL_DECLARE_FLAG(absl::Duration, notify_first_retry);
ABSL_DECLARE_FLAG(absl::Duration, notify_longest_retry);
ABSL_DECLARE_FLAG(absl::Duration, notify_timeout);
ABSL_DECLARE_FLAG(std::string, time_zone);
ABSL_DECLARE_FLAG(std::string, policy);
ABSL_DECLARE_FLAG(std::string, clock);
ABSL_DECLARE_FLAG(std::string, start_time);
ABSL_DECLARE_FLAG(std::string, backup_dir);
ABSL_DECLARE_FLAG(absl::Duration, backup_every);
ABSL_DECLARE_FLAG(int, backup_keep);

#endif  // HOTLINE_SERVER_MAIN_FLAGS_H_
