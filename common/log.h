// Minimal logging to stderr, one line per record. Debian's Abseil (20220623)
// has no absl/log.
//
//   hotline::LogInfo(absl::StrFormat("listening on %s", address));
//   hotline::LogRecord("call", {{"method", "GetTicket"}, {"latency_us", 412}});
//
// Two formats (SetLogFormat):
//   text  2026-11-27T20:51:00.123456Z I listening on 127.0.0.1:7345
//         2026-11-27T20:51:01.000000Z I call method=GetTicket latency_us=412
//         (a value that is empty or holds a space, quote, '=' or a control
//         character is written as a JSON string)
//   json  {"time":"2026-11-27T20:51:00.123456Z","level":"info",
//          "message":"listening on 127.0.0.1:7345"}
//         {"time":"...","level":"info","event":"call","method":"GetTicket",
//          "latency_us":412}
//         one object per line; keys as given, strings escaped (JsonString).
//
// Thread-safe: each line is written with a single write, so lines from
// different threads never interleave.
#ifndef HOTLINE_COMMON_LOG_H_
#define HOTLINE_COMMON_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hotline {

void LogInfo(absl::string_view message);
void LogWarning(absl::string_view message);
void LogError(absl::string_view message);

// One field of a structured record: a text or a number.
struct LogField {
  LogField(absl::string_view key, absl::string_view text)
      : key(key), value(text) {}
  LogField(absl::string_view key, const char* text) : key(key), value(text) {}
  LogField(absl::string_view key, const std::string& text)
      : key(key), value(text) {}
  LogField(absl::string_view key, int64_t number)
      : key(key), value(std::to_string(number)), is_number(true) {}
  LogField(absl::string_view key, int number)
      : LogField(key, static_cast<int64_t>(number)) {}

  std::string key;
  std::string value;
  bool is_number = false;
};

// An info record: `event` names what happened ("call", "stream_start"),
// the fields say the rest. Silenced with LogInfo (SetInfoLogging).
void LogRecord(absl::string_view event, const std::vector<LogField>& fields);

enum class LogFormat { kText, kJson };
// Chooses the format of every later line (text by default). Thread-safe.
void SetLogFormat(LogFormat format);

// Silences LogInfo and LogRecord (warnings and errors still print). Used by
// --quiet, and by tests and benchmarks that start servers in-process.
// Thread-safe.
void SetInfoLogging(bool enabled);

}  // namespace hotline

#endif  // HOTLINE_COMMON_LOG_H_
