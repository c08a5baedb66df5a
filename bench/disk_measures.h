// What the benchmark measures of SQLite itself, beside the service: how
// many one-row transactions a second the disk takes (the ceiling a write
// path without group commit would have), and how many bytes each table and
// index of a hotline database occupies; and how durable a PostgreSQL
// server's commits are. Benchmark support: the server never calls these.
//
//   ASSIGN_OR_RETURN(double per_second,
//                    MeasureOneRowCommits("/tmp/x/raw.db", absl::Seconds(3),
//                                         /*synchronous_full=*/true));
//   ASSIGN_OR_RETURN(Footprint footprint, MeasureFootprint("/tmp/x/bench.db"));
//
// Thread-compatible: each call opens its own connection.
#ifndef HOTLINE_BENCH_DISK_MEASURES_H_
#define HOTLINE_BENCH_DISK_MEASURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hotline::storage {

// Creates `path` (which must not exist) in WAL mode with the server's
// synchronous setting and commits one small row per transaction, from one
// thread, for `duration`: the transactions committed per second. The file
// is left for the caller to remove.
absl::StatusOr<double> MeasureOneRowCommits(const std::string& path,
                                            absl::Duration duration,
                                            bool synchronous_full);

struct TableBytes {
  // A table or index name.
  std::string name;
  int64_t bytes = 0;
};

struct Footprint {
  // Each table and index (SQLite's dbstat), largest first.
  std::vector<TableBytes> tables;
  // The file after a checkpoint.
  int64_t file_bytes = 0;
  int64_t tickets = 0;
};

// Checkpoints the database at `path` (its server must be stopped) and
// measures what it holds.
absl::StatusOr<Footprint> MeasureFootprint(const std::string& path);

// The same of the PostgreSQL database `uri` (its servers stopped), after a
// VACUUM ANALYZE (which also leaves the planner the statistics autovacuum
// would gather): each table with its TOAST data and maps (pg_table_size), each
// index (pg_relation_size); file_bytes is their sum.
absl::StatusOr<Footprint> MeasurePostgresFootprint(const std::string& uri);

// Whether the PostgreSQL database `uri` holds no table in its schema.
absl::StatusOr<bool> PostgresDatabaseIsEmpty(const std::string& uri);

// The PostgreSQL server's version and the settings that decide what a
// commit waits for, e.g. "PostgreSQL 15.14: fsync=on,
// synchronous_commit=on, wal_sync_method=fdatasync".
absl::StatusOr<std::string> DescribePostgresDurability(const std::string& uri);

}  // namespace hotline::storage

#endif  // HOTLINE_BENCH_DISK_MEASURES_H_
