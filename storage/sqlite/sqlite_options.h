// What only the SQLite store is told (SqliteStore::Open, OpenStore), beside
// the engine-neutral StoreOptions (store.h). A plain struct; no SQLite
// header.
#ifndef HOTLINE_STORAGE_SQLITE_SQLITE_OPTIONS_H_
#define HOTLINE_STORAGE_SQLITE_SQLITE_OPTIONS_H_

#include <cstdint>

namespace hotline::storage {

// PRAGMA application_id of a hotline SQLite database: "HOTL".
inline constexpr int32_t kApplicationId = 0x484F544C;

struct SqliteOptions {
  // synchronous=FULL: every commit is fsynced. NORMAL trades the last
  // commits before a power loss (not a process crash) for speed.
  bool synchronous_full = true;
  // Run PRAGMA quick_check before opening (reads the whole file once).
  bool check_integrity = true;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_SQLITE_OPTIONS_H_
