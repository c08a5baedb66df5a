// Bearer token secrets: made from OpenSSL's random generator and kept only
// as their SHA-256 digest.
//
//   std::string secret = NewTokenSecret();          // "hl_" + 43 characters
//   std::string digest = HashTokenSecret(secret);   // 32 raw bytes
//
// Thread-safe.
#ifndef HOTLINE_APP_TOKEN_SECRET_H_
#define HOTLINE_APP_TOKEN_SECRET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline {

// 256 random bits, URL-safe base64, prefixed "hl_" so a leaked token is easy
// to recognise in logs and code. INTERNAL if the random generator fails.
absl::StatusOr<std::string> NewTokenSecret();

// 256 random bits, URL-safe base64, after `prefix` (a webhook's signing
// secret: "whsec_"). INTERNAL if the random generator fails.
absl::StatusOr<std::string> NewRandomSecret(absl::string_view prefix);

// The SHA-256 digest of the secret, as 32 raw bytes.
std::string HashTokenSecret(absl::string_view secret);

}  // namespace hotline

#endif  // HOTLINE_APP_TOKEN_SECRET_H_
