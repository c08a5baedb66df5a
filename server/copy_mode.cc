// hotline-server --copy_from: a SQLite database copied into an empty
// PostgreSQL database, then checked against it (server/modes.h).
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "app/store_comparison.h"
#include "server/modes.h"
#include "storage/open_store.h"
#include "storage/sqlite_to_postgres.h"

namespace hotline {
namespace {

// The check reads both through the stores, as the service would.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenForCheck(
    const std::string& path, const std::string& time_zone, bool lock) {
  storage::StoreOptions options;
  options.path = path;
  options.read_connections = 1;
  options.time_zone = time_zone;
  // The copy opened the SQLite file with its integrity check a moment ago:
  // once is enough.
  storage::SqliteOptions sqlite;
  sqlite.check_integrity = false;
  sqlite.lock = lock;
  return storage::OpenStore(options, sqlite);
}

void PrintCopied(const storage::CopyCounts& copied, absl::Duration took) {
  for (const auto& [table, rows] : copied.tables) {
    std::cout << absl::StrFormat("%-18s %10d rows\n", table, rows);
  }
  std::cout << "copied in " << absl::FormatDuration(took)
            << "; the next event is seq " << copied.last_seq + 1
            << ", the next ticket number " << copied.next_ticket << "\n";
}

// Compares the copy `to` (shown as `name`) with `from`; the exit code.
int CheckCopy(const std::string& from, const std::string& to,
              const std::string& name, const std::string& zone_name,
              absl::TimeZone zone) {
  absl::StatusOr<std::unique_ptr<storage::Store>> source =
      OpenForCheck(from, zone_name, /*lock=*/true);
  if (!source.ok()) return FailWith(source.status(), 1);
  absl::StatusOr<std::unique_ptr<storage::Store>> copy =
      OpenForCheck(to, zone_name, /*lock=*/false);
  if (!copy.ok()) return FailWith(copy.status(), 1);
  absl::StatusOr<ComparedCounts> same =
      CompareStores(**source, **copy, zone, absl::Now());
  if (!same.ok()) {
    std::cerr << "hotline-server: the copy in " << name << " differs from "
              << from << ": " << same.status().message()
              << "\nDo not serve from it: drop it (dropdb), and report "
                 "this with both databases kept.\n";
    return 1;
  }
  std::cout << "checked, identical: " << same->events << " events, "
            << same->tickets << " tickets and each one's history, "
            << same->cards << " cards, " << same->daily_reports
            << " daily reports, " << same->departments << " departments, "
            << same->tokens << " tokens, " << same->policies << " policies, "
            << same->reports << " statistics reports\n";
  return 0;
}

}  // namespace

int CopyMode(const std::string& from, const std::string& to,
             const std::string& time_zone) {
  if (!storage::IsPostgresDatabase(to)) {
    std::cerr << "hotline-server: --copy_from copies a SQLite file into "
                 "PostgreSQL: give --db=postgresql://USER@HOST/DBNAME (an "
                 "empty database, made with createdb)\n";
    return 2;
  }
  absl::StatusOr<absl::TimeZone> zone = storage::LoadStoreTimeZone(time_zone);
  if (!zone.ok()) {
    std::cerr << "hotline-server: --time_zone: " << zone.status().message()
              << "\n";
    return 2;
  }
  const std::string name = storage::RedactedDatabase(to);
  std::cerr << "copying " << from << " into " << name << "\n";
  const absl::Time started = absl::Now();
  absl::StatusOr<storage::CopyCounts> copied =
      storage::CopySqliteToPostgres(from, to, time_zone);
  if (!copied.ok()) {
    // Only a failed COMMIT leaves the outcome unknown.
    const bool unknown = absl::StartsWith(copied.status().message(),
                                          "the commit of the copy failed");
    std::cerr << "hotline-server: " << copied.status().message()
              << (unknown ? "\nthe copy may or may not have been saved: "
                            "look at the destination before trying again\n"
                          : "\nnothing was copied\n");
    return 1;
  }
  PrintCopied(*copied, absl::Now() - started);
  return CheckCopy(from, to, name, time_zone, *zone);
}

}  // namespace hotline
