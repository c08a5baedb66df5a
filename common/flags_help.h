// The --help text of a program's flags, written with Abseil's public flags
// API only (absl::GetAllFlags, absl::CommandLineFlag): the same layout as
// Abseil's own help (wrapped at 80 columns, grouped by file, sorted by
// name), which is internal to Abseil and not for programs to call.
//
//   PrintFlagsHelp(std::cout, "hotline-server", kUsage,
//                  [](absl::string_view file) {
//                    return absl::EndsWith(file, "server/main.cc");
//                  });
//
// Thread-safe as far as Abseil's flag registry is: call it after the flags
// are registered (any time in main).
#ifndef HOTLINE_COMMON_FLAGS_HELP_H_
#define HOTLINE_COMMON_FLAGS_HELP_H_

#include <functional>
#include <ostream>

#include "absl/strings/string_view.h"

namespace hotline {

// Writes "`program`: `usage`", a blank line, then every flag defined in a
// file for which `in_file` is true: "  Flags from FILE:" and per flag
// "    --name (help); default: value;" (strings quoted; "currently: ...;"
// after it when set to another value), and the closing hint of Abseil's
// --help.
void PrintFlagsHelp(std::ostream& out, absl::string_view program,
                    absl::string_view usage,
                    const std::function<bool(absl::string_view)>& in_file);

}  // namespace hotline

#endif  // HOTLINE_COMMON_FLAGS_HELP_H_
