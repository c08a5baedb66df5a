// Command-line arguments of hotlinectl: positional words and --options.
//
//   hotlinectl --json ticket list --filter "state = RECEIVED"
//   -> positional {"ticket", "list"}, options {json: "", filter: "state = ..."}
//
// Options are "--name=value", "--name value", or a bare "--name" for the
// names declared as switches; "-h" is "--help". "--" ends the options.
//
// A value type; thread-compatible.
#ifndef HOTLINE_TOOLS_CLI_ARGS_H_
#define HOTLINE_TOOLS_CLI_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hotline::cli {

class Args {
 public:
  // INVALID_ARGUMENT for a value missing after a non-switch option, or a
  // single-dash option other than -h (a word like "-1" is positional).
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::set<std::string>& switches);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& name) const { return options_.count(name) > 0; }
  // The option's value, or `fallback` when absent.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  // Options not in `known`, to report as mistakes.
  std::vector<std::string> Unknown(const std::set<std::string>& known) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_CLI_ARGS_H_
