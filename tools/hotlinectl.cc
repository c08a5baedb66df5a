// hotlinectl: the hotline service from a terminal. `hotlinectl help` lists
// the commands, one line each; `hotlinectl help COMMAND` (or `COMMAND
// --help`, `-h`) explains one, with an example; `hotlinectl --version`.
// Exit codes: see tools/cli_command.h.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/hotline_client.h"
#include "hotline/version.h"
#include "tools/cli_args.h"
#include "tools/cli_command.h"

namespace hotline::cli {
namespace {

std::vector<Command> Commands() {
  std::vector<Command> commands;
  AddTicketCommands(&commands);
  AddReviewCommands(&commands);
  AddMergeCommands(&commands);
  AddAssistCommands(&commands);
  AddNoticeCommands(&commands);
  AddCatalogueCommands(&commands);
  AddAttachmentCommands(&commands);
  AddSubscriptionCommands(&commands);
  AddCallbackCommands(&commands);
  AddOversightCommands(&commands);
  AddReportCommands(&commands);
  AddAdminCommands(&commands);
  return commands;
}

const char kGlobalHelp[] =
    "Global options (before or after the command):\n"
    "  --server HOST:PORT  the server (env HOTLINE_SERVER; default "
    "127.0.0.1:7345)\n"
    "  --token SECRET      your bearer token (env HOTLINE_TOKEN)\n"
    "  --tls_ca FILE       TLS: the CA certificate(s) that verify the server\n"
    "                      (env HOTLINE_TLS_CA)\n"
    "  --tls_cert FILE     mutual TLS: your client certificate (env\n"
    "                      HOTLINE_TLS_CERT), with --tls_key FILE (env\n"
    "                      HOTLINE_TLS_KEY)\n"
    "  --tls_server_name NAME  the name the server's certificate must carry\n"
    "                      when it is not the --server host\n"
    "  --json              print JSON instead of tables\n"
    "  --timeout SECONDS   per-call deadline (default 10)\n"
    "  --help, -h          help on a command\n"
    "  --version           hotlinectl's version\n";

const char kExitCodes[] =
    "Exit codes: 0 success, 1 other failure, 2 wrong usage (a mistake in the\n"
    "command line or a local file), 3 not allowed, 4 not found, 5 refused by\n"
    "the workflow, 6 server unreachable.\n";

// Options every command takes; those that take no value.
const std::set<std::string> kGlobalOptions = {
    "server",   "token",   "timeout",        "tls_ca",
    "tls_cert", "tls_key", "tls_server_name"};
const std::set<std::string> kGlobalSwitches = {"json", "help", "version"};

// "  ticket create     create a ticket (intake, bureau)" for each command
// whose name starts with `prefix`; a blank line around each group of
// several commands ("ticket ...").
std::string CommandList(const std::vector<Command>& commands,
                        const std::string& prefix) {
  size_t width = 0;
  std::map<std::string, int> group_size;
  auto group_of = [](const Command& command) {
    return command.name.substr(0, command.name.find(' '));
  };
  for (const Command& command : commands) {
    width = std::max(width, command.name.size());
    ++group_size[group_of(command)];
  }
  std::string out;
  std::string group;
  for (const Command& command : commands) {
    if (!absl::StartsWith(command.name, prefix)) continue;
    const std::string first = group_of(command);
    if (!out.empty() && first != group &&
        (group_size[first] > 1 || group_size[group] > 1)) {
      out += "\n";
    }
    group = first;
    absl::StrAppend(&out, "  ", command.name,
                    std::string(width + 2 - command.name.size(), ' '),
                    command.summary, "\n");
  }
  return out;
}

std::string Overview(const std::vector<Command>& commands) {
  return absl::StrCat(
      "hotlinectl: the 12345 hotline service from a terminal.\n\n"
      "usage: hotlinectl COMMAND [ARGUMENTS] [OPTIONS]\n\nCommands:\n",
      CommandList(commands, ""), "\n", kGlobalHelp,
      "\n`hotlinectl help COMMAND` (or `hotlinectl COMMAND --help`) explains "
      "one command,\nwith an example.\n\n",
      kExitCodes);
}

// The commands of a group ("ticket"), or empty if there is no such group.
std::string GroupHelp(const std::vector<Command>& commands,
                      const std::string& group) {
  const std::string list = CommandList(commands, group + " ");
  if (list.empty()) return "";
  return absl::StrCat("hotlinectl ", group, " commands:\n", list,
                      "\n`hotlinectl help ", group,
                      " COMMAND` explains one, with an example.\n");
}

std::string CommandHelp(const Command& command) {
  return absl::StrCat("usage: hotlinectl ", command.usage, "\n\n", command.help,
                      "\n\n", kGlobalHelp);
}

// The command named by the leading `words` (the longest match), and how
// many words its name has; nullptr if none.
const Command* FindCommand(const std::vector<Command>& commands,
                           const std::vector<std::string>& words,
                           size_t* used) {
  const Command* found = nullptr;
  for (const Command& candidate : commands) {
    const std::vector<std::string> name = absl::StrSplit(candidate.name, ' ');
    if (words.size() >= name.size() && name.size() > *used &&
        std::equal(name.begin(), name.end(), words.begin())) {
      found = &candidate;
      *used = name.size();
    }
  }
  return found;
}

// The words before the command's own options, enough to name a command
// ("help ticket list"), skipping global options and their values. Command
// options are not known yet: one met here is taken to have a value, as the
// parser did before it knew the command, which only matters for the rare
// command option written before the command itself.
std::vector<std::string> LeadingWords(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  for (size_t i = 0; i < argv.size() && words.size() < 3; ++i) {
    const std::string& word = argv[i];
    if (word == "--") break;
    if (word.size() < 2 || word[0] != '-' || absl::ascii_isdigit(word[1])) {
      words.push_back(word);  // "-1" is a word too, as Args reads it
      continue;
    }
    const size_t dashes = word.find_first_not_of('-');
    if (dashes == std::string::npos || word == "-h" ||
        absl::StrContains(word, '=') ||
        kGlobalSwitches.count(word.substr(dashes)) > 0) {
      continue;
    }
    ++i;  // its value
  }
  return words;
}

bool Asks(const std::vector<std::string>& argv, const std::string& option) {
  for (const std::string& word : argv) {
    if (word == "--") return false;
    if (word == option) return true;
  }
  return false;
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = Commands();
  const std::vector<std::string> argv_words(argv + 1, argv + argc);
  if (Asks(argv_words, "--version")) {
    std::cout << "hotlinectl " << HOTLINE_VERSION << "\n";
    return 0;
  }
  const bool help_option = Asks(argv_words, "--help") || Asks(argv_words, "-h");
  std::vector<std::string> words = LeadingWords(argv_words);
  // `hotlinectl help [COMMAND]` is `hotlinectl [COMMAND] --help`.
  const bool help = help_option || (!words.empty() && words[0] == "help");
  if (!words.empty() && words[0] == "help") words.erase(words.begin());
  if (words.empty()) {
    if (help) {
      std::cout << Overview(commands);
      return 0;
    }
    std::cerr << Overview(commands);
    return kExitUsage;
  }
  size_t used = 0;
  const Command* command = FindCommand(commands, words, &used);
  if (command == nullptr) {
    const std::string group = GroupHelp(commands, words[0]);
    if (!group.empty() && words.size() == 1) {
      // "hotlinectl ticket": which ticket command?
      if (help) {
        std::cout << group;
        return 0;
      }
      std::cerr << "hotlinectl: \"" << words[0] << "\" needs a command\n"
                << group;
      return kExitUsage;
    }
    std::cerr << "hotlinectl: unknown command \""
              << absl::StrJoin(words.begin(),
                               words.begin() + (group.empty() ? 1 : 2), " ")
              << "\"; `hotlinectl help" << (group.empty() ? "" : " " + words[0])
              << "` lists the " << (group.empty() ? "" : words[0] + " ")
              << "commands\n";
    return kExitUsage;
  }
  if (help) {
    std::cout << CommandHelp(*command);
    return 0;
  }

  std::set<std::string> switches = kGlobalSwitches;
  switches.insert(command->switches.begin(), command->switches.end());
  absl::StatusOr<Args> args = Args::Parse(argv_words, switches);
  if (!args.ok()) {
    return UsageError(*command, std::string(args.status().message()));
  }
  std::set<std::string> known = kGlobalOptions;
  known.insert(switches.begin(), switches.end());
  known.insert(command->options.begin(), command->options.end());
  std::vector<std::string> unknown = args->Unknown(known);
  if (!unknown.empty()) {
    return UsageError(*command, absl::StrCat("unknown option --", unknown[0]));
  }
  for (const std::string& name : command->switches) {
    if (!args->Get(name).empty()) {
      return UsageError(*command, absl::StrCat("--", name, " takes no value"));
    }
  }
  const std::vector<std::string>& positional = args->positional();
  const std::vector<std::string> name = absl::StrSplit(command->name, ' ');
  if (positional.size() < name.size() ||
      !std::equal(name.begin(), name.end(), positional.begin())) {
    return UsageError(*command, "give the command before its options");
  }
  const std::vector<std::string> operands(positional.begin() + name.size(),
                                          positional.end());
  if (operands.size() < command->min_args ||
      operands.size() > command->max_args) {
    return UsageError(*command,
                      operands.size() < command->min_args
                          ? "missing argument"
                          : absl::StrCat("unexpected argument \"",
                                         operands[command->max_args], "\""));
  }

  ClientOptions options;
  const char* env_server = std::getenv("HOTLINE_SERVER");
  const char* env_token = std::getenv("HOTLINE_TOKEN");
  options.target =
      args->Get("server", env_server ? env_server : options.target);
  options.token = args->Get("token", env_token ? env_token : "");
  if (absl::Status s = Client::CheckToken(options.token); !s.ok()) {
    return UsageError(*command,
                      absl::StrCat("--token / HOTLINE_TOKEN: ", s.message()));
  }
  auto flag_or_env = [&](const char* flag, const char* env) {
    const char* value = std::getenv(env);
    return args->Get(flag, value ? value : "");
  };
  options.tls.ca_file = flag_or_env("tls_ca", "HOTLINE_TLS_CA");
  options.tls.cert_file = flag_or_env("tls_cert", "HOTLINE_TLS_CERT");
  options.tls.key_file = flag_or_env("tls_key", "HOTLINE_TLS_KEY");
  options.tls.server_name = args->Get("tls_server_name");
  if (absl::Status s = ChannelCredentialsFor(options.tls).status(); !s.ok()) {
    return UsageError(*command, absl::StrCat("--tls_ca/--tls_cert/--tls_key ("
                                             "HOTLINE_TLS_*): ",
                                             s.message()));
  }
  if (args->Has("timeout")) {
    double seconds = 0;
    if (!absl::SimpleAtod(args->Get("timeout"), &seconds) || seconds <= 0) {
      return UsageError(*command,
                        "--timeout must be a positive number of seconds");
    }
    options.call_timeout = absl::Seconds(seconds);
  }
  // A person at a terminal wants a quick answer, not a minute of retries.
  options.max_attempts = 2;
  Client client(options);
  Context context{&client, args->Has("json"), command};
  return command->run(context, *args, operands);
}

}  // namespace
}  // namespace hotline::cli
int main(int argc, char** argv) { return hotline::cli::Main(argc, argv); }
