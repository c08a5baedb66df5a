#include "bench/disk_measures.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "storage/postgres/postgres.h"
#include "storage/sqlite/sqlite.h"

namespace hotline::storage {

absl::StatusOr<double> MeasureOneRowCommits(const std::string& path,
                                            absl::Duration duration,
                                            bool synchronous_full) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                   SqliteConnection::Open(path, /*read_only=*/false));
  RETURN_IF_ERROR(db->Execute(absl::StrCat(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=",
      synchronous_full ? "FULL" : "NORMAL",
      "; CREATE TABLE rows (id INTEGER PRIMARY KEY, value BLOB);")));
  const std::string value(200, 'x');  // about a ticket event's size
  int64_t commits = 0;
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  while (absl::Now() < end) {
    ASSIGN_OR_RETURN(Statement insert,
                     db->Prepare("INSERT INTO rows (value) VALUES (?)"));
    RETURN_IF_ERROR(db->Execute("BEGIN IMMEDIATE"));
    insert.BindText(1, value);
    RETURN_IF_ERROR(insert.Run());
    RETURN_IF_ERROR(db->Execute("COMMIT"));
    ++commits;
  }
  return commits / absl::ToDoubleSeconds(absl::Now() - start);
}

absl::StatusOr<Footprint> MeasureFootprint(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                   SqliteConnection::Open(path, /*read_only=*/false));
  RETURN_IF_ERROR(db->Execute("PRAGMA wal_checkpoint(TRUNCATE)"));
  ASSIGN_OR_RETURN(Statement query,
                   db->Prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY "
                               "name ORDER BY SUM(pgsize) DESC"));
  Footprint footprint;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    footprint.tables.push_back({query.ColumnText(0), query.ColumnInt64(1)});
  }
  ASSIGN_OR_RETURN(int64_t pages, db->QueryInt64("PRAGMA page_count"));
  ASSIGN_OR_RETURN(int64_t page_size, db->QueryInt64("PRAGMA page_size"));
  footprint.file_bytes = pages * page_size;
  ASSIGN_OR_RETURN(footprint.tickets,
                   db->QueryInt64("SELECT COUNT(*) FROM tickets"));
  return footprint;
}

absl::StatusOr<Footprint> MeasurePostgresFootprint(const std::string& uri) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Open(uri));
  RETURN_IF_ERROR(db->Execute("VACUUM ANALYZE"));
  ASSIGN_OR_RETURN(
      Statement query,
      db->Prepare("SELECT c.relname, CASE c.relkind WHEN 'r' THEN "
                  "pg_table_size(c.oid) ELSE pg_relation_size(c.oid) END AS "
                  "bytes FROM pg_class c JOIN pg_namespace n ON n.oid = "
                  "c.relnamespace WHERE n.nspname = current_schema() AND "
                  "c.relkind IN ('r', 'i') ORDER BY bytes DESC"));
  Footprint footprint;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    footprint.tables.push_back({query.ColumnText(0), query.ColumnInt64(1)});
    footprint.file_bytes += query.ColumnInt64(1);
  }
  ASSIGN_OR_RETURN(footprint.tickets,
                   db->QueryInt64("SELECT COUNT(*) FROM tickets"));
  return footprint;
}

absl::StatusOr<bool> PostgresDatabaseIsEmpty(const std::string& uri) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Open(uri));
  ASSIGN_OR_RETURN(int64_t tables,
                   db->QueryInt64("SELECT COUNT(*) FROM pg_tables WHERE "
                                  "schemaname = current_schema()"));
  return tables == 0;
}

absl::StatusOr<std::string> DescribePostgresDurability(const std::string& uri) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Open(uri));
  auto setting = [&](const char* name) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(
        Statement show,
        db->Prepare(absl::StrCat("SELECT current_setting('", name, "')")));
    ASSIGN_OR_RETURN(bool row, show.Step());
    if (!row) return absl::InternalError("no answer to current_setting");
    return show.ColumnText(0);
  };
  ASSIGN_OR_RETURN(std::string version, setting("server_version"));
  std::string out = absl::StrCat("PostgreSQL ", version, ":");
  const char* separator = " ";
  for (const char* name : {"fsync", "synchronous_commit", "wal_sync_method"}) {
    ASSIGN_OR_RETURN(std::string value, setting(name));
    absl::StrAppend(&out, separator, name, "=", value);
    separator = ", ";
  }
  return out;
}

}  // namespace hotline::storage
