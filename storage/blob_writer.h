// The bytes of one attachment on their way into a store (Store::NewBlob):
// given piece by piece, hashed as they come, then made durable under their
// SHA-256 by Finish. Blobs are content-addressed: the same bytes are stored
// once however often they are attached.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> blob, store->NewBlob());
//   RETURN_IF_ERROR(blob->Append(chunk));  // as often as needed
//   ASSIGN_OR_RETURN(BlobRef ref, blob->Finish());
//   // only now record an attachment naming ref.sha256
//
// A writer destroyed without a successful Finish leaves nothing behind. A
// finished blob no attachment refers to is removed by Store::CollectBlobs
// once it is old enough (an upload whose record did not commit).
//
// Not thread-safe: one thread feeds one writer.
#ifndef HOTLINE_STORAGE_BLOB_WRITER_H_
#define HOTLINE_STORAGE_BLOB_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/sha256.h"

namespace hotline::storage {

// Stored bytes: their hex SHA-256 and their size.
struct BlobRef {
  std::string sha256;
  int64_t size = 0;
};

class BlobWriter {
 public:
  virtual ~BlobWriter() = default;

  // The next bytes.
  absl::Status Append(absl::string_view bytes) {
    hash_.Update(bytes);
    return Write(bytes);
  }
  // Makes everything appended durable (on the disk, or committed) and
  // names it. Call once.
  absl::StatusOr<BlobRef> Finish() {
    BlobRef ref{hash_.HexDigest(), hash_.size()};
    if (absl::Status s = Persist(ref); !s.ok()) return s;
    return ref;
  }
  // Bytes appended so far.
  int64_t size() const { return hash_.size(); }

 protected:
  virtual absl::Status Write(absl::string_view bytes) = 0;
  virtual absl::Status Persist(const BlobRef& ref) = 0;

 private:
  Sha256 hash_;
};

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_BLOB_WRITER_H_
