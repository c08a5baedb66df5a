// How the deliverer (notifier.h) sends one request: an HTTP POST made by
// the edge (server/http_notification_transport.h), so that app/ knows no
// network library. Redirects are never followed (a 3xx is an answer, and
// counts as a failure).
//
// Implementations must be thread-safe: every subscription's deliverer
// calls Post from its own thread.
#ifndef HOTLINE_APP_NOTIFICATION_TRANSPORT_H_
#define HOTLINE_APP_NOTIFICATION_TRANSPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace hotline {

struct OutgoingRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;
  std::string body;
};

struct TransportResult {
  // The receiver's HTTP status; 0 when no answer came.
  int status = 0;
  // Why no answer came (refused, timed out, TLS), for people.
  std::string error;
};

class NotificationTransport {
 public:
  virtual ~NotificationTransport() = default;
  // POSTs `request`, waiting at most `timeout` for each step of the
  // exchange (the connection, the sending, each read of the answer).
  virtual TransportResult Post(const OutgoingRequest& request,
                               absl::Duration timeout) = 0;
};

}  // namespace hotline

#endif  // HOTLINE_APP_NOTIFICATION_TRANSPORT_H_
