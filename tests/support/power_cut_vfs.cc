#include "tests/support/power_cut_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace hotline::testing {

namespace {

constexpr int64_t kSector = 512;

// One change to a file since its last sync, with what it replaced.
struct Op {
  bool truncate = false;
  int64_t offset = 0;       // a write's offset; a truncate's new size
  std::string written;      // a write's bytes
  std::string overwritten;  // the bytes there before (within the old size)
};

struct FileLog {
  int64_t synced_size = 0;
  std::vector<Op> ops;
};

// The file object SQLite allocates (szOsFile): ours, then the real one.
struct CutFile {
  sqlite3_file base;
  PowerCutVfs::State* state;
  // The path whose writes are logged; empty for a temporary file.
  std::string* path;
  sqlite3_file* real;
};

}  // namespace

struct PowerCutVfs::State {
  sqlite3_vfs vfs{};
  sqlite3_vfs* underlying = nullptr;
  sqlite3_io_methods methods{};
  std::mutex mutex;
  bool cut = false;
  std::mt19937 random;
  std::map<std::string, FileLog> logs;
  int64_t syncs = 0;
  int64_t dropped_or_torn = 0;
  int64_t kept = 0;
};

namespace {

using State = PowerCutVfs::State;

CutFile* Cast(sqlite3_file* file) { return reinterpret_cast<CutFile*>(file); }

State* StateOf(sqlite3_vfs* vfs) { return static_cast<State*>(vfs->pAppData); }

// Reads up to `n` bytes at `offset` from the real file (fewer past its
// end).
std::string ReadReal(sqlite3_file* real, int64_t offset, int64_t n,
                     int64_t size) {
  if (offset >= size) return "";
  const int64_t length = std::min(n, size - offset);
  std::string bytes(static_cast<size_t>(length), '\0');
  real->pMethods->xRead(real, bytes.data(), static_cast<int>(length), offset);
  return bytes;
}

int64_t SizeOf(sqlite3_file* real) {
  sqlite3_int64 size = 0;
  real->pMethods->xFileSize(real, &size);
  return size;
}

FileLog& LogOf(State& state, CutFile& file) {
  auto [it, inserted] = state.logs.try_emplace(*file.path);
  // First seen: what it holds now counts as synced.
  if (inserted) it->second.synced_size = SizeOf(file.real);
  return it->second;
}

// Whether the power is gone (a read needs no more than that).
bool PowerIsOff(State& state) {
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.cut;
}

int Close(sqlite3_file* f) {
  CutFile* file = Cast(f);
  int rc = SQLITE_OK;
  if (file->real->pMethods != nullptr) {
    rc = file->real->pMethods->xClose(file->real);
  }
  delete file->path;
  file->path = nullptr;
  return rc;
}

int Read(sqlite3_file* f, void* buffer, int n, sqlite3_int64 offset) {
  CutFile* file = Cast(f);
  if (PowerIsOff(*file->state)) return SQLITE_IOERR_READ;
  return file->real->pMethods->xRead(file->real, buffer, n, offset);
}

int Write(sqlite3_file* f, const void* buffer, int n, sqlite3_int64 offset) {
  CutFile* file = Cast(f);
  State& state = *file->state;
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.cut) return SQLITE_IOERR_WRITE;
  if (!file->path->empty()) {
    FileLog& log = LogOf(state, *file);
    Op op;
    op.offset = offset;
    op.written.assign(static_cast<const char*>(buffer), n);
    op.overwritten = ReadReal(file->real, offset, n, SizeOf(file->real));
    log.ops.push_back(std::move(op));
  }
  return file->real->pMethods->xWrite(file->real, buffer, n, offset);
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  CutFile* file = Cast(f);
  State& state = *file->state;
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.cut) return SQLITE_IOERR_TRUNCATE;
  if (!file->path->empty()) {
    FileLog& log = LogOf(state, *file);
    const int64_t before = SizeOf(file->real);
    Op op;
    op.truncate = true;
    op.offset = size;
    op.overwritten = ReadReal(file->real, size, before - size, before);
    log.ops.push_back(std::move(op));
  }
  return file->real->pMethods->xTruncate(file->real, size);
}

