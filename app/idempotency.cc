#include "app/idempotency.h"

#include <openssl/sha.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "common/error_details.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace hotline {
namespace {

constexpr int kMaxRequestIdChars = 64;

std::string LabelledSha256(absl::string_view label, absl::string_view a,
                           absl::string_view b) {
  // Each part with its length first, so no two (a, b) pairs collide.
  const std::string input = absl::StrCat(label.size(), ":", label, a.size(),
                                         ":", a, b.size(), ":", b);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

absl::StatusOr<RequestIdentity> IdentifyRequest(
    const Principal& principal, const google::protobuf::Message& request) {
  RequestIdentity id;
  id.method = std::string(
      absl::StripSuffix(request.GetDescriptor()->name(), "Request"));
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr) return id;
  id.request_id = request.GetReflection()->GetString(request, field);
  if (id.request_id.empty()) return id;
  if (id.request_id.size() > static_cast<size_t>(kMaxRequestIdChars)) {
    return InvalidFieldError(
        "request_id", absl::StrCat("request_id is ", id.request_id.size(),
                                   " characters long; at most ",
                                   kMaxRequestIdChars, " are allowed"));
  }
  for (char c : id.request_id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return InvalidFieldError(
          "request_id",
          "request_id must be printable ASCII without spaces (a UUID, say)");
    }
  }
  const std::string caller = principal.ToString();
  id.key = LabelledSha256("request", caller, id.request_id);
  id.seal = LabelledSha256("seal", caller, id.request_id);
  std::unique_ptr<google::protobuf::Message> bare(request.New());
  bare->CopyFrom(request);
  bare->GetReflection()->ClearField(bare.get(), field);
  id.fingerprint =
      LabelledSha256("fingerprint", id.method, DeterministicBytes(*bare));
  return id;
}

namespace {

std::string Xor(absl::string_view bytes, absl::string_view seal) {
  std::string out(bytes);
  std::string pad;
  for (int block = 0; pad.size() < out.size(); ++block) {
    pad += LabelledSha256("pad", seal, absl::StrCat(block));
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] ^= pad[i];
  return out;
}

}  // namespace

std::string SealSecret(absl::string_view secret, absl::string_view seal) {
  return absl::BytesToHexString(Xor(secret, seal));
}

std::string UnsealSecret(absl::string_view sealed, absl::string_view seal) {
  return Xor(absl::HexStringToBytes(sealed), seal);
}

absl::Status RequestIdReused(const RequestIdentity& id,
                             const std::string& first_method) {
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(
      "request_id ", id.request_id, " was already used by this caller for ",
      first_method == id.method ? "another " + id.method + " request"
                                : "a " + first_method + " request",
      "; a retry must repeat the request unchanged, a new request needs a new "
      "request_id"));
  status =
      WithReason(std::move(status), v1::REQUEST_ID_REUSED,
                 {{"request_id", id.request_id}, {"method", first_method}});
  return WithFieldViolation(std::move(status), "request_id",
                            "already used for a different request");
}

}  // namespace hotline
