// Golden schemas: the schema a fresh database gets from the store, as the
// engine's catalog describes it, equals the checked-in text of
// tests/storage/golden/. Released migrations never change
// (storage/sql/schema.h), and these files are what they made: each was first
// made by the build from before the storage split (commit 80cafdc) and only
// grows when a new migration is added on purpose.
//
//   sqlite_schema.txt     SQLite: PRAGMA user_version and application_id,
//                         then every row of sqlite_schema (type, name,
//                         tbl_name, sql) by name. Expected output, not code,
//                         though valid SQL: sqlite3 x.db <
//                         sqlite_schema.txt makes the same schema.
//   postgres_schema.txt   PostgreSQL: the schema version, then the tables,
//                         columns (type, collation, nullability, default,
//                         identity), indexes and constraints from
//                         information_schema and pg_catalog, in order (not
//                         pg_dump, whose text changes with its version).
//
// After adding a migration on purpose, regenerate them (and commit them with
// the migration):
//   HOTLINE_UPDATE_SCHEMA_GOLDEN=1 ctest --test-dir build/test -R SchemaGolden
// which rewrites a file only when this build's schema version is above the
// file's: a changed released migration is never written over.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "storage/postgres/postgres.h"
#include "storage/postgres/postgres_schema.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sql/connection.h"
#include "storage/sql/schema.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite.h"
#include "storage/sqlite/sqlite_options.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/postgres_support.h"
#include "tests/support/temp_dir.h"

namespace hotline::storage {
namespace {

using hotline::testing::TempDir;

// Each query returns one text column; the schema's text is every row of
// every query, each followed by a newline. They are plain SQL so that the
// sqlite3 and psql command-line tools give the same text (psql -At).
constexpr const char* kSqliteSchemaQueries[] = {
    R"sql(SELECT line FROM (
  SELECT 0 AS part, '' AS name,
    'PRAGMA user_version = ' || (SELECT user_version FROM pragma_user_version)
    || ';' AS line
  UNION ALL
  SELECT 1, '',
    'PRAGMA application_id = '
    || (SELECT application_id FROM pragma_application_id) || ';'
  UNION ALL
  SELECT 2, name, char(10) || '-- ' || type || ' ' || name || ' on '
    || tbl_name || coalesce(char(10) || sql || ';', '')
  FROM sqlite_schema
) ORDER BY part, name)sql",
};

constexpr const char* kPostgresSchemaQueries[] = {
    "SELECT 'hotline_schema version ' || version FROM hotline_schema "
    "ORDER BY version",
    "SELECT 'table ' || table_name || ' ' || table_type "
    "FROM information_schema.tables WHERE table_schema = current_schema() "
    "ORDER BY table_name",
    "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type"
    " || CASE WHEN collation_name IS NULL THEN '' "
    "ELSE ' collate ' || collation_name END"
    " || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END"
    " || CASE WHEN column_default IS NULL THEN '' "
    "ELSE ' default ' || column_default END"
    " || CASE WHEN is_identity = 'YES' "
    "THEN ' generated ' || identity_generation || ' as identity' ELSE '' END "
    "FROM information_schema.columns WHERE table_schema = current_schema() "
    "ORDER BY table_name, ordinal_position",
    "SELECT 'index ' || tablename || ' ' || indexname || ': ' || indexdef "
    "FROM pg_indexes WHERE schemaname = current_schema() "
    "ORDER BY tablename, indexname",
    // Not NOT NULL constraints (PostgreSQL 18 lists them here, with names
    // made of oids): the columns say nullability.
    "SELECT 'constraint ' || c.relname || ' ' || k.conname || ': ' || "
    "pg_get_constraintdef(k.oid) "
    "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
    "WHERE k.connamespace = current_schema()::regnamespace "
    "AND k.contype IN ('p', 'u', 'f', 'c', 'x') "
    "ORDER BY c.relname, k.conname",
};

