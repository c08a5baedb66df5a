#include "tools/cli_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace hotline::cli {
namespace {

// Decodes one UTF-8 code point at `i`, advancing it.
uint32_t NextCodePoint(const std::string& text, size_t& i) {
  const unsigned char c = text[i];
  int length = 1;
  uint32_t code = c;
  if (c >= 0xF0) {
    length = 4;
    code = c & 0x07;
  } else if (c >= 0xE0) {
    length = 3;
    code = c & 0x0F;
  } else if (c >= 0xC0) {
    length = 2;
    code = c & 0x1F;
  }
  for (int k = 1; k < length && i + k < text.size(); ++k) {
    code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  i += length;
  return code;
}

bool IsWide(uint32_t code) {
  return (code >= 0x1100 && code <= 0x115F) ||
         (code >= 0x2E80 && code <= 0xA4CF) ||
         (code >= 0xAC00 && code <= 0xD7A3) ||
         (code >= 0xF900 && code <= 0xFAFF) ||
         (code >= 0xFE30 && code <= 0xFE4F) ||
         (code >= 0xFF00 && code <= 0xFF60) ||
         (code >= 0xFFE0 && code <= 0xFFE6) ||
         (code >= 0x20000 && code <= 0x3FFFD);
}

}  // namespace

int DisplayWidth(const std::string& text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) width += IsWide(NextCodePoint(text, i)) ? 2 : 1;
  return width;
}

Table::Table(std::vector<std::string> headers) {
  rows_.push_back(std::move(headers));
}

void Table::AddRow(std::vector<std::string> cells) {
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<int> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) {
        line += std::string(widths[c] - DisplayWidth(row[c]) + 2, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

std::string KeyValues(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  size_t width = 0;
  for (const auto& [key, value] : pairs) {
    if (!value.empty()) width = std::max(width, key.size());
  }
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (value.empty()) continue;
    absl::StrAppend(&out, key, ":", std::string(width - key.size() + 1, ' '),
                    value, "\n");
  }
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (json.empty() || json.back() != '\n') json += "\n";
  return json;
}

absl::TimeZone BureauTimeZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone loaded;
    if (absl::LoadTimeZone("Asia/Shanghai", &loaded)) return loaded;
    return absl::FixedTimeZone(8 * 60 * 60);
  }();
  return zone;
}

std::string FormatTime(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  const absl::Time time = absl::FromUnixSeconds(timestamp.seconds()) +
                          absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%d %H:%M", time, BureauTimeZone());
}

std::string FormatDeadline(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  const absl::Time time = absl::FromUnixSeconds(timestamp.seconds()) +
                          absl::Nanoseconds(timestamp.nanos());
  const absl::CivilSecond local = absl::ToCivilSecond(time, BureauTimeZone());
  if (local.hour() == 0 && local.minute() == 0 && local.second() == 0 &&
      timestamp.nanos() == 0) {
    return absl::StrCat(absl::FormatCivilTime(absl::CivilDay(local) - 1),
                        " 24:00");
  }
  return FormatTime(timestamp);
}

}  // namespace hotline::cli
