#include "storage/store.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "storage/migrations.h"
#include "storage/stat_rollup.h"

namespace hotline::storage {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const StoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("no database path given");
  }
  absl::StatusOr<std::unique_ptr<Connection>> writer =
      Connection::Open(options.path, /*read_only=*/false);
  if (!writer.ok()) return writer.status();
  // Debian's SQLite defaults differ from upstream's; say every pragma the
  // durability and speed of the service rest on.
  if (absl::Status s = (*writer)->Execute(
          absl::StrCat("PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = ",
                       options.synchronous_full ? "FULL" : "NORMAL",
                       ";"
                       "PRAGMA wal_autocheckpoint = 1000;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -65536;"));
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> mode = [&]() -> absl::StatusOr<std::string> {
    absl::StatusOr<Statement> stmt = (*writer)->Prepare("PRAGMA journal_mode");
    if (!stmt.ok()) return stmt.status();
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    return stmt->ColumnText(0);
  }();
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        options.path, " cannot use write-ahead logging (journal_mode is ",
        *mode, "); put the database on a local file system"));
  }
  if (absl::Status s = Migrate(**writer); !s.ok()) return s;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(options.time_zone, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", options.time_zone,
                     "\"; give an IANA name such as Asia/Shanghai"));
  }
  if (absl::Status s = PrepareStatistics(**writer, zone); !s.ok()) return s;

  std::unique_ptr<Store> store(new Store());
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> reader =
        Connection::Open(options.path, /*read_only=*/true);
    if (!reader.ok()) return reader.status();
    absl::MutexLock lock(&store->pool_mutex_);
    store->idle_readers_.push_back(*std::move(reader));
  }
  store->writer_ =
      std::make_unique<Writer>(*std::move(writer), options.max_write_batch);
  return store;
}

Store::~Store() { Close(); }

void Store::Write(WriteUnit unit, WriteDone done) {
  writer_->Submit(std::move(unit), std::move(done));
}

absl::Status Store::WriteAndWait(WriteUnit unit) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> result = promise.get_future();
  Write(std::move(unit),
        [&promise](absl::Status status) { promise.set_value(status); });
  return result.get();
}

void Store::Close() {
  {
    absl::MutexLock lock(&pool_mutex_);
    closed_ = true;
    idle_readers_.clear();
  }
  // The writer closes last: the last connection to close checkpoints the
  // write-ahead log into the database file and removes it, which read-only
  // connections cannot do.
  writer_->Stop();
}

Store::Lease::Lease(Store* s) : store(s) {
  absl::MutexLock lock(&store->pool_mutex_);
  store->pool_mutex_.Await(absl::Condition(
      +[](Store* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->pool_mutex_) {
        return !s->idle_readers_.empty() || s->closed_;
      },
      store));
  if (store->closed_) return;
  connection = std::move(store->idle_readers_.back());
  store->idle_readers_.pop_back();
}

Store::Lease::~Lease() {
  if (connection == nullptr) return;
  absl::MutexLock lock(&store->pool_mutex_);
  // A connection returned after Close is dropped here, closing it.
  if (!store->closed_) store->idle_readers_.push_back(std::move(connection));
}

}  // namespace hotline::storage