// One engine's golden file: its name, and the first words of the line that
// states the schema version ("<prefix><N>").
struct Golden {
  const char* file;
  const char* version_prefix;
};
constexpr Golden kSqliteGolden = {"sqlite_schema.txt",
                                  "PRAGMA user_version = "};
constexpr Golden kPostgresGolden = {"postgres_schema.txt",
                                    "hotline_schema version "};

constexpr const char* kUpdateVariable = "HOTLINE_UPDATE_SCHEMA_GOLDEN";

template <size_t N>
std::string SchemaText(Connection& db, const char* const (&queries)[N]) {
  std::string text;
  for (const char* query : queries) {
    absl::StatusOr<std::vector<std::string>> rows = db.QueryTexts(query);
    EXPECT_TRUE(rows.ok()) << rows.status() << "\nin: " << query;
    if (!rows.ok()) return "";
    for (const std::string& row : *rows) absl::StrAppend(&text, row, "\n");
  }
  return text;
}

std::string GoldenPath(const Golden& golden) {
  return absl::StrCat(HOTLINE_SCHEMA_GOLDEN_DIR, "/", golden.file);
}

// The schema version a text states, or -1.
int VersionIn(const std::string& text, const Golden& golden) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, golden.version_prefix)) continue;
    absl::ConsumeSuffix(&line, ";");
    int version;
    if (absl::SimpleAtoi(line, &version)) return version;
  }
  return -1;
}

// The lines that differ, as a diff without context: "-" the golden file's,
// "+" this build's, each with its line number. At most `limit` lines.
std::string LineDiff(const std::string& golden, const std::string& now,
                     size_t limit = 60) {
  const std::vector<std::string> a = absl::StrSplit(golden, '\n');
  const std::vector<std::string> b = absl::StrSplit(now, '\n');
  // Longest common subsequence, from the ends.
  std::vector<std::vector<int>> common(a.size() + 1,
                                       std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      common[i][j] = a[i] == b[j]
                         ? common[i + 1][j + 1] + 1
                         : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::vector<std::string> out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i, ++j;
    } else if (i < a.size() &&
               (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      out.push_back(absl::StrCat("  - line ", i + 1, ": ", a[i]));
      ++i;
    } else {
      out.push_back(absl::StrCat("  + line ", j + 1, ": ", b[j]));
      ++j;
    }
  }
  const size_t total = out.size();
  if (total > limit) {
    out.resize(limit);
    out.push_back(absl::StrCat("  ... and ", total - limit, " more"));
  }
  return absl::StrJoin(out, "\n");
}

