// The streaming calls of attachments (附件): UploadAttachment (client
// streaming) and DownloadAttachment (server streaming), as gRPC callback
// reactors around TicketService's upload and read (app/attachment_steps.cc).
// Every step that touches the store or the disk runs on the executor, one
// at a time per call, never on a gRPC thread; a call cancelled or cut off
// in the middle stores nothing. Each call is logged and measured like a
// unary one (access_log.h, metrics.h).
//
// Thread-safe: gRPC and the executor drive each reactor; a reactor's own
// steps never overlap.
#ifndef HOTLINE_SERVER_ATTACHMENT_STREAMS_H_
#define HOTLINE_SERVER_ATTACHMENT_STREAMS_H_

#include "app/authenticator.h"
#include "app/executor.h"
#include "app/ticket_service.h"
#include "grpcpp/grpcpp.h"
#include "hotline/v1/hotline_service.pb.h"
#include "server/metrics.h"

namespace hotline {

// What the reactors use; every pointer outlives the calls (metrics may be
// null).
struct AttachmentStreamParts {
  const Authenticator* authenticator = nullptr;
  TicketService* tickets = nullptr;
  Executor* executor = nullptr;
  Metrics* metrics = nullptr;
};

grpc::ServerReadReactor<v1::UploadAttachmentRequest>* StartUpload(
    const AttachmentStreamParts& parts, grpc::CallbackServerContext* context,
    v1::Attachment* response);

grpc::ServerWriteReactor<v1::AttachmentChunk>* StartDownload(
    const AttachmentStreamParts& parts, grpc::CallbackServerContext* context,
    const v1::DownloadAttachmentRequest* request);

}  // namespace hotline

#endif  // HOTLINE_SERVER_ATTACHMENT_STREAMS_H_
