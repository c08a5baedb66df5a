#include "storage/sqlite_to_postgres.h"

#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "storage/postgres/postgres.h"
#include "storage/postgres/postgres_schema.h"
#include "storage/sql/queries.h"
#include "storage/sql/restored_history.h"
#include "storage/sqlite/sqlite.h"
#include "storage/sqlite/sqlite_store.h"

namespace hotline::storage {
namespace {

// Every table of both schemas, parents before the tables that refer to
// them. A table added to the schemas and not here is refused by name
// (CheckTables), as is a column only the source has (CopyTable), so a copy
// can never silently leave one behind.
constexpr const char* kTables[] = {"tickets",
                                   "events",
                                   "create_requests",
                                   "departments",
                                   "tokens",
                                   "cards",
                                   "policies",
                                   "daily_reports",
                                   "daily_obligations",
                                   "stat_counts",
                                   "stat_day_changes",
                                   "stat_log",
                                   "stat_changes",
                                   "stat_meta",
                                   "settings",
                                   "request_outcomes",
                                   "ticket_assists",
                                   "event_assists",
                                   "ticket_notices",
                                   "ticket_attachments",
                                   "ticket_receipt_hours"};

// PostgreSQL's own tables, which are not copied but set afterwards.
// (attachment_blobs is filled from the SQLite store's files: CopyBlobs.)
constexpr const char* kPostgresOnly[] = {"hotline_schema", "feed_head",
                                         "number_counters", "attachment_blobs"};

// Tables a server fills when it first opens an empty database (the
// statistics' preparation, the policy it starts with): emptied before the
// copy. Every other table must be empty: it holds what people did.
constexpr const char* kPreparedTables[] = {
    "stat_counts", "stat_day_changes", "stat_log", "stat_changes",
    "stat_meta",   "settings",         "policies"};

// Tables with an identity id whose sequence must start past the copied ids.
constexpr const char* kIdentityTables[] = {"daily_reports", "stat_log",
                                           "stat_changes", "request_outcomes"};

enum class ColumnKind { kInteger, kText, kBytes };

struct Column {
  std::string name;
  ColumnKind kind;
};

// Refuses when `present` (one database's tables) is not exactly `expected`.
absl::Status CheckTables(const std::string& database,
                         std::vector<std::string> present,
                         std::set<std::string> expected) {
  std::vector<std::string> extra;
  for (const std::string& table : present) {
    if (expected.erase(table) == 0) extra.push_back(table);
  }
  if (extra.empty() && expected.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      database, " does not have this build's tables (",
      extra.empty() ? ""
                    : absl::StrCat("not copied: ", absl::StrJoin(extra, ", ")),
      !extra.empty() && !expected.empty() ? "; " : "",
      expected.empty()
          ? ""
          : absl::StrCat("missing: ", absl::StrJoin(expected, ", ")),
      "); copy with the hotline-server that last ran on it"));
}

// The destination's columns of `table`, in order, with their kinds.
absl::StatusOr<std::vector<Column>> ColumnsOf(Connection& pg,
                                              const std::string& table) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      pg.Prepare(
          "SELECT column_name, data_type FROM information_schema.columns WHERE "
          "table_schema = current_schema() AND table_name = ? ORDER BY "
          "ordinal_position"));
  stmt.BindText(1, table);
  std::vector<Column> columns;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const std::string type = stmt.ColumnText(1);
    ColumnKind kind = ColumnKind::kText;
    if (type == "bigint" || type == "integer") {
      kind = ColumnKind::kInteger;
    } else if (type == "bytea") {
      kind = ColumnKind::kBytes;
    } else if (type != "text") {
      return absl::InternalError(
          absl::StrCat("column ", table, ".", stmt.ColumnText(0), " has type ",
                       type, ", which the copy does not know"));
    }
    columns.push_back({stmt.ColumnText(0), kind});
  }
  return columns;
}

