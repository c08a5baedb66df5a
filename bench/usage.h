// The benches' command lines. absl's --help lists only the flags of a file
// named after the binary (hotline-bench.cc), which no bench has, and so
// printed "No flags matched."; here --help (and -h, --helpfull,
// --helpshort) prints the bench's usage and the flags of its own source
// file on stdout and exits 0, and --version prints hotline's version.
//
//   int main(int argc, char** argv) {
//     hotline::bench::ParseCommandLine(argc, argv, "bench/load.cc",
//                                      "Load generator for hotline-server.");
//
// Not thread-safe: call it once, first thing in main.
#ifndef HOTLINE_BENCH_USAGE_H_
#define HOTLINE_BENCH_USAGE_H_

#include "absl/strings/string_view.h"

namespace hotline::bench {

// Parses the flags (absl::ParseCommandLine: an unknown flag or a bad value
// ends the program, saying why). Asked for help, prints `usage` and the
// flags defined in the file whose path ends with `flags_file`, and exits 0.
void ParseCommandLine(int argc, char** argv, absl::string_view flags_file,
                      absl::string_view usage);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_USAGE_H_
