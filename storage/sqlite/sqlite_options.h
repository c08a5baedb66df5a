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
  // Hold an exclusive lock on "<path>.lock" (which holds this process's id)
  // while open, so that a second store with `lock` on the same file is
  // refused, naming the holder; and an exclusive flock on the database file
  // itself, so that a store opened through another name of the same file (a
  // hard link, a symbolic link) is refused too. The kernel releases both
  // when the process ends, however it ends. The server sets it; the bootstrap
  // command does not (it may run beside a running server).
  bool lock = false;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_SQLITE_OPTIONS_H_
