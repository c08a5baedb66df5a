// Attachments (附件) over HTTP, beside the routes the google.api.http
// annotations give: the upload is a client-streaming RPC no annotation
// maps, and the download's answer is the file itself, not JSON.
//
//   PUT  /v1/tickets/{id}/attachments?fileName=..&step=..[&description=..]
//        [&requestId=..]
//        the body is the file's bytes (its Content-Type is not trusted:
//        the service reads the type from the bytes);
//   POST /v1/tickets/{id}/attachments   multipart/form-data: the part
//        "file" (its filename is the file's name) and the fields "step",
//        "description", "requestId";
//        both answer 201 with the Attachment as JSON;
//   GET  /v1/tickets/{id}/attachments/{n}:download[?inline=true]
//        the bytes, checked against their SHA-256 by the service first:
//        Content-Type the type read from them, Content-Disposition
//        attachment (inline with ?inline=true, for the console's images and
//        audio) with the file's name, ETag the SHA-256, Accept-Ranges (and,
//        as every API answer, Cache-Control: no-store and nosniff); one Range
//        (bytes=a-b, a-, -n) answers 206 with Content-Range, one past the end
//        416.
// Refusals are the service's, as every route's (google.rpc.Status).
//
// Thread-safe (functions of their arguments; the stub is gRPC's).
#ifndef HOTLINE_GATEWAY_ATTACHMENT_ROUTES_H_
#define HOTLINE_GATEWAY_ATTACHMENT_ROUTES_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.grpc.pb.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace hotline::gateway {

enum class AttachmentRoute { kNone, kUpload, kDownload };

// The names the routes read (the OpenAPI description names the same): the
// upload's query parameters, which are also a form's fields beside the
// part kFileField, and the download's.
inline constexpr char kFileNameParameter[] = "fileName";
inline constexpr char kStepParameter[] = "step";
inline constexpr char kDescriptionParameter[] = "description";
inline constexpr char kRequestIdParameter[] = "requestId";
inline constexpr char kFileField[] = "file";
inline constexpr char kInlineParameter[] = "inline";

// Which of the routes above `method` and `path` (undecoded, no query) are.
AttachmentRoute AttachmentRouteOf(absl::string_view method,
                                  absl::string_view path);

// How the gateway calls the service for a request.
struct AttachmentCall {
  v1::HotlineService::Stub* stub = nullptr;
  std::string authorization;
  // The HTTP client's address, passed on for the access log.
  std::string peer;
  std::string peer_metadata;
  absl::Duration timeout;
};

// Serves an upload: OK with the response set (201 and the attachment), or
// the refusal to answer with (the gateway's own, INVALID_ARGUMENT for a
// malformed request, or the service's).
absl::Status ServeUpload(const AttachmentCall& call,
                         const httplib::Request& request,
                         httplib::Response& response);
// Serves a download likewise.
absl::Status ServeDownload(const AttachmentCall& call,
                           const httplib::Request& request,
                           httplib::Response& response);

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_ATTACHMENT_ROUTES_H_
