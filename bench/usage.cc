#include "bench/usage.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/flags_help.h"
#include "hotline/version.h"

namespace hotline::bench {
namespace {

bool AsksForHelp(absl::string_view arg) {
  return arg == "--help" || arg == "-help" || arg == "-h" ||
         arg == "--helpfull" || arg == "-helpfull" || arg == "--helpshort" ||
         arg == "-helpshort";
}

}  // namespace

void ParseCommandLine(int argc, char** argv, absl::string_view flags_file,
                      absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  // Read when absl prints help (--helpon, --helpmatch) or the version: kept
  // by the lambdas, so they must outlive them.
  static std::string* const file = new std::string(flags_file);
  static std::string* const program =
      new std::string(std::filesystem::path(argv[0]).filename().string());
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, *file);
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  config.version_string = [] {
    return absl::StrCat(*program, " (hotline " HOTLINE_VERSION ")\n");
  };
  absl::SetFlagsUsageConfig(config);
  // Asked for, help is a success (absl's --help exits 1).
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (AsksForHelp(arg)) {
      PrintFlagsHelp(std::cout, *program, usage, [](absl::string_view path) {
        return absl::EndsWith(path, *file);
      });
      std::exit(0);
    }
  }
  absl::ParseCommandLine(argc, argv);
}

}  // namespace hotline::bench
