#include "app/token_secret.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hotline {

absl::StatusOr<std::string> NewRandomSecret(absl::string_view prefix) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the random generator failed");
  }
  return absl::StrCat(
      prefix, absl::WebSafeBase64Escape(absl::string_view(
                  reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

absl::StatusOr<std::string> NewTokenSecret() { return NewRandomSecret("hl_"); }

std::string HashTokenSecret(absl::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

}  // namespace hotline
