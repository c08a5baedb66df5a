#include "tools/cli_args.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hotline::cli {

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const std::set<std::string>& switches) {
  Args args;
  bool options_ended = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (!options_ended && word == "-h") {
      args.options_["help"] = "";
      continue;
    }
    if (!options_ended && word.size() > 1 && word[0] == '-' && word[1] != '-' &&
        !absl::ascii_isdigit(word[1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown option ", word, " (options are written --name)"));
    }
    if (options_ended || !absl::StartsWith(word, "--")) {
      args.positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      options_ended = true;
      continue;
    }
    std::string name = word.substr(2);
    const size_t equals = name.find('=');
    if (equals != std::string::npos) {
      args.options_[name.substr(0, equals)] = name.substr(equals + 1);
    } else if (switches.count(name) > 0) {
      args.options_[name] = "";
    } else if (i + 1 < argv.size()) {
      args.options_[name] = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value"));
    }
  }
  return args;
}

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = options_.find(name);
  return it == options_.end() ? fallback : it->second;
}

std::vector<std::string> Args::Unknown(
    const std::set<std::string>& known) const {
  std::vector<std::string> unknown;
  for (const auto& [name, value] : options_) {
    if (known.count(name) == 0) unknown.push_back(name);
  }
  return unknown;
}

}  // namespace hotline::cli
