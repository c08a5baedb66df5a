// What every hotlinectl command shares: the command table entry, the
// context it runs in, output and error helpers, and option parsing. Exit
// codes: 0 success; 1 other failure; 2 wrong usage (a mistake in the
// command line or a local file, found before any call); 3 not allowed
// (UNAUTHENTICATED, PERMISSION_DENIED); 4 NOT_FOUND; 5 refused by the
// workflow (INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED);
// 6 server unreachable (UNAVAILABLE, DEADLINE_EXCEEDED).
//
// Thread-compatible: a command runs on the main thread.
#ifndef HOTLINE_TOOLS_CLI_COMMAND_H_
#define HOTLINE_TOOLS_CLI_COMMAND_H_

#include <functional>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/hotline_client.h"
#include "tools/cli_args.h"
#include "tools/cli_format.h"

namespace hotline::cli {

inline constexpr int kExitUsage = 2;

struct Command;

// The exit code for a status the server (or the connection to it) gave
// (see above).
int ExitCodeFor(absl::StatusCode code);
// What a refusal says to programs (proto/hotline/v1/errors.proto), for
// people, after the message: " (reason TICKET_STATE; ticket=tickets/7
// state=CLOSED allowed_states=IN_PROGRESS; field ticket.title: ...; retry
// after 1s)". Empty when the status carries no details (a status from the
// client or from gRPC itself).
std::string ErrorDetailsText(const absl::Status& status);
// Prints "hotlinectl: CODE: message" and the details (ErrorDetailsText) to
// stderr; returns the exit code. For the server's answers; mistakes found
// before calling it are InputError's.
int Fail(const absl::Status& status);
// A mistake in what the person typed or in a local file (an unknown option,
// a malformed value, an unreadable file): prints the message, the command's
// usage and where to read more; returns kExitUsage.
int UsageError(const Command& command, const std::string& message);

// "7" -> "tickets/7", "housing" -> "departments/housing", "3" -> "tokens/3";
// full names pass through. ShortDepartment is the reverse for display.
std::string TicketName(const std::string& text);
std::string DepartmentName(const std::string& text);
// The departments of --assist ("transport,market" or full names), as
// "departments/{id}"; none when the option is absent.
std::vector<std::string> AssistList(const Args& args);
std::string TokenName(const std::string& text);
std::string ShortDepartment(const std::string& name);

// Parses an enum option by name, in any case. `parse` is the generated
// *_Parse function; `allowed` lists the names for the error message.
template <typename Enum>
absl::StatusOr<Enum> ParseEnum(const std::string& option,
                               const std::string& text,
                               bool (*parse)(const std::string&, Enum*),
                               const std::string& allowed) {
  Enum value;
  if (!parse(absl::AsciiStrToUpper(text), &value) ||
      static_cast<int>(value) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, " \"", text, "\" is not one of ", allowed));
  }
  return value;
}

// "36h", "90m", "2d" (days of 24 hours) or any absl duration given to
// --option.
absl::StatusOr<absl::Duration> ParseDurationOption(const std::string& option,
                                                   const std::string& text);
// An RFC 3339 time given to --option.
absl::StatusOr<absl::Time> ParseTimeOption(const std::string& option,
                                           const std::string& text);
// --page_size, 0 when absent.
absl::StatusOr<int> PageSize(const Args& args);

// A list command's pages from --page_size and --page_token: one page, or
// with --all every page after it, the items appended (`read` is the
// client's List call). The answer's next_page_token is the last page's.
template <typename Response, typename Request, typename Read>
absl::StatusOr<Response> ReadPages(const Args& args, Request request,
                                   Read read) {
  absl::StatusOr<int> page_size = PageSize(args);
  if (!page_size.ok()) return page_size.status();
  request.set_page_size(*page_size);
  request.set_page_token(args.Get("page_token"));
  Response all;
  while (true) {
    absl::StatusOr<Response> page = read(request);
    if (!page.ok()) return page.status();
    const std::string next = page->next_page_token();
    all.MergeFrom(*page);  // appends the repeated items
    all.set_next_page_token(next);
    if (!args.Has("all") || next.empty()) return all;
    request.set_page_token(next);
  }
}

// The line after a list that has more pages, "" when it has none.
std::string MorePagesLine(const std::string& next_page_token);

struct Context {
  Client* client;
  bool json;
  const Command* command;  // the one running
};

// UsageError for the running command, with the status's message.
int InputError(const Context& context, const absl::Status& status);

struct Command {
  std::string name;     // "ticket create"
  std::string summary;  // one line for `hotlinectl help`, no final period
  std::string usage;    // after "hotlinectl "
  std::string help;     // what it does, its options, an example
  std::set<std::string> options;   // those taking a value: --name VALUE
  std::set<std::string> switches;  // those taking none: --name
  size_t min_args;
  size_t max_args;
  std::function<int(Context&, const Args&, const std::vector<std::string>&)>
      run;
};

// Prints a result as JSON or via `human`.
template <typename Message>
int Print(Context& context, const absl::StatusOr<Message>& result,
          const std::function<std::string(const Message&)>& human) {
  if (!result.ok()) return Fail(result.status());
  std::cout << (context.json ? ToJson(*result) : human(*result));
  return 0;
}

// Prints a ticket (details, or JSON).
int PrintTicket(Context& context, const absl::StatusOr<v1::Ticket>& ticket);

// The command groups, each in its own file.
void AddTicketCommands(std::vector<Command>* commands);
void AddReviewCommands(std::vector<Command>* commands);
void AddMergeCommands(std::vector<Command>* commands);
void AddAssistCommands(std::vector<Command>* commands);
void AddNoticeCommands(std::vector<Command>* commands);
void AddCatalogueCommands(std::vector<Command>* commands);
void AddCallbackCommands(std::vector<Command>* commands);
void AddAdminCommands(std::vector<Command>* commands);
void AddOversightCommands(std::vector<Command>* commands);
void AddReportCommands(std::vector<Command>* commands);
void AddAttachmentCommands(std::vector<Command>* commands);
void AddSubscriptionCommands(std::vector<Command>* commands);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_CLI_COMMAND_H_
