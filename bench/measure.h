// The bench's timing: operations run from many threads for a while, their
// latencies sorted, printed as rate and percentiles; and measurements
// taken in turns so that a change in a shared machine's load falls on all
// of them alike.
//
// Thread-safe: each call owns its threads and results.
#ifndef HOTLINE_BENCH_MEASURE_H_
#define HOTLINE_BENCH_MEASURE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/hotline_client.h"

namespace hotline::bench {

// One operation's samples.
struct Result {
  std::string name;
  std::vector<absl::Duration> latencies;  // sorted
  int64_t errors = 0;
  absl::Duration wall;
};

// Runs `op(i)` from `count` threads (i = 0..count-1) until `duration` is
// up; prints the first error.
Result MeasureThreads(const std::string& name, int count,
                      absl::Duration duration,
                      const std::function<absl::Status(int)>& op);

// Runs `op(client, i)` from one thread a client until time is up.
Result Measure(const std::string& name,
               std::vector<std::unique_ptr<Client>>& clients,
               absl::Duration duration,
               const std::function<absl::Status(Client&, int)>& op);

// Sums `rounds` of each run, taken in turns, each for duration / rounds.
std::vector<Result> InTurns(
    int rounds, absl::Duration duration,
    const std::vector<
        std::pair<std::string, std::function<Result(absl::Duration)>>>& runs);

// Milliseconds with two decimals.
std::string Millis(absl::Duration d);
// The `percent`th percentile of `sorted` latencies (not empty).
absl::Duration Percentile(const std::vector<absl::Duration>& sorted,
                          int percent);
// The `percent`th percentile of `latencies` (any order) in milliseconds
// with two decimals; "-" when there is none.
std::string PercentileMillis(std::vector<absl::Duration> latencies,
                             int percent);
// Calls a second over the result's wall time.
double PerSecond(const Result& r);

// One line per result; with `baseline`, each rate as a ratio of its rate.
void Print(const std::vector<Result>& results,
           const Result* baseline = nullptr);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_MEASURE_H_
