// SQLite beside PostgreSQL in one run: the same operations (health,
// CreateTicket, GetTicket, the five-call lifecycle) against one server on
// a SQLite file, one server on PostgreSQL, and two servers on the same
// PostgreSQL database with the clients split between them; taken in turns
// so that a change in the machine's load falls on all alike. Prints each
// deployment's rates with their ratio to its own health check, then how
// the deployments compare.
//
// The servers run in this process. The second PostgreSQL server runs
// throughout (following the feed) but takes calls only in the two-server
// measurements.
//
// Not thread-safe: one comparison at a time.
#ifndef HOTLINE_BENCH_ENGINE_COMPARISON_H_
#define HOTLINE_BENCH_ENGINE_COMPARISON_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace hotline::bench {

// `postgres_uri` is a database this bench may fill (empty, or used by an
// earlier run); `dir` a folder for the SQLite file. `duration` is for each
// operation of each deployment, spread over the turns.
absl::Status CompareEngines(const std::string& postgres_uri,
                            const std::string& dir, int client_count,
                            absl::Duration duration, bool sqlite_sync_full);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_ENGINE_COMPARISON_H_
