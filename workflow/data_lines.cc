#include "workflow/data_lines.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/input_text.h"

namespace hotline {

absl::Status ForEachDataLine(
    absl::string_view text, absl::string_view source,
    const std::function<std::string(absl::string_view line)>& each) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    const absl::string_view line = absl::StripAsciiWhitespace(raw);
    std::string why = NotUtf8Reason(raw);
    if (why.empty() && (line.empty() || line[0] == '#')) continue;
    if (why.empty()) why = each(line);
    if (!why.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", line_number, ": ", why, ": ", QuoteInput(line)));
    }
  }
  return absl::OkStatus();
}

}  // namespace hotline
