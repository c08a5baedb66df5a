// The lines of a data file's text, read the one way both of workflow's text
// parsers (the calendar, calendar.h; the policy, policy.h) read them: a
// leading byte-order mark is skipped; every line is first checked to be
// UTF-8, comments included (text that is not would otherwise surface later
// as a protobuf serialization error); blank lines and lines starting with
// '#' are skipped; the others are passed on stripped of surrounding
// whitespace.
//
//   RETURN_IF_ERROR(ForEachDataLine(text, "policy.conf",
//       [&](absl::string_view line) -> std::string {
//         if (!Known(line)) return "unknown key";  // the reason, or ""
//         return "";
//       }));
//
// The first line refused stops the reading: INVALID_ARGUMENT
// "{source}:{line number}: {reason}: {the line, quoted}".
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_DATA_LINES_H_
#define HOTLINE_WORKFLOW_DATA_LINES_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hotline {

// `each(line)` returns why the line is refused, or "" to go on.
absl::Status ForEachDataLine(
    absl::string_view text, absl::string_view source,
    const std::function<std::string(absl::string_view line)>& each);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_DATA_LINES_H_
