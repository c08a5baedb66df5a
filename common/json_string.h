// JSON string literals for the JSON-lines log: any bytes in, a valid JSON
// string out.
//
//   JsonString("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\""
//
// Thread-safe (stateless).
#ifndef HOTLINE_COMMON_JSON_STRING_H_
#define HOTLINE_COMMON_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hotline {

// `text` as a quoted JSON string (RFC 8259): the quote, the backslash and
// control characters escaped; well-formed UTF-8 kept as it is; every byte
// that is not part of well-formed UTF-8 replaced by U+FFFD, so the result is
// always valid UTF-8.
std::string JsonString(absl::string_view text);

}  // namespace hotline

#endif  // HOTLINE_COMMON_JSON_STRING_H_