int Sync(sqlite3_file* f, int flags) {
  CutFile* file = Cast(f);
  State& state = *file->state;
  // Held through the real sync: a cut comes wholly before or after it.
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.cut) return SQLITE_IOERR_FSYNC;
  const int rc = file->real->pMethods->xSync(file->real, flags);
  if (rc == SQLITE_OK) {
    ++state.syncs;
    if (!file->path->empty()) {
      FileLog& log = LogOf(state, *file);
      log.ops.clear();
      log.synced_size = SizeOf(file->real);
    }
  }
  return rc;
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  CutFile* file = Cast(f);
  if (PowerIsOff(*file->state)) return SQLITE_IOERR_FSTAT;
  return file->real->pMethods->xFileSize(file->real, size);
}

int Lock(sqlite3_file* f, int level) {
  return Cast(f)->real->pMethods->xLock(Cast(f)->real, level);
}
int Unlock(sqlite3_file* f, int level) {
  return Cast(f)->real->pMethods->xUnlock(Cast(f)->real, level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Cast(f)->real->pMethods->xCheckReservedLock(Cast(f)->real, out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Cast(f)->real->pMethods->xFileControl(Cast(f)->real, op, arg);
}
int SectorSize(sqlite3_file* f) {
  return Cast(f)->real->pMethods->xSectorSize(Cast(f)->real);
}
int DeviceCharacteristics(sqlite3_file* f) {
  return Cast(f)->real->pMethods->xDeviceCharacteristics(Cast(f)->real);
}
int ShmMap(sqlite3_file* f, int region, int size, int extend,
           void volatile** out) {
  return Cast(f)->real->pMethods->xShmMap(Cast(f)->real, region, size, extend,
                                          out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Cast(f)->real->pMethods->xShmLock(Cast(f)->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) {
  Cast(f)->real->pMethods->xShmBarrier(Cast(f)->real);
}
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Cast(f)->real->pMethods->xShmUnmap(Cast(f)->real, delete_flag);
}

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags,
         int* out_flags) {
  State& state = *StateOf(vfs);
  CutFile* file = Cast(f);
  file->state = &state;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->path = new std::string(name == nullptr ? "" : name);
  const int rc = state.underlying->xOpen(state.underlying, name, file->real,
                                         flags, out_flags);
  // Our methods even when the open failed: SQLite then calls xClose only
  // if pMethods is set, and ours frees the path.
  file->base.pMethods = &state.methods;
  return rc;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  State& state = *StateOf(vfs);
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.cut) return SQLITE_IOERR_DELETE;
  state.logs.erase(name);
  return state.underlying->xDelete(state.underlying, name, sync_dir);
}

int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xAccess(u, name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xFullPathname(u, name, n, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xDlOpen(u, name);
}
void DlError(sqlite3_vfs* vfs, int n, char* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  u->xDlError(u, n, out);
}
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xDlSym(u, handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  u->xDlClose(u, handle);
}
int Randomness(sqlite3_vfs* vfs, int n, char* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xRandomness(u, n, out);
}
int Sleep(sqlite3_vfs* vfs, int micros) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xSleep(u, micros);
}
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xCurrentTime(u, out);
}
int GetLastError(sqlite3_vfs* vfs, int n, char* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xGetLastError(u, n, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  sqlite3_vfs* u = StateOf(vfs)->underlying;
  return u->xCurrentTimeInt64(u, out);
}

void WriteAt(int fd, const std::string& bytes, int64_t offset) {
  if (bytes.empty()) return;
  ASSERT_EQ(pwrite(fd, bytes.data(), bytes.size(), offset),
            static_cast<ssize_t>(bytes.size()));
}

}  // namespace

