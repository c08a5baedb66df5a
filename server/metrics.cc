#include "server/metrics.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "hotline/v1/errors.pb.h"
#include "hotline/version.h"
#include "storage/store.h"

namespace hotline {
namespace {

std::string LowerName(const std::string& enum_name) {
  return absl::AsciiStrToLower(enum_name);
}

prometheus::ClientMetric Sample(
    double value, std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  metric.counter.value = value;
  return metric;
}

prometheus::MetricFamily Family(std::string name, std::string help,
                                prometheus::MetricType type,
                                std::vector<prometheus::ClientMetric> samples) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  family.metric = std::move(samples);
  return family;
}

// What /proc says about this process; each field empty when unreadable.
struct ProcessFigures {
  std::optional<double> cpu_seconds;
  std::optional<double> resident_bytes;
  std::optional<double> virtual_bytes;
  std::optional<double> start_time_seconds;
  std::optional<double> open_fds;
  std::optional<double> max_fds;
};

// The whole of a small file under /proc; empty when unreadable.
std::string ReadProcFile(const char* path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

ProcessFigures ReadProcessFigures() {
  ProcessFigures figures;
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  // proc(5): the fields after the command's closing parenthesis (the
  // command itself may hold spaces and parentheses) start at field 3.
  const std::string stat = ReadProcFile("/proc/self/stat");
  const size_t paren = stat.rfind(')');
  if (paren != std::string::npos && ticks_per_second > 0) {
    std::vector<absl::string_view> fields = absl::StrSplit(
        absl::string_view(stat).substr(paren + 1), ' ', absl::SkipEmpty());
    // fields[0] is field 3 (state): field N is fields[N - 3].
    auto field = [&](size_t n) -> std::optional<double> {
      double value = 0;
      if (n - 3 >= fields.size() || !absl::SimpleAtod(fields[n - 3], &value)) {
        return std::nullopt;
      }
      return value;
    };
    if (std::optional<double> start = field(22); start.has_value()) {
      // Ticks after boot; the boot time is /proc/stat's btime.
      for (absl::string_view line :
           absl::StrSplit(ReadProcFile("/proc/stat"), '\n')) {
        double boot = 0;
        if (absl::ConsumePrefix(&line, "btime ") &&
            absl::SimpleAtod(line, &boot)) {
          figures.start_time_seconds = boot + *start / ticks_per_second;
        }
      }
    }
    figures.virtual_bytes = field(23);
    if (std::optional<double> pages = field(24); pages.has_value()) {
      figures.resident_bytes = *pages * page_bytes;
    }
  }
  // CPU time to the microsecond (stat's fields 14 and 15 count 10 ms
  // ticks).
  rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    figures.cpu_seconds =
        static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
            1e6;
  }
  std::error_code error;
  std::filesystem::directory_iterator fds("/proc/self/fd", error);
  if (!error) {
    double open = 0;
    for (auto it = fds; it != std::filesystem::directory_iterator();
         it.increment(error)) {
      if (error) break;
      ++open;
    }
    if (!error) figures.open_fds = open;
  }
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
      limit.rlim_cur != RLIM_INFINITY) {
    figures.max_fds = static_cast<double>(limit.rlim_cur);
  }
  return figures;
}

