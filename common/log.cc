#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/json_string.h"

namespace hotline {
namespace {

std::atomic<bool> info_enabled{true};
std::atomic<bool> json_format{false};

std::string Now() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                          absl::UTCTimeZone());
}

void WriteLine(std::string line) {
  line.push_back('\n');
  // One write(2) per line keeps concurrent lines whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

const char* LevelName(char severity) {
  switch (severity) {
    case 'W':
      return "warning";
    case 'E':
      return "error";
    default:
      return "info";
  }
}

void Write(char severity, absl::string_view message) {
  if (json_format.load(std::memory_order_relaxed)) {
    WriteLine(absl::StrCat("{\"time\":\"", Now(), "\",\"level\":\"",
                           LevelName(severity),
                           "\",\"message\":", JsonString(message), "}"));
  } else {
    WriteLine(absl::StrCat(Now(), " ", absl::string_view(&severity, 1), " ",
                           message));
  }
}

// A text-format value: bare when that reads unambiguously, else quoted.
std::string TextValue(const std::string& value) {
  bool bare = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      bare = false;
      break;
    }
  }
  return bare ? value : JsonString(value);
}

}  // namespace

void LogInfo(absl::string_view message) {
  if (info_enabled.load(std::memory_order_relaxed)) Write('I', message);
}
void LogWarning(absl::string_view message) { Write('W', message); }
void LogError(absl::string_view message) { Write('E', message); }

void LogRecord(absl::string_view event, const std::vector<LogField>& fields) {
  if (!info_enabled.load(std::memory_order_relaxed)) return;
  std::string line;
  if (json_format.load(std::memory_order_relaxed)) {
    line = absl::StrCat("{\"time\":\"", Now(),
                        "\",\"level\":\"info\",\"event\":", JsonString(event));
    for (const LogField& field : fields) {
      absl::StrAppend(&line, ",", JsonString(field.key), ":",
                      field.is_number ? field.value : JsonString(field.value));
    }
    line.push_back('}');
  } else {
    line = absl::StrCat(Now(), " I ", event);
    for (const LogField& field : fields) {
      absl::StrAppend(&line, " ", field.key, "=", TextValue(field.value));
    }
  }
  WriteLine(std::move(line));
}

void SetLogFormat(LogFormat format) {
  json_format.store(format == LogFormat::kJson);
}
void SetInfoLogging(bool enabled) { info_enabled.store(enabled); }

}  // namespace hotline
