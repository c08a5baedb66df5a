#include "storage/open_store.h"

#include <utility>

#include "common/status_macros.h"
#include "storage/postgres/postgres.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace hotline::storage {

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const StoreOptions& options,
                                                 const SqliteOptions& sqlite) {
  if (IsPostgresUri(options.path)) {
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
                     PostgresStore::Open(options));
    return std::unique_ptr<Store>(std::move(store));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                   SqliteStore::Open(options, sqlite));
  return std::unique_ptr<Store>(std::move(store));
}

bool IsPostgresDatabase(absl::string_view path) { return IsPostgresUri(path); }

std::string RedactedDatabase(absl::string_view path) { return RedactUri(path); }

}  // namespace hotline::storage
