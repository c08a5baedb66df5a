// A SQLite VFS for tests that simulates power cuts, the way SQLite's own
// crash tests do (test6.c): what a file was told to write reaches the real
// file at once, and is remembered (with the bytes it overwrote) until the
// file is synced. Cut() is the moment the power goes: every later read,
// write, sync or truncate fails with an I/O error, as on a machine without
// power, so nothing more reaches the files. RestoreAfterCut(), once every
// connection is closed, turns each file into what a disk may hold after
// such a cut: what was synced, plus, of the writes since, a random choice
// made afresh for each (in their order): kept whole, dropped, or torn (some
// of its 512-byte sectors kept, the others dropped). Shared memory (the
// -shm file) is left as it is: SQLite rebuilds it when the first
// connection opens the file again.
//
//   PowerCutVfs vfs(/*seed=*/7);  // the default VFS while it lives
//   ... open a store, write under load ...
//   vfs.Cut();
//   ... close the store ...
//   vfs.RestoreAfterCut();
//
// Installed as SQLite's default VFS from construction to destruction, over
// the one that was the default ("unix"): every connection the process opens
// meanwhile goes through it. One at a time. Thread-safe: its file methods
// run under one lock (so a sync and a cut are ordered).
#ifndef HOTLINE_TESTS_SUPPORT_POWER_CUT_VFS_H_
#define HOTLINE_TESTS_SUPPORT_POWER_CUT_VFS_H_

#include <cstdint>
#include <memory>

namespace hotline::testing {

class PowerCutVfs {
 public:
  explicit PowerCutVfs(uint32_t seed);
  // Puts the previous default VFS back. No connection may be open.
  ~PowerCutVfs();
  PowerCutVfs(const PowerCutVfs&) = delete;
  PowerCutVfs& operator=(const PowerCutVfs&) = delete;

  // The power goes: from now on every I/O fails.
  void Cut();
  // After Cut() and once every connection is closed: leaves each file as a
  // disk may hold it after the cut (above), and lets I/O succeed again.
  void RestoreAfterCut();

  // Syncs that succeeded, since construction.
  int64_t syncs() const;
  // Writes since the files' last syncs that the last restore dropped or
  // tore, and that it kept whole.
  int64_t dropped_or_torn() const;
  int64_t kept() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_POWER_CUT_VFS_H_
