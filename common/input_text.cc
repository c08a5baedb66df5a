#include "common/input_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hotline {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `text`, or 0.
size_t SequenceLength(absl::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  uint8_t low = 0x80;  // bounds of the second byte
  uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

size_t InvalidUtf8Offset(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = SequenceLength(text.substr(i));
    if (length == 0) return i;
    i += length;
  }
  return absl::string_view::npos;
}

std::string QuoteInput(absl::string_view text) {
  std::string out = "\"";
  int shown = 0;
  int total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t length = SequenceLength(text.substr(i));
    const bool valid = length > 0;
    if (!valid) length = 1;
    if (shown < kMaxEchoChars) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if (!valid) {
        absl::StrAppendFormat(&out, "\\x%02X", c);
      } else if (c == '"' || c == '\\') {
        absl::StrAppend(&out, "\\", text.substr(i, 1));
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7F) {
        absl::StrAppendFormat(&out, "\\x%02X", c);
      } else {
        out.append(text.data() + i, length);
      }
      ++shown;
    }
    ++total;
    i += length;
  }
  if (total > shown) {
    absl::StrAppend(&out, "…\" (", total, " characters)");
  } else {
    out += "\"";
  }
  return out;
}

std::string NotUtf8Reason(absl::string_view line) {
  const size_t bad = InvalidUtf8Offset(line);
  if (bad == absl::string_view::npos) return "";
  return absl::StrCat("byte ", bad + 1,
                      " is not UTF-8 text; save the file as UTF-8");
}

}  // namespace hotline
