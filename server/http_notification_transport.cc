#include "server/http_notification_transport.h"

#include <httplib.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hotline {

TransportResult HttpNotificationTransport::Post(const OutgoingRequest& request,
                                                absl::Duration timeout) {
  TransportResult result;
  // "https://host:port" and "/path?query".
  const size_t scheme_end = request.url.find("://");
  if (scheme_end == std::string::npos) {
    result.error = "not an absolute URL";
    return result;
  }
  const size_t path_start = request.url.find_first_of("/?", scheme_end + 3);
  const std::string origin = request.url.substr(0, path_start);
  std::string path =
      path_start == std::string::npos ? "/" : request.url.substr(path_start);
  if (absl::StartsWith(path, "?")) path = absl::StrCat("/", path);

  httplib::Client client(origin);
  if (!client.is_valid()) {
    result.error = absl::StrCat("cannot reach ", origin);
    return result;
  }
  client.set_follow_location(false);
  client.set_keep_alive(false);
  if (!ca_file_.empty()) client.set_ca_cert_path(ca_file_.c_str());
  client.enable_server_certificate_verification(true);
  const auto micros =
      std::chrono::microseconds(absl::ToInt64Microseconds(timeout));
  client.set_connection_timeout(micros);
  client.set_read_timeout(micros);
  client.set_write_timeout(micros);
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) {
    headers.emplace(name, value);
  }
  httplib::Result response =
      client.Post(path, headers, request.body, request.content_type.c_str());
  if (!response) {
    result.error = absl::StrCat("no answer from ", origin, ": ",
                                httplib::to_string(response.error()));
    return result;
  }
  result.status = response->status;
  return result;
}

}  // namespace hotline
