#include "server/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
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

}  // namespace

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
                .Add({}, prometheus::Histogram::BucketBoundaries{
                             0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                             0.1, 0.25, 0.5, 1, 2.5})) {}

  void RecordCall(absl::string_view method, absl::StatusCode code,
                  absl::Duration latency) {
    const prometheus::Labels labels = Labels(method, code);
    requests_.Add(labels).Increment();
    latency_
        .Add(labels,
             prometheus::Histogram::BucketBoundaries{
                 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                 0.5, 1, 2.5, 5, 10})
        .Observe(absl::ToDoubleSeconds(latency));
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

}  // namespace hotline
