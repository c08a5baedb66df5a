// The store factory: opens the engine a database names, above both engines
// (storage/sqlite/, storage/postgres/), so that storage's face (store.h)
// and the use cases above it include neither.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(options));
//
// Thread-safe: OpenStore keeps no state; each call opens its own store.
#ifndef HOTLINE_STORAGE_OPEN_STORE_H_
#define HOTLINE_STORAGE_OPEN_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sqlite/sqlite_options.h"
#include "storage/store.h"

namespace hotline::storage {

// Opens the store options.path names: a PostgreSQL database for a
// postgresql:// or postgres:// URI (storage/postgres/postgres_store.h), else
// the SQLite file at that path (storage/sqlite/sqlite_store.h), which `sqlite`
// tunes (a PostgreSQL store ignores it).
absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    const StoreOptions& options, const SqliteOptions& sqlite = SqliteOptions());

// Whether `path` (a --db value) names a PostgreSQL database
// (postgresql:// or postgres://) rather than a SQLite file.
bool IsPostgresDatabase(absl::string_view path);

// `path` as messages and logs may show it: any password in it (a
// PostgreSQL URI's user:password@ or password=) replaced by "***".
std::string RedactedDatabase(absl::string_view path);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_OPEN_STORE_H_
