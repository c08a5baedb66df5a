#include "server/attachment_streams.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "common/error_details.h"
#include "server/access_log.h"
#include "server/call_context.h"

namespace hotline {
namespace {

// The most bytes one download message carries.
constexpr size_t kDownloadChunkBytes = 64 << 10;

// A call's answer: logged, measured, and as the client gets it.
grpc::Status EndCall(const AttachmentStreamParts& parts, const CallRecord& call,
                     const char* method, const absl::Status& status) {
  const grpc::Status answer = ToGrpcStatus(status, method);
  const absl::Duration latency = LogCall(call, answer);
  if (parts.metrics != nullptr) {
    parts.metrics->RecordCall(method, status.code(), latency);
  }
  return answer;
}

class UploadReactor final
    : public grpc::ServerReadReactor<v1::UploadAttachmentRequest> {
 public:
  UploadReactor(const AttachmentStreamParts& parts,
                grpc::CallbackServerContext* context, v1::Attachment* response)
      : parts_(parts),
        context_(context),
        response_(response),
        credentials_(CredentialsOf(context)) {
    call_.peer = PeerOf(context);
    call_.method = "UploadAttachment";
    call_.start = absl::Now();
    StartRead(&message_);
  }

  void OnReadDone(bool ok) override {
    parts_.executor->Post([this, ok] { ok ? Take() : End(); });
  }

  void OnDone() override { delete this; }

 private:
  // The message just read, on the executor.
  void Take() {
    if (upload_ == nullptr && !Begin()) return;
    if (absl::Status s = upload_->Append(message_); !s.ok()) {
      return Fail(s);
    }
    StartRead(&message_);
  }

  // The first message: who calls, and what it attaches.
  bool Begin() {
    if (message_.has_header()) call_.resource = message_.header().ticket();
    absl::StatusOr<Principal> principal =
        parts_.authenticator->Authenticate(credentials_);
    if (!principal.ok()) {
      Fail(principal.status());
      return false;
    }
    NotePrincipal(call_, *principal);
    principal_ = *principal;
    absl::StatusOr<std::unique_ptr<AttachmentUpload>> upload =
        parts_.tickets->BeginUpload(*principal_, message_);
    if (!upload.ok()) {
      Fail(upload.status());
      return false;
    }
    upload_ = *std::move(upload);
    return true;
  }

  // The client sent its last message, or went away.
  void End() {
    if (context_->IsCancelled()) {
      upload_.reset();  // nothing stored
      return Answer(absl::CancelledError("the upload was cancelled"));
    }
    if (upload_ == nullptr) {
      return Fail(InvalidFieldError(
          "header",
          "the upload sent no message; the first carries the header"));
    }
    // The answer may come, and end this call, before FinishUpload returns:
    // nothing of this object is used after it.
    const Principal principal = *principal_;
    parts_.tickets->FinishUpload(
        principal, std::move(upload_),
        [this](absl::StatusOr<v1::Attachment> attachment) {
          if (attachment.ok()) *response_ = *std::move(attachment);
          Answer(attachment.status());
        });
  }

  void Fail(const absl::Status& status) {
    upload_.reset();
    Answer(status);
  }

  void Answer(const absl::Status& status) {
    Finish(EndCall(parts_, call_, "UploadAttachment", status));
  }

  const AttachmentStreamParts parts_;
  grpc::CallbackServerContext* const context_;
  v1::Attachment* const response_;
  const CallCredentials credentials_;
  CallRecord call_;
  v1::UploadAttachmentRequest message_;
  std::optional<Principal> principal_;
  std::unique_ptr<AttachmentUpload> upload_;
};

class DownloadReactor final
    : public grpc::ServerWriteReactor<v1::AttachmentChunk> {
 public:
  DownloadReactor(const AttachmentStreamParts& parts,
                  grpc::CallbackServerContext* context,
                  const v1::DownloadAttachmentRequest& request)
      : parts_(parts),
        credentials_(CredentialsOf(context)),
        request_(request),
        call_(BeginCall(PeerOf(context), "DownloadAttachment", request)) {
    parts_.executor->Post([this] { Read(); });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return Answer(absl::CancelledError("the client went away"));
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  void Read() {
    absl::StatusOr<Principal> principal =
        parts_.authenticator->Authenticate(credentials_);
    if (!principal.ok()) return Answer(principal.status());
    NotePrincipal(call_, *principal);
    absl::StatusOr<AttachmentBytes> read =
        parts_.tickets->ReadAttachment(*principal, request_);
    if (!read.ok()) return Answer(read.status());
    read_ = *std::move(read);
    WriteNext();
  }

  void WriteNext() {
    if (sent_ > 0 && sent_ >= read_.bytes.size()) {
      return Answer(absl::OkStatus());
    }
    chunk_.Clear();
    if (sent_ == 0) *chunk_.mutable_attachment() = read_.attachment;
    const size_t size =
        std::min(kDownloadChunkBytes, read_.bytes.size() - sent_);
    chunk_.set_data(read_.bytes.substr(sent_, size));
    chunk_.set_offset(read_.offset + static_cast<int64_t>(sent_));
    sent_ += size;
    StartWrite(&chunk_);
  }

  void Answer(const absl::Status& status) {
    Finish(EndCall(parts_, call_, "DownloadAttachment", status));
  }

  const AttachmentStreamParts parts_;
  const CallCredentials credentials_;
  const v1::DownloadAttachmentRequest request_;
  CallRecord call_;
  AttachmentBytes read_;
  size_t sent_ = 0;
  v1::AttachmentChunk chunk_;
};

}  // namespace

grpc::ServerReadReactor<v1::UploadAttachmentRequest>* StartUpload(
    const AttachmentStreamParts& parts, grpc::CallbackServerContext* context,
    v1::Attachment* response) {
  return new UploadReactor(parts, context, response);
}

grpc::ServerWriteReactor<v1::AttachmentChunk>* StartDownload(
    const AttachmentStreamParts& parts, grpc::CallbackServerContext* context,
    const v1::DownloadAttachmentRequest* request) {
  return new DownloadReactor(parts, context, *request);
}

}  // namespace hotline
