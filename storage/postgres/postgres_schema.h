// The tables of a PostgreSQL store: the shared migrations of
// storage/sql/schema.h (the same tables, columns and indexes as the SQLite
// store's), in PostgreSQL's types (BIGINT, BYTEA, TEXT COLLATE "C" so text
// sorts by bytes as in SQLite), and two more that several processes sharing
// the database need:
// feed_head (the last event seq given, whose row lock serialises commits
// that give seqs) and number_counters (tickets, cards and tokens).
//
// Not thread-safe beyond the Connection's own rule.
#ifndef HOTLINE_STORAGE_POSTGRES_POSTGRES_SCHEMA_H_
#define HOTLINE_STORAGE_POSTGRES_POSTGRES_SCHEMA_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// The advisory lock keys of a hotline database: the leader's (held for as
// long as a process leads, store.h HoldLeadership), the one held while a
// process migrates or prepares the database at start, and the servers'.
inline constexpr int64_t kLeaderLockKey = 0x484F544C00000001;
inline constexpr int64_t kSetupLockKey = 0x484F544C00000002;
// Held in shared mode by every open store (on its writer's session), so
// that the copy from SQLite (storage/sqlite_to_postgres.h), which takes it
// exclusively, can tell that no server has the database open.
inline constexpr int64_t kServerLockKey = 0x484F544C00000003;

int LatestPostgresSchemaVersion();

// The statements that bring a database of schema version `version - 1` to
// `version` (without recording it in hotline_schema). Version 1: the shared
// migrations released with the PostgreSQL store, in one go, and the store's
// own tables; each later version one more shared migration
// (storage/sql/schema.h).
std::string PostgresMigration(int version);

// Brings the database to the latest schema (in one transaction): a database
// without tables gets them all; one with tables that are not hotline's is
// refused (FAILED_PRECONDITION naming some), as is one of a newer schema.
// The caller holds kSetupLockKey.
absl::Status MigratePostgres(Connection& db);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_POSTGRES_POSTGRES_SCHEMA_H_
