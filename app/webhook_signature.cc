#include "app/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hotline {

std::string HmacSha256Hex(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string WebhookSignature(const std::vector<std::string>& secrets,
                             int64_t unix_seconds, absl::string_view body) {
  const std::string signed_text = absl::StrCat(unix_seconds, ".", body);
  std::string header;
  for (const std::string& secret : secrets) {
    if (!header.empty()) header += ",";
    absl::StrAppend(&header, "v1=", HmacSha256Hex(secret, signed_text));
  }
  return header;
}

}  // namespace hotline
