// The service's Prometheus metrics: what the gRPC edge records per call,
// what the store's writer reports per commit group, and what is read at
// scrape time (open feed streams and their lag, sweeper lag, tickets by
// state, overdue tickets, cards by color, store health). Served over HTTP
// at /metrics on their own address, apart from the gRPC port.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Metrics> metrics,
//                    Metrics::Start("127.0.0.1:9464", {store, feed, clock}));
//   metrics->RecordCall("GetTicket", absl::StatusCode::kOk, latency);
//   curl -s http://127.0.0.1:9464/metrics
//
// Metrics carry no personal data: methods, codes, counts and durations.
//
//   hotline_grpc_requests_total{method,code}             counter
//   hotline_grpc_request_duration_seconds{method,code}   histogram (unary)
//   hotline_writer_queue_depth                           gauge
//   hotline_writer_commit_group_units                    histogram
//   hotline_writer_commit_duration_seconds               histogram
//   hotline_feed_streams_open                            gauge
//   hotline_feed_stream_lag_events                       gauge (the largest)
//   hotline_feed_head_seq                                gauge
//   hotline_sweeper_lag_seconds                          gauge
//   hotline_tickets{state}                               gauge
//   hotline_tickets_overdue                              gauge
//   hotline_cards_issued_total{color}                    counter
//   hotline_cards_in_force{color}                        gauge
//   hotline_store_healthy                                gauge (1 or 0)
//   hotline_notification_attempts_total{channel,outcome} counter
//   hotline_http_refusals_total{code,reason,route}       counter
//   hotline_build_info{version,grpc_version,compiler}    gauge (always 1)
//   process_cpu_seconds_total                            counter
//   process_resident_memory_bytes                        gauge
//   process_virtual_memory_bytes                         gauge
//   process_open_fds                                     gauge
//   process_max_fds                                      gauge
//   process_start_time_seconds                           gauge
//
// The process_* series are the ones every Prometheus client library
// exports under these names (prometheus-cpp has none): read from
// /proc/self at scrape time, absent where it cannot be read.
//
// Thread-safe.
#ifndef HOTLINE_SERVER_METRICS_H_
#define HOTLINE_SERVER_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "app/notifier.h"
#include "server/event_feed.h"
#include "storage/store.h"
#include "workflow/clock.h"

namespace prometheus {
class Exposer;
class Registry;
class Collectable;
}  // namespace prometheus

namespace hotline {

class Metrics final {
 public:
  // What is read at scrape time. Every pointer must outlive the Metrics, or
  // at least its StopServing().
  struct Sources {
    storage::Store* store = nullptr;
    EventFeed* feed = nullptr;
    const Clock* clock = nullptr;
    Notifier* notifier = nullptr;  // may be null
  };

  // Registers the metrics and observes the store's commit groups; serves
  // /metrics on `listen_address` (host:port, port 0 picks one) unless it is
  // empty. FAILED_PRECONDITION when it cannot listen there.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(
      const std::string& listen_address, Sources sources);
  // StopServing()s.
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A unary call finished with `code` after `latency`.
  void RecordCall(absl::string_view method, absl::StatusCode code,
                  absl::Duration latency);
  // A stream of `method` ended with `code` (counted, not timed: a stream
  // lasts as long as its client wants).
  void RecordStreamEnd(absl::string_view method, absl::StatusCode code);
  // The HTTP gateway refused a request itself, before any RPC answered it
  // (HttpGatewayOptions::on_refusal): `http_status`, `reason` (the name of
  // a v1::ErrorReason) and `route` ("api", "session", "console" or
  // "other"). Anything else is counted as code "other", reason
  // ERROR_REASON_UNSPECIFIED or route "other", so that no request can add
  // series of its own.
  void RecordHttpRefusal(int http_status, absl::string_view reason,
                         absl::string_view route);

  // The upper bounds (seconds) of hotline_grpc_request_duration_seconds'
  // buckets, ascending (+Inf is added by the histogram).
  static const std::vector<double>& CallLatencyBuckets();

  // The port /metrics is served on; 0 when not served.
  int port() const { return port_; }

  // Stops serving /metrics (recording still works) and stops reading the
  // sources. Idempotent.
  void StopServing();

 private:
  class Recorded;
  class ScrapeTime;
  class ProcessAndBuild;

  Metrics() = default;

  // Shared with the store's commit-group observer, which may run once more
  // after the Metrics is gone.
  std::shared_ptr<Recorded> recorded_;
  std::shared_ptr<prometheus::Collectable> scrape_time_;
  std::shared_ptr<prometheus::Collectable> process_and_build_;
  int port_ = 0;
  // Destroyed first: no scrape runs once it is gone.
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace hotline

#endif  // HOTLINE_SERVER_METRICS_H_
