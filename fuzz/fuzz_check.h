// What every fuzz target checks besides "no crash, no sanitizer report": a
// refusal's message is one a client can receive and a person can read.
#ifndef HOTLINE_FUZZ_FUZZ_CHECK_H_
#define HOTLINE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "common/input_text.h"

namespace hotline::fuzz {

// Aborts (a finding) with `what` when `ok` is false.
inline void Require(bool ok, const char* what, const std::string& detail = "") {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n%s\n", what,
               detail.substr(0, 2000).c_str());
  std::abort();
}

// Error messages are UTF-8 (they travel in a proto3 string or to a terminal)
// and short: an echoed input must never grow them past gRPC's metadata
// limit (8 KiB), so 1 KiB is plenty.
inline void CheckMessage(const absl::Status& status) {
  if (status.ok()) return;
  const std::string message(status.message());
  Require(!message.empty(), "an error without a message");
  Require(message.size() <= 1024, "an error message over 1 KiB", message);
  Require(IsValidUtf8(message), "an error message that is not UTF-8", message);
}

}  // namespace hotline::fuzz

#endif  // HOTLINE_FUZZ_FUZZ_CHECK_H_
