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
  // Check the file with PRAGMA quick_check (integrity_check.h): a file of
  // at most `start_check_limit_bytes` whole before it is opened (reading
  // all of it), a larger one only in the tables every start reads
  // (kTablesReadAtStart) before, and every table in the background right
  // after (so a start takes the same time at any size). Damage found before
  // is refused, the file untouched; damage found after turns health
  // kDamaged and refuses every write.
  bool check_integrity = true;
  int64_t start_check_limit_bytes = int64_t{64} << 20;
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