// Copies every row of `table` from `from` to `to` (PostgreSQL's COPY, in
// its text format); returns how many.
absl::StatusOr<int64_t> CopyTable(Connection& from, PgConnection& to,
                                  const std::string& table) {
  ASSIGN_OR_RETURN(std::vector<Column> columns, ColumnsOf(to, table));
  std::vector<std::string> names;
  for (const Column& c : columns) names.push_back(c.name);
  // A column only the source has would be left behind: refuse instead.
  ASSIGN_OR_RETURN(std::vector<std::string> source_columns,
                   from.QueryTexts(absl::StrCat(
                       "SELECT name FROM pragma_table_info('", table, "')")));
  const std::set<std::string> known(names.begin(), names.end());
  std::vector<std::string> extra;
  for (const std::string& name : source_columns) {
    if (known.count(name) == 0) extra.push_back(name);
  }
  if (!extra.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table ", table, " has columns the PostgreSQL schema lacks (",
        absl::StrJoin(extra, ", "),
        "); copy with the hotline-server that last ran on the file"));
  }
  const std::string list = absl::StrJoin(names, ", ");
  ASSIGN_OR_RETURN(Statement read, from.Prepare(absl::StrCat("SELECT ", list,
                                                             " FROM ", table)));
  int64_t rows = 0;
  constexpr size_t kChunkBytes = 256 << 10;
  auto next = [&](std::string* chunk) -> absl::StatusOr<bool> {
    while (chunk->size() < kChunkBytes) {
      ASSIGN_OR_RETURN(bool row, read.Step());
      if (!row) return false;
      for (int i = 0; i < static_cast<int>(columns.size()); ++i) {
        if (i > 0) chunk->push_back('\t');
        if (read.ColumnIsNull(i)) {
          chunk->append("\\N");
          continue;
        }
        switch ((columns)[i].kind) {
          case ColumnKind::kInteger:
            absl::StrAppend(chunk, read.ColumnInt64(i));
            break;
          case ColumnKind::kText:
            chunk->append(CopyText(read.ColumnText(i)));
            break;
          case ColumnKind::kBytes:
            // bytea's hex input, its backslash escaped for COPY.
            absl::StrAppend(chunk, "\\\\x",
                            absl::BytesToHexString(read.ColumnBlob(i)));
            break;
        }
      }
      chunk->push_back('\n');
      ++rows;
    }
    return true;
  };
  if (absl::Status s = to.CopyIn(
          absl::StrCat("COPY ", table, " (", list, ") FROM STDIN"), next);
      !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("copying ", table, ": ", s.message()));
  }
  return rows;
}

absl::StatusOr<int64_t> Count(Connection& db, const std::string& table) {
  return db.QueryInt64(absl::StrCat("SELECT COUNT(*) FROM ", table));
}

// The copy proper, inside both transactions.
// The bytes of every attachment, from the files beside the SQLite database
// into attachment_blobs, each checked against its SHA-256 on the way
// (DATA_LOSS naming the first missing or damaged one: nothing is copied).
absl::StatusOr<int64_t> CopyBlobs(Connection& sqlite, SqliteStore& source,
                                  PgConnection& pg) {
  ASSIGN_OR_RETURN(std::vector<std::string> blobs,
                   sqlite.QueryTexts("SELECT DISTINCT sha256 FROM "
                                     "ticket_attachments ORDER BY sha256"));
  const int64_t now = absl::ToUnixMicros(absl::Now());
  for (const std::string& sha256 : blobs) {
    absl::StatusOr<std::string> bytes = source.ReadBlob(sha256);
    if (!bytes.ok()) {
      return absl::DataLossError(
          absl::StrCat(bytes.status().message(),
                       "; restore the file from a backup, then copy again; "
                       "nothing was copied"));
    }
    ASSIGN_OR_RETURN(Statement insert,
                     pg.Prepare("INSERT INTO attachment_blobs (sha256, "
                                "size_bytes, content, stored_at) VALUES "
                                "(?, ?, ?, ?)"));
    insert.BindText(1, sha256);
    insert.BindInt64(2, static_cast<int64_t>(bytes->size()));
    insert.BindBlob(3, *bytes);
    insert.BindInt64(4, now);
    RETURN_IF_ERROR(insert.Run());
  }
  return static_cast<int64_t>(blobs.size());
}

