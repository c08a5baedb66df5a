// Attachments' bytes beside a SQLite database, one file per blob named by
// its SHA-256: <database>.attachments/<first two hex digits>/<sha256>.
// A blob is written to <database>.attachments/staging/, fsynced, renamed
// into place and its directory fsynced before Finish returns, so a record
// committed after it never names bytes a crash lost. Storing bytes that are
// there already replaces the file (healing a damaged copy). The directory
// is made (0700) with the first blob.
//
// Thread-safe: writers are independent files; a blob is placed, or checked
// and removed, under one lock.
#ifndef HOTLINE_STORAGE_SQLITE_BLOB_DIRECTORY_H_
#define HOTLINE_STORAGE_SQLITE_BLOB_DIRECTORY_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/blob_writer.h"

namespace hotline::storage {

class BlobDirectory final {
 public:
  // `root` is the directory's path (made when the first blob is stored).
  explicit BlobDirectory(std::string root)
      : root_(std::move(root)), placing_(std::make_shared<absl::Mutex>()) {}

  const std::string& root() const { return root_; }

  absl::StatusOr<std::unique_ptr<BlobWriter>> NewBlob() const;
  // The whole bytes, checked against `sha256`: DATA_LOSS naming the file
  // when it is missing, unreadable or damaged.
  absl::StatusOr<std::string> Read(const std::string& sha256) const;
  // Removes the blobs last written more than `min_age` ago for which
  // `referenced` says false, and staged files as old; the blobs removed.
  absl::StatusOr<int> Collect(
      absl::Duration min_age,
      const std::function<absl::StatusOr<bool>(const std::string& sha256)>&
          referenced) const;

 private:
  std::string root_;
  // Held while a blob is renamed into place, and while Collect checks and
  // removes one: a blob stored again is never removed as unreferenced.
  std::shared_ptr<absl::Mutex> placing_;
};

// The blob directory of the database file `database_path`.
std::string BlobDirectoryOf(const std::string& database_path);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQLITE_BLOB_DIRECTORY_H_
