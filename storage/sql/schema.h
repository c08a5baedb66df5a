// The tables both SQL engines keep, written once: the numbered shared
// migrations, each rendered in an engine's words. The SQLite store applies
// them as its migrations (storage/sqlite/migrations.h: schema version N is
// the first N); the PostgreSQL store's schema version 1 is the first
// kSharedMigrationsInPostgresV1 of them in one go, beside its own tables,
// and each later PostgreSQL version one more shared migration
// (storage/postgres/postgres_schema.h).
//
// The text is SQLite's, rendered as written for SQLite (so that a database
// made by an earlier build has the same schema, byte for byte, as one made
// now); for PostgreSQL the words are changed: INTEGER BIGINT, BLOB BYTEA,
// TEXT TEXT COLLATE "C" (text sorts by bytes, as in SQLite), no WITHOUT
// ROWID, and an id the database assigns (SQLite's INTEGER PRIMARY KEY rowid)
// an identity column. The statistics counter columns come from
// workflow/stat_facts.h's kStatCounterNames, so they are declared once.
//
// Migrations are append-only: a released migration is never edited; a change
// is a new migration at the end of the list. Stateless; thread-safe.
#ifndef HOTLINE_STORAGE_SQL_SCHEMA_H_
#define HOTLINE_STORAGE_SQL_SCHEMA_H_

#include <string>

namespace hotline::storage {

enum class SqlDialect { kSqlite, kPostgres };

// How many shared migrations there are.
int SharedMigrationCount();

// Shared migration `number` (1 to SharedMigrationCount()) in `dialect`: one
// or more statements that return no rows.
std::string SharedMigration(int number, SqlDialect dialect);

// How many shared migrations PostgreSQL's schema version 1 holds (those
// released when the PostgreSQL store came).
inline constexpr int kSharedMigrationsInPostgresV1 = 8;

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_SCHEMA_H_
