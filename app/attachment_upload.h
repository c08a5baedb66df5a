// One attachment upload in flight (附件, TicketService::BeginUpload): the
// first message's header, already checked, and the bytes as they come,
// written to the store's blob writer as they arrive (never held whole in
// memory on SQLite), measured against the per-file limit and sniffed for
// their type as soon as enough of them are in (content_sniffing.h), so a
// refused upload stops early. Destroyed unfinished, it leaves nothing.
//
// Not thread-safe: one call's bytes, in order, from one thread at a time.
#ifndef HOTLINE_APP_ATTACHMENT_UPLOAD_H_
#define HOTLINE_APP_ATTACHMENT_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/blob_writer.h"
#include "workflow/attachment_rules.h"
#include "workflow/content_sniffing.h"

namespace hotline {

// The most bytes one message of an upload may carry.
inline constexpr int64_t kMaxUploadChunkBytes = int64_t{1} << 20;

class AttachmentUpload final {
 public:
  AttachmentUpload(v1::UploadAttachmentRequest first,
                   std::unique_ptr<storage::BlobWriter> blob,
                   const AttachmentLimits& limits)
      : first_(std::move(first)), blob_(std::move(blob)), limits_(limits) {}

  // The upload's next message, the first one (given at construction) too:
  // its chunk is the next bytes. RESOURCE_EXHAUSTED (ATTACHMENT_TOO_LARGE)
  // past the per-file limit; INVALID_ARGUMENT for a chunk over 1 MiB, for a
  // later message with a header or a request_id, or (reason
  // ATTACHMENT_TYPE) once the first bytes show a type the server refuses.
  absl::Status Append(const v1::UploadAttachmentRequest& message);

  // Every byte is in: checks what only the whole file shows (its type when
  // it is short, the size and SHA-256 the header announced: reason
  // ATTACHMENT_MISMATCH), then stores it durably. The attachment to
  // record: everything but what AddAttachment sets.
  absl::StatusOr<v1::Attachment> Store();

  const v1::UploadAttachmentRequest& first() const { return first_; }

 private:
  absl::Status AppendBytes(absl::string_view bytes);
  absl::Status CheckType();

  const v1::UploadAttachmentRequest first_;
  std::unique_ptr<storage::BlobWriter> blob_;
  const AttachmentLimits limits_;
  // Whether a message was appended (the first).
  bool started_ = false;
  // The first kSniffBytes, until the type is known.
  std::string head_;
  bool sniffed_ = false;
  SniffedType type_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_ATTACHMENT_UPLOAD_H_
