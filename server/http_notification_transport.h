// The deliverer's HTTP client (app/notification_transport.h) on
// cpp-httplib: one connection a request (a receiver restarting between
// deliveries costs nothing), HTTPS checked against the system's CAs or
// `ca_file`, redirects never followed.
//
// Thread-safe: nothing is shared between calls.
#ifndef HOTLINE_SERVER_HTTP_NOTIFICATION_TRANSPORT_H_
#define HOTLINE_SERVER_HTTP_NOTIFICATION_TRANSPORT_H_

#include <string>

#include "app/notification_transport.h"

namespace hotline {

class HttpNotificationTransport final : public NotificationTransport {
 public:
  // `ca_file`: the CA certificates (PEM) receivers' certificates are
  // checked against; empty: the system's.
  explicit HttpNotificationTransport(std::string ca_file = "")
      : ca_file_(std::move(ca_file)) {}

  TransportResult Post(const OutgoingRequest& request,
                       absl::Duration timeout) override;

 private:
  const std::string ca_file_;
};

}  // namespace hotline

#endif  // HOTLINE_SERVER_HTTP_NOTIFICATION_TRANSPORT_H_