PowerCutVfs::PowerCutVfs(uint32_t seed) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.random.seed(seed);
  s.underlying = sqlite3_vfs_find(nullptr);
  s.methods.iVersion = 2;  // shared memory, no memory-mapped reads
  s.methods.xClose = Close;
  s.methods.xRead = Read;
  s.methods.xWrite = Write;
  s.methods.xTruncate = Truncate;
  s.methods.xSync = Sync;
  s.methods.xFileSize = FileSize;
  s.methods.xLock = Lock;
  s.methods.xUnlock = Unlock;
  s.methods.xCheckReservedLock = CheckReservedLock;
  s.methods.xFileControl = FileControl;
  s.methods.xSectorSize = SectorSize;
  s.methods.xDeviceCharacteristics = DeviceCharacteristics;
  s.methods.xShmMap = ShmMap;
  s.methods.xShmLock = ShmLock;
  s.methods.xShmBarrier = ShmBarrier;
  s.methods.xShmUnmap = ShmUnmap;
  s.vfs.iVersion = 2;
  s.vfs.szOsFile = static_cast<int>(sizeof(CutFile)) + s.underlying->szOsFile;
  s.vfs.mxPathname = s.underlying->mxPathname;
  s.vfs.zName = "hotline-power-cut";
  s.vfs.pAppData = &s;
  s.vfs.xOpen = Open;
  s.vfs.xDelete = Delete;
  s.vfs.xAccess = Access;
  s.vfs.xFullPathname = FullPathname;
  s.vfs.xDlOpen = DlOpen;
  s.vfs.xDlError = DlError;
  s.vfs.xDlSym = DlSym;
  s.vfs.xDlClose = DlClose;
  s.vfs.xRandomness = Randomness;
  s.vfs.xSleep = Sleep;
  s.vfs.xCurrentTime = CurrentTime;
  s.vfs.xGetLastError = GetLastError;
  s.vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  EXPECT_EQ(sqlite3_vfs_register(&s.vfs, /*makeDflt=*/1), SQLITE_OK);
}

PowerCutVfs::~PowerCutVfs() {
  sqlite3_vfs_unregister(&state_->vfs);
  sqlite3_vfs_register(state_->underlying, /*makeDflt=*/1);
}

void PowerCutVfs::Cut() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->cut = true;
}

void PowerCutVfs::RestoreAfterCut() {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  s.dropped_or_torn = 0;
  s.kept = 0;
  for (auto& [path, log] : s.logs) {
    const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;  // deleted meanwhile
    // Back to what was synced: every change undone, newest first.
    for (auto op = log.ops.rbegin(); op != log.ops.rend(); ++op) {
      WriteAt(fd, op->overwritten, op->offset);
    }
    ASSERT_EQ(ftruncate(fd, log.synced_size), 0);
    // Then what reached the disk before the power went: each change (in
    // order) whole, not at all, or in part.
    for (const Op& op : log.ops) {
      const int fate = static_cast<int>(s.random() % 3);
      if (op.truncate) {
        if (fate != 0) {
          ASSERT_EQ(ftruncate(fd, op.offset), 0);
          ++s.kept;
        } else {
          ++s.dropped_or_torn;
        }
        continue;
      }
      if (fate == 0) {
        WriteAt(fd, op.written, op.offset);
        ++s.kept;
        continue;
      }
      ++s.dropped_or_torn;
      if (fate == 1) continue;  // dropped
      // Torn: each 512-byte sector of it reached the disk, or did not.
      const int64_t end = op.offset + static_cast<int64_t>(op.written.size());
      for (int64_t from = op.offset; from < end;) {
        const int64_t to = std::min(end, (from / kSector + 1) * kSector);
        if (s.random() % 2 == 0) {
          WriteAt(fd, op.written.substr(from - op.offset, to - from), from);
        }
        from = to;
      }
    }
    close(fd);
  }
  s.logs.clear();
  s.cut = false;
}

int64_t PowerCutVfs::syncs() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->syncs;
}

int64_t PowerCutVfs::dropped_or_torn() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->dropped_or_torn;
}

int64_t PowerCutVfs::kept() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->kept;
}

}  // namespace hotline::testing
