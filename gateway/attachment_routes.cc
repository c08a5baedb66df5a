#include "gateway/attachment_routes.h"

#include <httplib.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/error_details.h"
#include "gateway/json_transcoding.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"

namespace hotline::gateway {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

absl::Status FromGrpcStatus(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (!status.error_details().empty() &&
      rpc.ParseFromString(status.error_details())) {
    return FromRpcStatus(rpc);
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

void Prepare(const AttachmentCall& call, grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + call.timeout));
  context.AddMetadata(call.peer_metadata, call.peer);
  if (!call.authorization.empty()) {
    context.AddMetadata("authorization", call.authorization);
  }
}

// "tickets/7" from "/v1/tickets/7/attachments"; the name from
// "/v1/tickets/7/attachments/1:download".
std::string TicketOf(absl::string_view path) {
  path.remove_prefix(4);  // "/v1/"
  return std::string(path.substr(0, path.rfind("/attachments")));
}

absl::StatusOr<v1::Attachment::Step> StepOf(const std::string& text) {
  v1::Attachment::Step step = v1::Attachment::STEP_UNSPECIFIED;
  if (!v1::Attachment::Step_Parse(absl::AsciiStrToUpper(text), &step) ||
      step == v1::Attachment::STEP_UNSPECIFIED) {
    return WithFieldViolation(
        WithReason(absl::InvalidArgumentError(absl::StrCat(
                       "step \"", text,
                       "\" is not one of INTAKE, REPLY, RETURN, DAILY_REPORT, "
                       "FINAL_ANSWER, ASSIST_OPINION, OTHER")),
                   v1::MALFORMED_REQUEST),
        "step", "not a step");
  }
  return step;
}

// filename*=UTF-8''... (RFC 6266, RFC 5987), with an ASCII fallback.
std::string Disposition(const v1::Attachment& attachment, bool inline_shown) {
  std::string ascii;
  std::string encoded;
  for (unsigned char c : attachment.file_name()) {
    // One '_' for each character outside printable ASCII (a UTF-8
    // sequence's continuation bytes add none).
    if (c < 0x80 || c >= 0xC0) {
      ascii.push_back(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? c : '_');
    }
    if (absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(
          &encoded, "%",
          absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return absl::StrCat(inline_shown ? "inline" : "attachment", "; filename=\"",
                      ascii, "\"; filename*=UTF-8''", encoded);
}

// One byte range of a file of `size` bytes: [first, last]; nullopt for a
// header this does not serve as a range (several ranges, another unit: the
// whole file is sent); an error for one past the end (416).
struct ByteRange {
  int64_t first = 0;
  int64_t last = 0;
};
absl::StatusOr<std::optional<ByteRange>> RangeOf(const std::string& header,
                                                 int64_t size) {
  if (!absl::StartsWith(header, "bytes=") || absl::StrContains(header, ',')) {
    return std::nullopt;
  }
  const absl::string_view spec = absl::string_view(header).substr(6);
  const size_t dash = spec.find('-');
  if (dash == absl::string_view::npos) return std::nullopt;
  const absl::string_view from =
      absl::StripAsciiWhitespace(spec.substr(0, dash));
  const absl::string_view to =
      absl::StripAsciiWhitespace(spec.substr(dash + 1));
  ByteRange range;
  if (from.empty()) {
    int64_t suffix = 0;
    if (!absl::SimpleAtoi(to, &suffix) || suffix <= 0) return std::nullopt;
    range.first = std::max<int64_t>(0, size - suffix);
    range.last = size - 1;
    return range;
  }
  if (!absl::SimpleAtoi(from, &range.first) || range.first < 0) {
    return std::nullopt;
  }
  range.last = size - 1;
  if (!to.empty()) {
    if (!absl::SimpleAtoi(to, &range.last) || range.last < range.first) {
      return std::nullopt;
    }
    range.last = std::min(range.last, size - 1);
  }
  if (range.first >= size) {
    return absl::OutOfRangeError(absl::StrCat(
        "the range starts past the end of the file (", size, " bytes)"));
  }
  return range;
}

}  // namespace

AttachmentRoute AttachmentRouteOf(absl::string_view method,
                                  absl::string_view path) {
  const std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  // "", "v1", "tickets", id, "attachments"[, "n:download"]
  if (parts.size() < 5 || !parts[0].empty() || parts[1] != "v1" ||
      parts[2] != "tickets" || parts[3].empty() || parts[4] != "attachments") {
    return AttachmentRoute::kNone;
  }
  if (parts.size() == 5 && (method == "PUT" || method == "POST")) {
    return AttachmentRoute::kUpload;
  }
  if (parts.size() == 6 && (method == "GET" || method == "HEAD") &&
      absl::EndsWith(parts[5], ":download") && parts[5].size() > 9) {
    return AttachmentRoute::kDownload;
  }
  return AttachmentRoute::kNone;
}

absl::Status ServeUpload(const AttachmentCall& call,
                         const httplib::Request& request,
                         httplib::Response& response) {
  v1::UploadAttachmentRequest first;
  v1::AttachmentHeader& header = *first.mutable_header();
  header.set_ticket(TicketOf(request.path));
  std::string step_text;
  absl::string_view bytes;
  httplib::MultipartFormData file;  // a form's file part, kept for `bytes`
  if (request.method == "PUT") {
    header.set_file_name(request.get_param_value(kFileNameParameter));
    step_text = request.get_param_value(kStepParameter);
    header.set_description(request.get_param_value(kDescriptionParameter));
    first.set_request_id(request.get_param_value(kRequestIdParameter));
    bytes = request.body;
  } else {
    if (!request.is_multipart_form_data() || !request.has_file(kFileField)) {
      return WithReason(
          absl::InvalidArgumentError(
              "send the file as multipart/form-data with a part named "
              "\"file\", or PUT its bytes with ?fileName=&step="),
          v1::MALFORMED_REQUEST);
    }
    file = request.get_file_value(kFileField);
    header.set_file_name(file.filename);
    bytes = file.content;
    if (request.has_file(kStepParameter)) {
      step_text = request.get_file_value(kStepParameter).content;
    }
    if (request.has_file(kDescriptionParameter)) {
      header.set_description(
          request.get_file_value(kDescriptionParameter).content);
    }
    if (request.has_file(kRequestIdParameter)) {
      first.set_request_id(request.get_file_value(kRequestIdParameter).content);
    }
  }
  absl::StatusOr<v1::Attachment::Step> step = StepOf(step_text);
  if (!step.ok()) return step.status();
  header.set_step(*step);
  header.set_size_bytes(static_cast<int64_t>(bytes.size()));

  grpc::ClientContext context;
  Prepare(call, context);
  v1::Attachment attachment;
  std::unique_ptr<grpc::ClientWriter<v1::UploadAttachmentRequest>> writer =
      call.stub->UploadAttachment(&context, &attachment);
  v1::UploadAttachmentRequest message = first;
  size_t sent = 0;
  do {
    const size_t size = std::min(kChunkBytes, bytes.size() - sent);
    message.set_chunk(std::string(bytes.substr(sent, size)));
    sent += size;
    if (!writer->Write(message)) break;  // the service answered already
    message.Clear();
  } while (sent < bytes.size());
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  response.status = 201;
  response.set_header("Location",
                      absl::StrCat("/v1/", attachment.name(), ":download"));
  response.set_content(ToJson(attachment), "application/json");
  return absl::OkStatus();
}

absl::Status ServeDownload(const AttachmentCall& call,
                           const httplib::Request& request,
                           httplib::Response& response) {
  v1::DownloadAttachmentRequest download;
  const std::string path = request.path.substr(4);     // after "/v1/"
  download.set_name(path.substr(0, path.size() - 9));  // before ":download"
  grpc::ClientContext context;
  Prepare(call, context);
  std::unique_ptr<grpc::ClientReader<v1::AttachmentChunk>> reader =
      call.stub->DownloadAttachment(&context, download);
  v1::Attachment attachment;
  std::string bytes;
  v1::AttachmentChunk chunk;
  while (reader->Read(&chunk)) {
    if (chunk.has_attachment()) attachment = chunk.attachment();
    bytes.append(chunk.data());
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpcStatus(status);

  const int64_t size = static_cast<int64_t>(bytes.size());
  response.set_header("ETag", absl::StrCat("\"", attachment.sha256(), "\""));
  response.set_header("Accept-Ranges", "bytes");
  response.set_header("Content-Disposition",
                      Disposition(attachment, request.get_param_value(
                                                  kInlineParameter) == "true"));
  // (Cache-Control: no-store, as every API answer: never kept by a cache.)
  if (request.has_header("Range")) {
    absl::StatusOr<std::optional<ByteRange>> range =
        RangeOf(request.get_header_value("Range"), size);
    if (!range.ok()) {
      response.set_header("Content-Range", absl::StrCat("bytes */", size));
      return WithReason(range.status(), v1::INVALID_FIELD,
                        {{"field", "Range"}});
    }
    if (range->has_value()) {
      const ByteRange& r = **range;
      response.status = 206;
      response.set_header("Content-Range", absl::StrCat("bytes ", r.first, "-",
                                                        r.last, "/", size));
      response.set_content(
          bytes.substr(static_cast<size_t>(r.first),
                       static_cast<size_t>(r.last - r.first + 1)),
          attachment.content_type());
      return absl::OkStatus();
    }
  }
  response.status = 200;
  response.set_content(std::move(bytes), attachment.content_type());
  return absl::OkStatus();
}

}  // namespace hotline::gateway
