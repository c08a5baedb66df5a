// Page tokens: a client may send anything as page_token. The input is
// "scope\0token" (no NUL: all of it is the token, with an empty scope).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "app/paging.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hotline::fuzz::Require;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::string_view scope;
  absl::string_view token = input;
  if (const size_t nul = input.find('\0'); nul != absl::string_view::npos) {
    scope = input.substr(0, nul);
    token = input.substr(nul + 1);
  }
  absl::StatusOr<std::string> last = hotline::DecodePageToken(token, scope);
  if (!last.ok()) {
    Require(last.status().code() == absl::StatusCode::kInvalidArgument,
            "a page token refused with another code than INVALID_ARGUMENT");
    hotline::fuzz::CheckMessage(last.status());
  } else {
    // What the List methods do with the key.
    int64_t id = 0;
    (void)absl::SimpleAtoi(*last, &id);
  }
  // Any key round-trips within its scope, and only there.
  const std::string made = hotline::EncodePageToken(token, scope);
  absl::StatusOr<std::string> back = hotline::DecodePageToken(made, scope);
  Require(back.ok() && *back == token, "a token does not round-trip");
  return 0;
}
