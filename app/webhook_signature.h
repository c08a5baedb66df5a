// The signature a webhook carries (docs/api.md, "Notifications"): an
// HMAC-SHA256, keyed by the subscription's secret, over the timestamp, a
// dot and the body, in lowercase hex; one `v1=` entry for each secret that
// signs (two while a rotated secret's overlap lasts):
//
//   Hotline-Timestamp: 1796574928
//   Hotline-Signature: v1=5257a869…,v1=9e1f…
//
// A receiver recomputes it with its secret, compares in constant time, and
// refuses a timestamp far from its own clock (a replay).
//
// Thread-safe: no state.
#ifndef HOTLINE_APP_WEBHOOK_SIGNATURE_H_
#define HOTLINE_APP_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hotline {

// HMAC-SHA256(key, message), lowercase hex.
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);

// The Hotline-Signature header's value for `body` sent at `unix_seconds`,
// signed by each of `secrets` in order.
std::string WebhookSignature(const std::vector<std::string>& secrets,
                             int64_t unix_seconds, absl::string_view body);

}  // namespace hotline

#endif  // HOTLINE_APP_WEBHOOK_SIGNATURE_H_
