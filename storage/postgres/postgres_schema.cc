#include "storage/postgres/postgres_schema.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "storage/sql/schema.h"

namespace hotline::storage {
namespace {

// The tables only a PostgreSQL store has: its schema version, and what
// several processes sharing the database need (postgres_schema.h).
constexpr const char* kOwnTables = R"sql(
CREATE TABLE hotline_schema (version INTEGER NOT NULL);

CREATE TABLE feed_head (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL
);
INSERT INTO feed_head (id, seq) VALUES (1, 0);

CREATE TABLE number_counters (
  kind INTEGER PRIMARY KEY,
  next BIGINT NOT NULL
);
INSERT INTO number_counters (kind, next) VALUES (0, 1), (1, 1), (2, 1);
)sql";

// What a PostgreSQL store adds to a shared migration: the attachments'
// bytes (a SQLite store keeps them in files beside its database), stored
// once per SHA-256, `stored_at` the machine's clock (CollectBlobs).
std::string OwnPartOf(int shared) {
  if (shared == 17) {
    return R"sql(
CREATE TABLE attachment_blobs (
  sha256     TEXT COLLATE "C" PRIMARY KEY,
  size_bytes BIGINT NOT NULL,
  content    BYTEA NOT NULL,
  stored_at  BIGINT NOT NULL
);
)sql";
  }
  return "";
}

}  // namespace

std::string PostgresMigration(int version) {
  if (version > 1) {
    const int shared = version - 1 + kSharedMigrationsInPostgresV1;
    return absl::StrCat(SharedMigration(shared, SqlDialect::kPostgres),
                        OwnPartOf(shared));
  }
  std::string schema;
  for (int shared = 1; shared <= kSharedMigrationsInPostgresV1; ++shared) {
    absl::StrAppend(&schema, SharedMigration(shared, SqlDialect::kPostgres));
  }
  return absl::StrCat(schema, kOwnTables);
}

int LatestPostgresSchemaVersion() {
  return SharedMigrationCount() - kSharedMigrationsInPostgresV1 + 1;
}

absl::Status MigratePostgres(Connection& db) {
  ASSIGN_OR_RETURN(
      std::vector<std::string> tables,
      db.QueryTexts("SELECT tablename FROM pg_tables WHERE schemaname = "
                    "current_schema() ORDER BY tablename"));
  std::vector<std::string>& names = tables;
  const bool marked =
      std::find(names.begin(), names.end(), "hotline_schema") != names.end();
  int64_t version = 0;
  if (marked) {
    ASSIGN_OR_RETURN(int64_t recorded,
                     db.QueryInt64("SELECT MAX(version) FROM hotline_schema"));
    version = recorded;
  } else if (!names.empty()) {
    names.resize(std::min<size_t>(names.size(), 3));
    return absl::FailedPreconditionError(absl::StrCat(
        "the PostgreSQL database is not a hotline database (it has tables: ",
        absl::StrJoin(names, ", "),
        "); give hotline a database of its own (createdb)"));
  }
  if (version > LatestPostgresSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the PostgreSQL database has schema version ", version,
        ", newer than this build's ", LatestPostgresSchemaVersion(),
        "; run a newer hotline-server"));
  }
  if (version == LatestPostgresSchemaVersion()) return absl::OkStatus();
  RETURN_IF_ERROR(db.BeginWrite());
  auto fail = [&](absl::Status status) {
    db.Execute("ROLLBACK").IgnoreError();
    return status;
  };
  for (int next = static_cast<int>(version) + 1;
       next <= LatestPostgresSchemaVersion(); ++next) {
    if (absl::Status s = db.Execute(PostgresMigration(next)); !s.ok()) {
      return fail(absl::InternalError(
          absl::StrCat("migration ", next, " failed: ", s.message())));
    }
  }
  if (absl::Status s = db.Execute(
          absl::StrCat("DELETE FROM hotline_schema; INSERT INTO hotline_schema "
                       "(version) VALUES (",
                       LatestPostgresSchemaVersion(), ")"));
      !s.ok()) {
    return fail(s);
  }
  return db.Execute("COMMIT");
}

}  // namespace hotline::storage