absl::StatusOr<CopyCounts> CopyRows(Connection& sqlite, SqliteStore& source,
                                    PgConnection& pg,
                                    const std::string& sqlite_path,
                                    const std::string& postgres_name) {
  ASSIGN_OR_RETURN(
      std::vector<std::string> source_tables,
      sqlite.QueryTexts("SELECT name FROM sqlite_schema WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name"));
  const std::set<std::string> copied(std::begin(kTables), std::end(kTables));
  RETURN_IF_ERROR(CheckTables(sqlite_path, source_tables, copied));
  ASSIGN_OR_RETURN(
      std::vector<std::string> destination_tables,
      pg.QueryTexts("SELECT tablename FROM pg_tables WHERE schemaname = "
                    "current_schema() ORDER BY tablename"));
  std::set<std::string> expected = copied;
  expected.insert(std::begin(kPostgresOnly), std::end(kPostgresOnly));
  RETURN_IF_ERROR(CheckTables(postgres_name, destination_tables, expected));

  // Only the tables a first start prepares may hold rows.
  const std::set<std::string> prepared(std::begin(kPreparedTables),
                                       std::end(kPreparedTables));
  std::vector<std::string> holding;
  for (const char* table : kTables) {
    if (prepared.count(table) != 0) continue;
    ASSIGN_OR_RETURN(int64_t rows, Count(pg, table));
    if (rows > 0) holding.push_back(absl::StrCat(rows, " ", table));
  }
  if (!holding.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(postgres_name, " holds hotline data already (",
                     absl::StrJoin(holding, ", "),
                     "); copy into a new, empty database (createdb)"));
  }
  for (const char* table : kPreparedTables) {
    RETURN_IF_ERROR(pg.Execute(absl::StrCat("DELETE FROM ", table)));
  }

  CopyCounts counts;
  for (const char* table : kTables) {
    ASSIGN_OR_RETURN(int64_t rows, CopyTable(sqlite, pg, table));
    ASSIGN_OR_RETURN(int64_t source, Count(sqlite, table));
    ASSIGN_OR_RETURN(int64_t destination, Count(pg, table));
    if (source != rows || destination != rows) {
      return absl::DataLossError(
          absl::StrCat("table ", table, " has ", source, " rows in ",
                       sqlite_path, " but ", destination, " in ", postgres_name,
                       " after copying ", rows, "; nothing was copied"));
    }
    counts.tables.emplace_back(table, rows);
  }
  ASSIGN_OR_RETURN(int64_t blobs, CopyBlobs(sqlite, source, pg));
  counts.tables.emplace_back("attachment_blobs", blobs);

  // Past everything copied: the seq (and a restored backup's floor), the
  // numbers (and their floors), the identities.
  ASSIGN_OR_RETURN(int64_t next_seq, NextEventSeq(pg));
  ASSIGN_OR_RETURN(int64_t next_ticket, NextTicketNumber(pg));
  ASSIGN_OR_RETURN(int64_t next_card, NextCardNumber(pg));
  ASSIGN_OR_RETURN(int64_t next_token, NextTokenNumber(pg));
  counts.last_seq = next_seq - 1;
  counts.next_ticket = next_ticket;
  counts.next_card = next_card;
  counts.next_token = next_token;
  RETURN_IF_ERROR(pg.Execute(
      absl::StrCat("UPDATE feed_head SET seq = ", counts.last_seq,
                   "; UPDATE number_counters SET next = ", counts.next_ticket,
                   " WHERE kind = ", static_cast<int>(NumberKind::kTicket),
                   "; UPDATE number_counters SET next = ", counts.next_card,
                   " WHERE kind = ", static_cast<int>(NumberKind::kCard),
                   "; UPDATE number_counters SET next = ", counts.next_token,
                   " WHERE kind = ", static_cast<int>(NumberKind::kToken))));
  for (const char* table : kIdentityTables) {
    RETURN_IF_ERROR(pg.Execute(absl::StrCat(
        "SELECT setval(pg_get_serial_sequence('", table,
        "', 'id'), GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM ", table)));
  }
  return counts;
}

}  // namespace

absl::StatusOr<CopyCounts> CopySqliteToPostgres(const std::string& sqlite_path,
                                                const std::string& postgres_uri,
                                                const std::string& time_zone) {
  struct stat info;
  if (stat(sqlite_path.c_str(), &info) != 0) {
    return absl::NotFoundError(
        absl::StrCat("there is no SQLite database at ", sqlite_path));
  }
  // Opened as a server opens it: migrated, a restored backup's marks
  // applied, and locked against a server starting on it meanwhile.
  StoreOptions options;
  options.path = sqlite_path;
  options.read_connections = 1;
  options.time_zone = time_zone;
  SqliteOptions sqlite_options;
  sqlite_options.lock = true;
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> source,
                   SqliteStore::Open(options, sqlite_options));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> sqlite,
                   SqliteConnection::Open(sqlite_path, /*read_only=*/true));

  const std::string postgres_name = RedactUri(postgres_uri);
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> pg,
                   PgConnection::Open(postgres_uri));
  // No server may start (it waits for the setup lock) or run (it holds
  // the servers' lock shared) while the copy runs. Both locks end with the
  // session.
  RETURN_IF_ERROR(pg->QueryInt64(absl::StrCat("SELECT 1 FROM pg_advisory_lock(",
                                              kSetupLockKey, ")"))
                      .status());
  ASSIGN_OR_RETURN(int64_t alone,
                   pg->QueryInt64(absl::StrCat("SELECT pg_try_advisory_lock(",
                                               kServerLockKey, ")::int")));
  if (alone != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("a hotline-server is running on ", postgres_name,
                     "; stop every server on it before copying"));
  }
  RETURN_IF_ERROR(MigratePostgres(*pg));

  RETURN_IF_ERROR(sqlite->BeginRead());
  RETURN_IF_ERROR(pg->BeginWrite());
  absl::StatusOr<CopyCounts> counts =
      CopyRows(*sqlite, *source, *pg, sqlite_path, postgres_name);
  if (!counts.ok()) {
    pg->Execute("ROLLBACK").IgnoreError();
    sqlite->Execute("ROLLBACK").IgnoreError();
    return counts.status();
  }
  if (absl::Status s = pg->Execute("COMMIT"); !s.ok()) {
    return absl::Status(
        s.code(), absl::StrCat("the commit of the copy failed: ", s.message()));
  }
  sqlite->Execute("ROLLBACK").IgnoreError();
  return counts;
}

}  // namespace hotline::storage
