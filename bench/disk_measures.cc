#include "bench/disk_measures.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/postgres/postgres.h"
#include "storage/sqlite/sqlite.h"

namespace hotline::storage {

absl::StatusOr<double> MeasureOneRowCommits(const std::string& path,
                                            absl::Duration duration,
                                            bool synchronous_full) {
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/false);
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Execute(absl::StrCat(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=",
          synchronous_full ? "FULL" : "NORMAL",
          "; CREATE TABLE rows (id INTEGER PRIMARY KEY, value BLOB);"));
      !s.ok()) {
    return s;
  }
  const std::string value(200, 'x');  // about a ticket event's size
  int64_t commits = 0;
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  while (absl::Now() < end) {
    absl::StatusOr<Statement> insert =
        (*db)->Prepare("INSERT INTO rows (value) VALUES (?)");
    if (!insert.ok()) return insert.status();
    if (absl::Status s = (*db)->Execute("BEGIN IMMEDIATE"); !s.ok()) return s;
    insert->BindText(1, value);
    if (absl::Status s = insert->Run(); !s.ok()) return s;
    if (absl::Status s = (*db)->Execute("COMMIT"); !s.ok()) return s;
    ++commits;
  }
  return commits / absl::ToDoubleSeconds(absl::Now() - start);
}

absl::StatusOr<Footprint> MeasureFootprint(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/false);
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Execute("PRAGMA wal_checkpoint(TRUNCATE)");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Statement> query = (*db)->Prepare(
      "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name "
      "ORDER BY SUM(pgsize) DESC");
  if (!query.ok()) return query.status();
  Footprint footprint;
  for (;;) {
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    footprint.tables.push_back({query->ColumnText(0), query->ColumnInt64(1)});
  }
  absl::StatusOr<int64_t> pages = (*db)->QueryInt64("PRAGMA page_count");
  if (!pages.ok()) return pages.status();
  absl::StatusOr<int64_t> page_size = (*db)->QueryInt64("PRAGMA page_size");
  if (!page_size.ok()) return page_size.status();
  footprint.file_bytes = *pages * *page_size;
  absl::StatusOr<int64_t> tickets =
      (*db)->QueryInt64("SELECT COUNT(*) FROM tickets");
  if (!tickets.ok()) return tickets.status();
  footprint.tickets = *tickets;
  return footprint;
}

absl::StatusOr<std::string> DescribePostgresDurability(const std::string& uri) {
  absl::StatusOr<std::unique_ptr<PgConnection>> db = PgConnection::Open(uri);
  if (!db.ok()) return db.status();
  auto setting = [&](const char* name) -> absl::StatusOr<std::string> {
    absl::StatusOr<Statement> show =
        (*db)->Prepare(absl::StrCat("SELECT current_setting('", name, "')"));
    if (!show.ok()) return show.status();
    absl::StatusOr<bool> row = show->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::InternalError("no answer to current_setting");
    return show->ColumnText(0);
  };
  absl::StatusOr<std::string> version = setting("server_version");
  if (!version.ok()) return version.status();
  std::string out = absl::StrCat("PostgreSQL ", *version, ":");
  const char* separator = " ";
  for (const char* name : {"fsync", "synchronous_commit", "wal_sync_method"}) {
    absl::StatusOr<std::string> value = setting(name);
    if (!value.ok()) return value.status();
    absl::StrAppend(&out, separator, name, "=", *value);
    separator = ", ";
  }
  return out;
}

}  // namespace hotline::storage
