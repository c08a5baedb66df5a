// Minimal logging: one line per call to stderr, prefixed with the UTC time
// and a severity letter. Debian's Abseil (20220623) has no absl/log.
//
//   hotline::LogInfo(absl::StrFormat("listening on %s", address));
//
// Thread-safe: each line is written with a single write, so lines from
// different threads never interleave.
#ifndef HOTLINE_COMMON_LOG_H_
#define HOTLINE_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace hotline {

void LogInfo(absl::string_view message);
void LogWarning(absl::string_view message);
void LogError(absl::string_view message);

// Silences LogInfo (warnings and errors still print). Used by tests and
// benchmarks that start servers in-process. Thread-safe.
void SetInfoLogging(bool enabled);

}  // namespace hotline

#endif  // HOTLINE_COMMON_LOG_H_