// The compiler that built this binary, e.g. "gcc 12.2.0".
std::string CompilerName() {
#if defined(__clang__)
  return absl::StrCat("clang ", __clang_major__, ".", __clang_minor__, ".",
                      __clang_patchlevel__);
#elif defined(__GNUC__)
  return absl::StrCat("gcc ", __GNUC__, ".", __GNUC_MINOR__, ".",
                      __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

// Route classes of hotline_http_refusals_total (HttpGatewayOptions).
bool IsRouteClass(absl::string_view route) {
  return route == "api" || route == "session" || route == "console" ||
         route == "other";
}

}  // namespace

// The buckets of hotline_grpc_request_duration_seconds, chosen from
// latencies measured (server side, arrival to reply) on the project's kind
// of machine: 2 cores, SQLite with sync=full, hotline-bench for 5 s per
// operation against hotline-server. One client: GetTicket p50 17 us, p90
// 29 us, p99 57 us (a third under 10 us); CreateTicket p50 0.74 ms, p99
// 2.6 ms; dispatch, acknowledge, reply, close p50 0.5-0.7 ms. Eight
// clients: GetTicket p50 15 us, p99 0.27 ms; CreateTicket p50 1.7 ms, p99
// 6.4 ms; the other writes p50 1.4-1.5 ms, p99 6.1-6.2 ms. So the bounds
// step by 2 or 2.5 from 5 us, where reads fall, through 10 ms, where
// writes waiting for an fsync fall, then sparser up to the 10 s a stalled
// disk or a long sweep may take: 19 bounds. (The former lowest bucket,
// 0.5 ms, held 4,007 of 4,011 GetTicket calls: quantiles computed from it
// said nothing.)
const std::vector<double>& Metrics::CallLatencyBuckets() {
  static const std::vector<double>* const buckets = new std::vector<double>{
      0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005,
      0.001,    0.002,   0.005,   0.01,    0.025,  0.05,   0.1,
      0.25,     0.5,     1,       2.5,     10};
  return *buckets;
}

// What the edge and the writer record as it happens.
class Metrics::Recorded final {
 public:
  Recorded()
      : registry_(std::make_shared<prometheus::Registry>()),
        requests_(prometheus::BuildCounter()
                      .Name("hotline_grpc_requests_total")
                      .Help("gRPC calls finished, by method and status code "
                            "(WatchEvents counted when its stream ends)")
                      .Register(*registry_)),
        latency_(prometheus::BuildHistogram()
                     .Name("hotline_grpc_request_duration_seconds")
                     .Help("Time from a unary call's arrival to its reply, by "
                           "method and status code")
                     .Register(*registry_)),
        group_units_(
            prometheus::BuildHistogram()
                .Name("hotline_writer_commit_group_units")
                .Help("Units of work that shared one write "
                      "transaction (one fsync)")
                .Register(*registry_)
                .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16,
                                                                 32, 64, 128})),
        commit_duration_(
            prometheus::BuildHistogram()
                .Name("hotline_writer_commit_duration_seconds")
                .Help("Time one write transaction took on the writer thread, "
                      "from BEGIN to the end of COMMIT (fsync included)")
                .Register(*registry_)
                // Measured with the call latencies (CallLatencyBuckets):
                // eight clients' commits took 0.7 ms at the median, a
                // third of them under 0.5 ms, all under 10 ms.
                .Add({},
                     prometheus::Histogram::BucketBoundaries{
                         0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                         0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
        http_refusals_(
            prometheus::BuildCounter()
                .Name("hotline_http_refusals_total")
                .Help("HTTP requests the gateway refused itself, before any "
                      "RPC answered them (no such route, body too large, not "
                      "JSON, unreadable, stream limits, ...), by HTTP status, "
                      "google.rpc.ErrorInfo reason and route class (api, "
                      "session, console, other); an RPC's own refusals are "
                      "in hotline_grpc_requests_total")
                .Register(*registry_)) {}

  void RecordCall(absl::string_view method, absl::StatusCode code,
                  absl::Duration latency) {
    const prometheus::Labels labels = Labels(method, code);
    requests_.Add(labels).Increment();
    latency_.Add(labels, CallLatencyBuckets())
        .Observe(absl::ToDoubleSeconds(latency));
  }

  void RecordHttpRefusal(int http_status, absl::string_view reason,
                         absl::string_view route) {
    v1::ErrorReason known = v1::ERROR_REASON_UNSPECIFIED;
    if (!v1::ErrorReason_Parse(std::string(reason), &known)) {
      known = v1::ERROR_REASON_UNSPECIFIED;
    }
    http_refusals_
        .Add({{"code", http_status >= 400 && http_status <= 599
                           ? absl::StrCat(http_status)
                           : "other"},
              {"reason", v1::ErrorReason_Name(known)},
              {"route", IsRouteClass(route) ? std::string(route) : "other"}})
        .Increment();
  }

  void RecordStreamEnd(absl::string_view method, absl::StatusCode code) {
    requests_.Add(Labels(method, code)).Increment();
  }

  void RecordGroup(const storage::CommitGroupStats& group) {
    group_units_.Observe(group.units);
    commit_duration_.Observe(absl::ToDoubleSeconds(group.duration));
  }

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  static prometheus::Labels Labels(absl::string_view method,
                                   absl::StatusCode code) {
    return {{"method", std::string(method)},
            {"code", absl::StatusCodeToString(code)}};
  }

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Histogram& group_units_;
  prometheus::Histogram& commit_duration_;
  prometheus::Family<prometheus::Counter>& http_refusals_;
};

// The process's figures (/proc/self) and the build's, read at each scrape.
// Reads nothing but this process's own files.
class Metrics::ProcessAndBuild final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    using prometheus::MetricType;
    std::vector<prometheus::MetricFamily> families;
    families.push_back(
        Family("hotline_build_info",
               "Always 1; the labels say which build of hotline-server this is",
               MetricType::Gauge,
               {Sample(1, {{"version", HOTLINE_VERSION},
                           {"grpc_version", grpc::Version()},
                           {"compiler", CompilerName()}})}));
    const ProcessFigures process = ReadProcessFigures();
    auto add = [&](const char* name, const char* help, MetricType type,
                   const std::optional<double>& value) {
      if (value.has_value()) {
        families.push_back(Family(name, help, type, {Sample(*value)}));
      }
    };
    add("process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.", MetricType::Counter,
        process.cpu_seconds);
    add("process_resident_memory_bytes", "Resident memory size in bytes.",
        MetricType::Gauge, process.resident_bytes);
    add("process_virtual_memory_bytes", "Virtual memory size in bytes.",
        MetricType::Gauge, process.virtual_bytes);
    add("process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        MetricType::Gauge, process.start_time_seconds);
    add("process_open_fds", "Number of open file descriptors.",
        MetricType::Gauge, process.open_fds);
    add("process_max_fds", "Maximum number of open file descriptors.",
        MetricType::Gauge, process.max_fds);
    return families;
  }
};

// What is read when Prometheus scrapes: the writer's queue, the feed's
// streams, and counts from the database (one read).
class Metrics::ScrapeTime final : public prometheus::Collectable {
 public:
  explicit ScrapeTime(Sources sources) : sources_(sources) {}

  // After this, Collect reads nothing.
  void Stop() {
    absl::MutexLock lock(&mutex_);
    stopped_ = true;
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    absl::MutexLock lock(&mutex_);
    if (stopped_) return {};
    using prometheus::MetricType;
    std::vector<prometheus::MetricFamily> families;
    storage::Store& store = *sources_.store;
    families.push_back(Family(
        "hotline_store_healthy",
        "1 while the database can be written, 0 while its disk is full or "
        "once it is found damaged",
        MetricType::Gauge,
        {Sample(store.health() == storage::StoreHealth::kHealthy ? 1 : 0)}));
    if (sources_.notifier != nullptr) {
      std::vector<prometheus::ClientMetric> attempts;
      for (const auto& [labels, count] : sources_.notifier->AttemptCounts()) {
        attempts.push_back(
            Sample(static_cast<double>(count),
                   {{"channel", labels.first}, {"outcome", labels.second}}));
      }
      if (!attempts.empty()) {
        families.push_back(Family(
            "hotline_notification_attempts_total",
            "Webhook and SMS delivery attempts this process made, by channel "
            "and outcome (delivered, failed and to be retried, "
            "dead_lettered, gone)",
            MetricType::Counter, std::move(attempts)));
      }
    }
    families.push_back(Family("hotline_writer_queue_depth",
                              "Units of work waiting for the writer thread",
                              MetricType::Gauge,
                              {Sample(store.WriteQueueDepth())}));
    absl::StatusOr<storage::OperationalCounts> counts =
        store.QueryOperationalCounts();
    if (!counts.ok()) {
      // The families that need the database are left out of this scrape.
      LogWarning(absl::StrCat("metrics: cannot read the database: ",
                              counts.status().message()));
      return families;
    }
    const FeedStats feed = sources_.feed->Stats(counts->latest_seq);
    families.push_back(Family("hotline_feed_streams_open",
                              "WatchEvents streams open now", MetricType::Gauge,
                              {Sample(feed.open_streams)}));
    families.push_back(
        Family("hotline_feed_stream_lag_events",
               "The largest number of events committed but not yet served to "
               "an open stream (head seq minus the seq it was served "
               "through); 0 without streams",
               MetricType::Gauge, {Sample(static_cast<double>(feed.max_lag))}));
    families.push_back(Family(
        "hotline_feed_head_seq", "The newest event's seq", MetricType::Gauge,
        {Sample(static_cast<double>(counts->latest_seq))}));
    double sweeper_lag = 0;
    if (counts->earliest_due_micros.has_value()) {
      sweeper_lag = std::max(
          0.0, absl::ToDoubleSeconds(
                   sources_.clock->Now() -
                   absl::FromUnixMicros(*counts->earliest_due_micros)));
    }
    families.push_back(Family(
        "hotline_sweeper_lag_seconds",
        "Now minus the earliest deadline not yet swept (0 when nothing is "
        "due): how late warnings, cards and overdue marks are",
        MetricType::Gauge, {Sample(sweeper_lag)}));
    std::vector<prometheus::ClientMetric> states;
    for (int state = v1::Ticket::State_MIN + 1; state <= v1::Ticket::State_MAX;
         ++state) {
      if (!v1::Ticket::State_IsValid(state)) continue;
      auto it =
          counts->tickets_by_state.find(static_cast<v1::Ticket::State>(state));
      states.push_back(
          Sample(it == counts->tickets_by_state.end()
                     ? 0
                     : static_cast<double>(it->second),
                 {{"state", LowerName(v1::Ticket::State_Name(state))}}));
    }
    families.push_back(Family("hotline_tickets", "Tickets in each state",
                              MetricType::Gauge, std::move(states)));
    families.push_back(Family(
        "hotline_tickets_overdue",
        "Tickets not replied whose reply deadline has passed (as marked by "
        "the sweeper)",
        MetricType::Gauge,
        {Sample(static_cast<double>(counts->tickets_overdue))}));
    std::vector<prometheus::ClientMetric> issued, in_force;
    for (int color = v1::Card::Color_MIN + 1; color <= v1::Card::Color_MAX;
         ++color) {
      if (!v1::Card::Color_IsValid(color)) continue;
      auto it =
          counts->cards_by_color.find(static_cast<v1::Card::Color>(color));
      const storage::CardCounts card = it == counts->cards_by_color.end()
                                           ? storage::CardCounts()
                                           : it->second;
      const std::string label = LowerName(v1::Card::Color_Name(color));
      issued.push_back(
          Sample(static_cast<double>(card.issued), {{"color", label}}));
      in_force.push_back(Sample(static_cast<double>(card.issued - card.revoked),
                                {{"color", label}}));
    }
    families.push_back(Family("hotline_cards_issued_total",
                              "Cards ever issued, by color (revoked included)",
                              MetricType::Counter, std::move(issued)));
    families.push_back(Family("hotline_cards_in_force",
                              "Cards issued and not revoked, by color",
                              MetricType::Gauge, std::move(in_force)));
    return families;
  }

 private:
  const Sources sources_;
  // Held while collecting, so Stop waits for a scrape under way.
  mutable absl::Mutex mutex_;
  bool stopped_ ABSL_GUARDED_BY(mutex_) = false;
};

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(
    const std::string& listen_address, Sources sources) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  metrics->recorded_ = std::make_shared<Recorded>();
  metrics->scrape_time_ = std::make_shared<ScrapeTime>(sources);
  metrics->process_and_build_ = std::make_shared<ProcessAndBuild>();
  std::shared_ptr<Recorded> recorded = metrics->recorded_;
  sources.store->SetCommitGroupObserver(
      [recorded](const storage::CommitGroupStats& group) {
        recorded->RecordGroup(group);
      });
  if (listen_address.empty()) return metrics;
  try {
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen_address);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot serve metrics on ", listen_address,
        " (in use, or not an address of this machine?): ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(recorded->registry());
  metrics->exposer_->RegisterCollectable(metrics->scrape_time_);
  metrics->exposer_->RegisterCollectable(metrics->process_and_build_);
  const std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  if (!ports.empty()) metrics->port_ = ports.front();
  return metrics;
}

Metrics::~Metrics() { StopServing(); }

void Metrics::StopServing() {
  exposer_.reset();
  if (scrape_time_ != nullptr) {
    static_cast<ScrapeTime*>(scrape_time_.get())->Stop();
  }
}

void Metrics::RecordCall(absl::string_view method, absl::StatusCode code,
                         absl::Duration latency) {
  recorded_->RecordCall(method, code, latency);
}

void Metrics::RecordStreamEnd(absl::string_view method, absl::StatusCode code) {
  recorded_->RecordStreamEnd(method, code);
}

void Metrics::RecordHttpRefusal(int http_status, absl::string_view reason,
                                absl::string_view route) {
  recorded_->RecordHttpRefusal(http_status, reason, route);
}

}  // namespace hotline
