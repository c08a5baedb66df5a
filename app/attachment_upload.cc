#include "app/attachment_upload.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"

namespace hotline {

absl::Status AttachmentUpload::Append(
    const v1::UploadAttachmentRequest& message) {
  if (started_ && (message.has_header() || !message.request_id().empty())) {
    return InvalidFieldError(
        "header",
        "only the upload's first message carries a header and a request_id");
  }
  started_ = true;
  return AppendBytes(message.chunk());
}

absl::Status AttachmentUpload::AppendBytes(absl::string_view bytes) {
  if (static_cast<int64_t>(bytes.size()) > kMaxUploadChunkBytes) {
    return InvalidFieldError(
        "chunk", absl::StrCat("a chunk of ", bytes.size(),
                              " bytes; send at most 1 MiB a message"));
  }
  RETURN_IF_ERROR(CheckFileSize(
      blob_->size() + static_cast<int64_t>(bytes.size()), limits_));
  if (!sniffed_) {
    const absl::string_view more =
        bytes.substr(0, std::min(bytes.size(), kSniffBytes - head_.size()));
    head_.append(more.data(), more.size());
    if (head_.size() == kSniffBytes) RETURN_IF_ERROR(CheckType());
  }
  return blob_->Append(bytes);
}

absl::Status AttachmentUpload::CheckType() {
  sniffed_ = true;
  type_ = SniffContentType(head_);
  head_.clear();
  head_.shrink_to_fit();
  if (type_.allowed) return absl::OkStatus();
  return WithReason(
      absl::InvalidArgumentError(absl::StrCat("the file is ", type_.description,
                                              "; attachments may be ",
                                              AllowedTypesText())),
      v1::ATTACHMENT_TYPE,
      {{"detected",
        type_.content_type.empty() ? type_.description : type_.content_type},
       {"allowed", std::string(AllowedTypesText())}});
}

absl::StatusOr<v1::Attachment> AttachmentUpload::Store() {
  if (blob_->size() == 0) {
    return InvalidFieldError("chunk", "the file is empty: send its bytes");
  }
  if (!sniffed_) RETURN_IF_ERROR(CheckType());
  const v1::AttachmentHeader& header = first_.header();
  if (header.size_bytes() > 0 && header.size_bytes() != blob_->size()) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat(
            "the upload announced ", header.size_bytes(), " bytes and sent ",
            blob_->size(), "; upload the file again")),
        v1::ATTACHMENT_MISMATCH,
        {{"expected", absl::StrCat(header.size_bytes())},
         {"received", absl::StrCat(blob_->size())}});
  }
  ASSIGN_OR_RETURN(storage::BlobRef ref, blob_->Finish());
  if (!header.sha256().empty() && header.sha256() != ref.sha256) {
    // Stored, but recorded nowhere: collected as an orphan.
    return WithReason(
        absl::InvalidArgumentError(
            absl::StrCat("the bytes received have SHA-256 ", ref.sha256,
                         ", not the one announced; upload the file again")),
        v1::ATTACHMENT_MISMATCH,
        {{"expected", header.sha256()}, {"received", ref.sha256}});
  }
  v1::Attachment attachment;
  attachment.set_file_name(header.file_name());
  attachment.set_content_type(type_.content_type);
  attachment.set_size_bytes(ref.size);
  attachment.set_sha256(ref.sha256);
  attachment.set_step(header.step());
  attachment.set_description(header.description());
  return attachment;
}

}  // namespace hotline