std::string ReadFile(const std::string& path, bool* found) {
  std::ifstream in(path, std::ios::binary);
  *found = static_cast<bool>(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool UpdateRequested() {
  const char* value = std::getenv(kUpdateVariable);
  return value != nullptr && std::string(value) == "1";
}

// Checks `now`, the schema `what` has, against the golden file; with
// HOTLINE_UPDATE_SCHEMA_GOLDEN=1, writes it when this build's schema version
// is above the file's.
void ExpectGolden(const Golden& golden, const std::string& what,
                  const std::string& now) {
  ASSERT_FALSE(now.empty()) << what << ": no schema read";
  const std::string path = GoldenPath(golden);
  bool found = false;
  const std::string expected = ReadFile(path, &found);
  if (found && expected == now) return;

  const int golden_version = found ? VersionIn(expected, golden) : -1;
  const int now_version = VersionIn(now, golden);
  const std::string regenerate = absl::StrCat(
      kUpdateVariable, "=1 ctest --test-dir build/test -R SchemaGolden");
  if (UpdateRequested()) {
    if (found && now_version <= golden_version) {
      ADD_FAILURE() << path << " is not rewritten: it is schema version "
                    << golden_version << " and this build's is " << now_version
                    << ", not a newer one. A released migration changed: add "
                       "a new migration instead (storage/sql/schema.cc), "
                       "and restore the released one. Differences (- the "
                       "golden file, + this build):\n"
                    << LineDiff(expected, now);
      return;
    }
    // Whole or not at all, for a suite reading it meanwhile.
    const std::string written = path + ".new";
    std::ofstream out(written, std::ios::binary | std::ios::trunc);
    out << now;
    out.close();
    ASSERT_TRUE(out.good()) << "cannot write " << written;
    ASSERT_EQ(std::rename(written.c_str(), path.c_str()), 0)
        << "cannot rename " << written << " to " << path;
    std::cout << "wrote " << path << " (schema version " << now_version
              << "); commit it with the new migration\n";
    return;
  }
  if (!found) {
    ADD_FAILURE() << "no golden schema " << path << ": make it with "
                  << regenerate;
    return;
  }
  std::string advice;
  if (now_version > golden_version) {
    advice = absl::StrCat(
        "This build's schema version is ", now_version, ", the golden file's ",
        golden_version,
        ". If the new migration(s) are meant, and the lines of the released "
        "ones are unchanged above, regenerate the golden file and commit it "
        "with them: ",
        regenerate);
  } else {
    advice = absl::StrCat(
        "A released migration changed: add a new migration instead. The "
        "schema version is still ",
        now_version,
        ", so these differences come from migrations already released "
        "(storage/sql/schema.cc, storage/postgres/postgres_schema.cc), which "
        "databases in service have already applied and will never apply "
        "again: restore them, and put the change in a new migration at the "
        "end of the list.");
  }
  ADD_FAILURE() << what << " differs from the golden schema " << path
                << " (- the golden file, + this build):\n"
                << LineDiff(expected, now) << "\n"
                << advice;
}

// The SQLite schema of the (closed) database at `path`.
std::string SqliteSchemaOf(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Connection>> db =
      SqliteConnection::Open(path, /*read_only=*/true);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return "";
  return SchemaText(**db, kSqliteSchemaQueries);
}

// Opens the SQLite store on `path`, which migrates it, and closes it.
bool OpenAndCloseSqliteStore(const std::string& path) {
  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok();
}

TEST(SqliteSchemaGolden, AFreshDatabaseHasTheReleasedSchema) {
  TempDir dir;
  const std::string path = dir.File("fresh.db");
  ASSERT_TRUE(OpenAndCloseSqliteStore(path));
  ExpectGolden(kSqliteGolden, "A fresh SQLite database's schema",
               SqliteSchemaOf(path));
}

// A file a server of an older release made (schema version k: migrations
// 1..k), opened by this build, ends with the same schema as a fresh one:
// the order in which migrations were applied leaves no trace. (The fresh one
// is held to the golden file above.)
TEST(SqliteSchemaGolden, EveryOlderVersionMigratesToTheFreshSchema) {
  ASSERT_GE(LatestSchemaVersion(), 2);
  TempDir fresh_dir;
  const std::string fresh_path = fresh_dir.File("fresh.db");
  ASSERT_TRUE(OpenAndCloseSqliteStore(fresh_path));
  const std::string fresh = SqliteSchemaOf(fresh_path);
  ASSERT_FALSE(fresh.empty());
  for (int version = 1; version < LatestSchemaVersion(); ++version) {
    SCOPED_TRACE(absl::StrCat("from schema version ", version));
    TempDir dir;
    const std::string path = dir.File(absl::StrCat("v", version, ".db"));
    {
      absl::StatusOr<std::unique_ptr<Connection>> db =
          SqliteConnection::Open(path, /*read_only=*/false);
      ASSERT_TRUE(db.ok()) << db.status();
      std::string migrations =
          absl::StrCat("BEGIN; PRAGMA application_id = ", kApplicationId, ";");
      for (int m = 1; m <= version; ++m) {
        absl::StrAppend(&migrations, SharedMigration(m, SqlDialect::kSqlite));
      }
      absl::StrAppend(&migrations, "PRAGMA user_version = ", version,
                      "; COMMIT;");
      absl::Status made = (*db)->Execute(migrations);
      ASSERT_TRUE(made.ok()) << made;
    }
    ASSERT_EQ(VersionIn(SqliteSchemaOf(path), kSqliteGolden), version);
    ASSERT_TRUE(OpenAndCloseSqliteStore(path));
    const std::string migrated = SqliteSchemaOf(path);
    // The first version that differs says enough.
    ASSERT_TRUE(migrated == fresh)
        << "A SQLite database of schema version " << version
        << ", migrated by this build, differs from a fresh one (- fresh, + "
           "migrated):\n"
        << LineDiff(fresh, migrated) << "\nA migration after version "
        << version
        << " makes something else of an existing database than of a new one "
           "(it depends on the data, or on what runs in the same "
           "transaction): make it give the same schema either way.";
  }
}

TEST(PostgresSchemaGolden, AFreshDatabaseHasTheReleasedSchema) {
  const std::string uri = NewPostgresDatabase();
  ASSERT_FALSE(uri.empty());
  {
    StoreOptions options;
    options.path = uri;
    absl::StatusOr<std::unique_ptr<PostgresStore>> store =
        PostgresStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
  }
  absl::StatusOr<std::unique_ptr<PgConnection>> db = PgConnection::Open(uri);
  ASSERT_TRUE(db.ok()) << db.status();
  ExpectGolden(kPostgresGolden, "A fresh PostgreSQL database's schema",
               SchemaText(**db, kPostgresSchemaQueries));
}

// The schema of the PostgreSQL database at `uri`.
std::string PostgresSchemaOf(const std::string& uri) {
  absl::StatusOr<std::unique_ptr<PgConnection>> db = PgConnection::Open(uri);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return "";
  return SchemaText(**db, kPostgresSchemaQueries);
}

bool OpenAndClosePostgresStore(const std::string& uri) {
  StoreOptions options;
  options.path = uri;
  absl::StatusOr<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok();
}

// As for SQLite: a database an older release made (PostgreSQL schema
// version k), opened by this build, ends with the same schema as a fresh
// one.
TEST(PostgresSchemaGolden, EveryOlderVersionMigratesToTheFreshSchema) {
  ASSERT_GE(LatestPostgresSchemaVersion(), 2);
  const std::string fresh_uri = NewPostgresDatabase();
  ASSERT_FALSE(fresh_uri.empty());
  ASSERT_TRUE(OpenAndClosePostgresStore(fresh_uri));
  const std::string fresh = PostgresSchemaOf(fresh_uri);
  ASSERT_FALSE(fresh.empty());
  for (int version = 1; version < LatestPostgresSchemaVersion(); ++version) {
    SCOPED_TRACE(absl::StrCat("from PostgreSQL schema version ", version));
    const std::string uri = NewPostgresDatabase();
    ASSERT_FALSE(uri.empty());
    {
      absl::StatusOr<std::unique_ptr<PgConnection>> db =
          PgConnection::Open(uri);
      ASSERT_TRUE(db.ok()) << db.status();
      std::string migrations = "BEGIN;";
      for (int m = 1; m <= version; ++m) {
        absl::StrAppend(&migrations, PostgresMigration(m), ";");
      }
      absl::StrAppend(&migrations,
                      "INSERT INTO hotline_schema (version) VALUES (", version,
                      "); COMMIT;");
      absl::Status made = (*db)->Execute(migrations);
      ASSERT_TRUE(made.ok()) << made;
    }
    ASSERT_NE(PostgresSchemaOf(uri), fresh);
    ASSERT_TRUE(OpenAndClosePostgresStore(uri));
    const std::string migrated = PostgresSchemaOf(uri);
    ASSERT_TRUE(migrated == fresh)
        << "A PostgreSQL database of schema version " << version
        << ", migrated by this build, differs from a fresh one (- fresh, + "
           "migrated):\n"
        << LineDiff(fresh, migrated);
  }
}

}  // namespace
}  // namespace hotline::storage
