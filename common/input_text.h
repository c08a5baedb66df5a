// Text that came from outside (requests, imported files, configuration):
// UTF-8 checks, and quoting it in error messages.
//
//   QuoteInput("tickets/abc")        -> "\"tickets/abc\""
//   QuoteInput(<9,000 x 'a'>)        -> "\"aaaa…aaa…\" (9000 characters)"
//   QuoteInput("caf\xE9")            -> "\"caf\\xE9\""
//
// An error message carries at most a short prefix of what was sent: a whole
// echoed input can be larger than the status metadata a client accepts (gRPC
// then reports RESOURCE_EXHAUSTED instead of the refusal), and bytes that are
// not UTF-8 or are control characters are shown escaped.
//
// Stateless and thread-safe.
#ifndef HOTLINE_COMMON_INPUT_TEXT_H_
#define HOTLINE_COMMON_INPUT_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace hotline {

// How many characters of an input an error message shows at most.
inline constexpr int kMaxEchoChars = 40;

// The offset of the first byte of `text` that is not part of well-formed
// UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF, which is
// what protobuf requires of a string field), or npos when all of it is.
size_t InvalidUtf8Offset(absl::string_view text);
inline bool IsValidUtf8(absl::string_view text) {
  return InvalidUtf8Offset(text) == absl::string_view::npos;
}

// Why a line of a text file is not UTF-8 ("byte 7 is not UTF-8 text; save
// the file as UTF-8"), or empty when it is. For the parsers of files people
// edit (policy, calendar), checked before anything else on the line.
std::string NotUtf8Reason(absl::string_view line);

// `text` in double quotes for an error message: at most kMaxEchoChars
// characters, cut with "…" and followed by its full length when longer;
// quotes, backslashes, control characters and bytes that are not UTF-8
// escaped (\", \\, \n, \x01, \xE9).
std::string QuoteInput(absl::string_view text);

}  // namespace hotline

#endif  // HOTLINE_COMMON_INPUT_TEXT_H_
