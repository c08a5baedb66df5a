#include "bench/measure.h"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace hotline::bench {

// Runs `op(i)` from `count` threads until time is up.
Result MeasureThreads(const std::string& name, int count,
                      absl::Duration duration,
                      const std::function<absl::Status(int)>& op) {
  std::vector<std::vector<absl::Duration>> per_thread(count);
  std::atomic<int64_t> errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      while (!stop.load(std::memory_order_relaxed)) {
        const absl::Time begin = absl::Now();
        absl::Status status = op(i);
        per_thread[i].push_back(absl::Now() - begin);
        if (!status.ok()) {
          if (errors.fetch_add(1) == 0) {
            std::cerr << name << ": " << status << "\n";
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(absl::ToChronoMicroseconds(duration));
  stop = true;
  for (std::thread& t : threads) t.join();
  Result result{name, {}, errors.load(), absl::Now() - start};
  for (auto& samples : per_thread) {
    result.latencies.insert(result.latencies.end(), samples.begin(),
                            samples.end());
  }
  std::sort(result.latencies.begin(), result.latencies.end());
  return result;
}

// Runs `op` from every client until time is up.
Result Measure(const std::string& name,
               std::vector<std::unique_ptr<Client>>& clients,
               absl::Duration duration,
               const std::function<absl::Status(Client&, int)>& op) {
  return MeasureThreads(name, static_cast<int>(clients.size()), duration,
                        [&](int i) { return op(*clients[i], i); });
}

// Sums `rounds` of each measurement taken in turns: a change in the
// machine's load (it may be shared) falls on all of them alike.
std::vector<Result> InTurns(
    int rounds, absl::Duration duration,
    const std::vector<
        std::pair<std::string, std::function<Result(absl::Duration)>>>& runs) {
  std::vector<Result> totals(runs.size());
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < runs.size(); ++i) {
      Result r = runs[i].second(duration / rounds);
      totals[i].name = runs[i].first;
      totals[i].latencies.insert(totals[i].latencies.end(), r.latencies.begin(),
                                 r.latencies.end());
      totals[i].errors += r.errors;
      totals[i].wall += r.wall;
    }
  }
  for (Result& r : totals) std::sort(r.latencies.begin(), r.latencies.end());
  return totals;
}

std::string Millis(absl::Duration d) {
  return absl::StrFormat("%.2f", absl::ToDoubleMilliseconds(d));
}

absl::Duration Percentile(const std::vector<absl::Duration>& sorted,
                          int percent) {
  const size_t n = sorted.size();
  return sorted[std::min(n - 1, n * percent / 100)];
}

std::string PercentileMillis(std::vector<absl::Duration> latencies,
                             int percent) {
  if (latencies.empty()) return "-";
  std::sort(latencies.begin(), latencies.end());
  return Millis(Percentile(latencies, percent));
}

double PerSecond(const Result& r) {
  return r.latencies.empty()
             ? 0
             : r.latencies.size() / absl::ToDoubleSeconds(r.wall);
}

// One line per result; with `baseline`, each rate as a ratio of its rate.
void Print(const std::vector<Result>& results, const Result* baseline) {
  std::cout << absl::StrFormat(
      "%-26s %10s %12s %10s %10s %8s%s\n", "operation", "count", "per second",
      "p50 ms", "p99 ms", "errors", baseline != nullptr ? "  vs health" : "");
  for (const Result& r : results) {
    const size_t n = r.latencies.size();
    if (n == 0) continue;
    std::cout << absl::StrFormat("%-26s %10d %12.0f %10s %10s %8d", r.name, n,
                                 PerSecond(r),
                                 Millis(Percentile(r.latencies, 50)),
                                 Millis(Percentile(r.latencies, 99)), r.errors);
    if (baseline != nullptr && PerSecond(*baseline) > 0) {
      std::cout << absl::StrFormat("  %10.2f",
                                   PerSecond(r) / PerSecond(*baseline));
    }
    std::cout << "\n";
  }
}

}  // namespace hotline::bench
