// hotlinectl: the hotline service from a terminal. `hotlinectl help` lists
// the commands; `hotlinectl COMMAND --help` explains one, with an example.
// Exit codes: see tools/cli_command.h.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/hotline_client.h"
#include "tools/cli_args.h"
#include "tools/cli_command.h"

namespace hotline::cli {
namespace {

std::vector<Command> Commands() {
  std::vector<Command> commands;
  AddAdminCommands(&commands);
  AddTicketCommands(&commands);
  AddOversightCommands(&commands);
  AddReportCommands(&commands);
  return commands;
}

const char kGlobalHelp[] =
    "Global options (before or after the command):\n"
    "  --server HOST:PORT  the server (env HOTLINE_SERVER; default "
    "127.0.0.1:7345)\n"
    "  --token SECRET      your bearer token (env HOTLINE_TOKEN)\n"
    "  --json              print JSON instead of tables\n"
    "  --timeout SECONDS   per-call deadline (default 10)\n"
    "  --help              help on a command\n";

void PrintOverview(const std::vector<Command>& commands) {
  std::cout << "hotlinectl: the 12345 hotline service from a terminal.\n\n"
               "Commands:\n";
  for (const Command& command : commands) {
    std::cout << "  " << command.usage << "\n";
  }
  std::cout << "\n"
            << kGlobalHelp
            << "\n`hotlinectl COMMAND --help` explains one command.\n";
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = Commands();
  absl::StatusOr<Args> args =
      Args::Parse(std::vector<std::string>(argv + 1, argv + argc),
                  {"json", "help", "confidential", "all", "from_now"});
  if (!args.ok()) {
    std::cerr << "hotlinectl: " << args.status().message() << "\n";
    return kExitUsage;
  }
  const std::vector<std::string>& words = args->positional();
  if (words.empty() || words[0] == "help") {
    PrintOverview(commands);
    return words.empty() && !args->Has("help") ? kExitUsage : 0;
  }
  // Commands are one word ("health") or two ("ticket list").
  const Command* command = nullptr;
  size_t used = 0;
  for (const Command& candidate : commands) {
    const std::vector<std::string> name = absl::StrSplit(candidate.name, ' ');
    if (words.size() >= name.size() &&
        std::equal(name.begin(), name.end(), words.begin())) {
      command = &candidate;
      used = name.size();
      break;
    }
  }
  if (command == nullptr) {
    std::cerr << "hotlinectl: unknown command \"" << absl::StrJoin(words, " ")
              << "\"; `hotlinectl help` lists the commands\n";
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::cout << "usage: hotlinectl " << command->usage << "\n\n"
              << command->help << "\n\n"
              << kGlobalHelp;
    return 0;
  }
  std::set<std::string> known = command->options;
  known.insert({"server", "token", "json", "timeout", "help"});
  std::vector<std::string> unknown = args->Unknown(known);
  if (!unknown.empty()) {
    return UsageError(absl::StrCat("unknown option --", unknown[0]),
                      command->usage);
  }
  const std::vector<std::string> operands(words.begin() + used, words.end());
  if (operands.size() < command->min_args ||
      operands.size() > command->max_args) {
    return UsageError("wrong number of arguments", command->usage);
  }

  ClientOptions options;
  const char* env_server = std::getenv("HOTLINE_SERVER");
  const char* env_token = std::getenv("HOTLINE_TOKEN");
  options.target =
      args->Get("server", env_server ? env_server : options.target);
  options.token = args->Get("token", env_token ? env_token : "");
  if (args->Has("timeout")) {
    double seconds = 0;
    if (!absl::SimpleAtod(args->Get("timeout"), &seconds) || seconds <= 0) {
      return UsageError("--timeout must be a positive number of seconds",
                        command->usage);
    }
    options.call_timeout = absl::Seconds(seconds);
  }
  // A person at a terminal wants a quick answer, not a minute of retries.
  options.max_attempts = 2;
  Client client(options);
  Context context{&client, args->Has("json")};
  return command->run(context, *args, operands);
}

}  // namespace
}  // namespace hotline::cli
int main(int argc, char** argv) { return hotline::cli::Main(argc, argv); }
