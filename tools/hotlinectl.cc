// hotlinectl: the hotline service from a terminal. `hotlinectl help` lists
// the commands; `hotlinectl COMMAND --help` explains one, with an example.
//
// Exit codes: 0 success; 1 other failure; 2 wrong usage; 3 not allowed
// (UNAUTHENTICATED, PERMISSION_DENIED); 4 NOT_FOUND; 5 refused by the
// workflow (INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED);
// 6 server unreachable (UNAVAILABLE, DEADLINE_EXCEEDED).
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/hotline_client.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cli_args.h"
#include "tools/cli_format.h"
#include "tools/csv_import.h"

namespace hotline::cli {
namespace {

constexpr int kExitUsage = 2;

int ExitCodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 0;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return 3;
    case absl::StatusCode::kNotFound:
      return 4;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
      return 5;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return 6;
    default:
      return 1;
  }
}

int Fail(const absl::Status& status) {
  std::cerr << "hotlinectl: " << absl::StatusCodeToString(status.code()) << ": "
            << status.message() << "\n";
  return ExitCodeFor(status.code());
}

int UsageError(const std::string& message, const std::string& usage) {
  std::cerr << "hotlinectl: " << message << "\nusage: hotlinectl " << usage
            << "\n";
  return kExitUsage;
}

// "7" -> "tickets/7"; full names pass through.
std::string TicketName(const std::string& text) {
  return absl::StartsWith(text, "tickets/") ? text : "tickets/" + text;
}
std::string DepartmentName(const std::string& text) {
  return absl::StartsWith(text, "departments/") ? text : "departments/" + text;
}
std::string TokenName(const std::string& text) {
  return absl::StartsWith(text, "tokens/") ? text : "tokens/" + text;
}
std::string ShortDepartment(const std::string& name) {
  return absl::StartsWith(name, "departments/") ? name.substr(12) : name;
}

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

std::string Truncate(const std::string& text, int max_width) {
  if (DisplayWidth(text) <= max_width) return text;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t next = i + 1;
    while (next < text.size() && (text[next] & 0xC0) == 0x80) ++next;
    std::string candidate = out + text.substr(i, next - i);
    if (DisplayWidth(candidate) > max_width - 1) break;
    out = candidate;
    i = next;
  }
  return out + "…";
}

std::string Cards(const v1::Ticket& ticket) {
  std::string cards;
  if (ticket.yellow_cards() > 0)
    absl::StrAppend(&cards, ticket.yellow_cards(), "Y");
  if (ticket.red_cards() > 0) absl::StrAppend(&cards, ticket.red_cards(), "R");
  return cards;
}

std::string Flags(const v1::Ticket& ticket) {
  std::vector<std::string> flags;
  if (ticket.due_soon()) flags.push_back("due soon (预警)");
  if (ticket.ack_overdue()) flags.push_back("sign-for overdue");
  if (ticket.reply_overdue()) flags.push_back("reply overdue");
  if (ticket.long_overdue()) flags.push_back("long overdue");
  return absl::StrJoin(flags, ", ");
}

std::string CardTable(
    const google::protobuf::RepeatedPtrField<v1::Card>& cards) {
  Table table({"CARD", "COLOR", "TICKET", "DEPARTMENT", "ISSUED", "ISSUER",
               "REVOKED", "REASON"});
  for (const v1::Card& c : cards) {
    table.AddRow({c.name(), v1::Card::Color_Name(c.color()), c.ticket(),
                  ShortDepartment(c.department()), FormatTime(c.issue_time()),
                  c.issuer(), FormatTime(c.revoke_time()),
                  Truncate(c.reason(), 40)});
  }
  return table.Render();
}

std::string CardDetails(const v1::Card& c) {
  return KeyValues({{"card", c.name()},
                    {"color", v1::Card::Color_Name(c.color())},
                    {"ticket", c.ticket()},
                    {"department", c.department()},
                    {"issued", FormatTime(c.issue_time())},
                    {"issuer", c.issuer()},
                    {"reason", c.reason()},
                    {"revoked", FormatTime(c.revoke_time())},
                    {"revoked by", c.revoked_by()},
                    {"revoke reason", c.revoke_reason()}});
}

// Parses "36h", "90m", "2d" (days of 24 hours) or any absl duration.
absl::StatusOr<absl::Duration> ParseDurationOption(const std::string& text) {
  absl::Duration duration;
  if (!text.empty() && text.back() == 'd') {
    int days = 0;
    if (absl::SimpleAtoi(text.substr(0, text.size() - 1), &days)) {
      return absl::Hours(24 * days);
    }
  }
  if (!absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration like 36h, 90m or 2d"));
  }
  return duration;
}

absl::StatusOr<absl::Time> ParseTimeOption(const std::string& option,
                                           const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", option,
        " needs an RFC 3339 time, e.g. 2021-02-10T09:30:00+08:00"));
  }
  return time;
}

std::string PolicyDetails(const v1::Policy& p) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"version", p.version()},
      {"effective from", FormatTime(p.effective_from())},
      {"time zone", p.time_zone()},
      {"calendar covers through", p.calendar_covered_through()},
      {"sign-for", absl::StrCat(p.ack_working_days(), " working day(s)")}};
  for (const char* type :
       {"INQUIRY", "HELP", "SUGGESTION", "COMPLAINT", "REPORT", "OTHER"}) {
    auto it = p.reply_working_days().find(type);
    if (it == p.reply_working_days().end()) continue;
    rows.push_back({absl::StrCat("reply, ", type),
                    absl::StrCat(it->second, " working days")});
  }
  rows.push_back(
      {"urgent", absl::StrCat(p.urgent_reply_clock_hours(), " h reply, ",
                              p.urgent_ack_clock_minutes(), " min sign-for")});
  rows.push_back(
      {"critical",
       absl::StrCat(p.critical_reply_clock_hours(), " h reply, ",
                    p.critical_ack_clock_minutes(), " min sign-for")});
  rows.push_back({"return window", absl::StrCat(p.return_window_working_days(),
                                                " working day(s)")});
  rows.push_back(
      {"extensions",
       absl::StrCat("at most ", p.extension_max_count(), ", each at most ",
                    p.extension_max_working_days(), " working days")});
  rows.push_back({"warning", absl::StrCat(p.warning_working_days(),
                                          " working day(s) before; clock "
                                          "limits at ",
                                          p.clock_warning_percent(), "%")});
  rows.push_back({"red card", absl::StrCat(p.red_card_working_days(),
                                           " working days after the reply "
                                           "deadline")});
  return KeyValues(rows);
}

std::string TicketTable(
    const google::protobuf::RepeatedPtrField<v1::Ticket>& tickets) {
  Table table({"TICKET", "STATE", "DEPARTMENT", "TYPE", "TOPIC", "URGENCY",
               "RECEIVED", "REPLY DUE", "CARDS", "TITLE"});
  for (const v1::Ticket& t : tickets) {
    table.AddRow({t.name(), v1::Ticket::State_Name(t.state()),
                  ShortDepartment(t.department()),
                  v1::Ticket::Type_Name(t.type()), t.topic(),
                  v1::Ticket::Urgency_Name(t.urgency()),
                  FormatTime(t.received_at()), FormatDeadline(t.reply_due_at()),
                  Cards(t), Truncate(t.title(), 30)});
  }
  return table.Render();
}

std::string TicketDetails(const v1::Ticket& t) {
  return KeyValues({
      {"ticket", t.name()},
      {"source_id", t.source_id()},
      {"state", v1::Ticket::State_Name(t.state())},
      {"department", t.department()},
      {"type", v1::Ticket::Type_Name(t.type())},
      {"topic", t.topic()},
      {"urgency", v1::Ticket::Urgency_Name(t.urgency())},
      {"title", t.title()},
      {"content", t.content()},
      {"address", t.address()},
      {"caller", t.caller_name()},
      {"phone", t.caller_phone()},
      {"confidential", t.confidential() ? "yes" : ""},
      {"created_by", t.created_by()},
      {"received", FormatTime(t.received_at())},
      {"dispatched", FormatTime(t.dispatched_at())},
      {"acknowledged", FormatTime(t.acknowledged_at())},
      {"sign-for due", FormatDeadline(t.ack_due_at())},
      {"return until", FormatDeadline(t.return_due_at())},
      {"warning at", FormatTime(t.warning_at())},
      {"reply due", FormatDeadline(t.reply_due_at())},
      {"red card at", FormatDeadline(t.red_card_due_at())},
      {"policy", t.policy_version()},
      {"flags", Flags(t)},
      {"extension asked",
       t.has_pending_extension()
           ? absl::StrCat(t.pending_extension().working_days(),
                          " working days: ", t.pending_extension().reason())
           : ""},
      {"replied", FormatTime(t.replied_at())},
      {"outcome", t.outcome() ? v1::Ticket::Outcome_Name(t.outcome()) : ""},
      {"reply", t.reply_text()},
      {"closed", FormatTime(t.closed_at())},
      {"satisfaction",
       t.satisfaction() ? v1::Ticket::Satisfaction_Name(t.satisfaction()) : ""},
      {"cards", Cards(t)},
      {"etag", t.etag()},
  });
}

struct Context {
  Client* client;
  bool json;
};

struct Command {
  std::string name;   // "ticket create"
  std::string usage;  // after "hotlinectl "
  std::string help;   // what it does, its options, an example
  std::set<std::string> options;
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

int PrintTicket(Context& context, const absl::StatusOr<v1::Ticket>& ticket) {
  return Print<v1::Ticket>(context, ticket, TicketDetails);
}

absl::StatusOr<int> PageSize(const Args& args) {
  int page_size = 0;
  if (args.Has("page_size") &&
      !absl::SimpleAtoi(args.Get("page_size"), &page_size)) {
    return absl::InvalidArgumentError("--page_size must be a number");
  }
  return page_size;
}

int RunTicketCreate(Context& context, const Args& args,
                    const std::vector<std::string>&) {
  v1::CreateTicketRequest request;
  v1::Ticket& ticket = *request.mutable_ticket();
  absl::StatusOr<v1::Ticket::Type> type = ParseEnum<v1::Ticket::Type>(
      "type", args.Get("type"), &v1::Ticket::Type_Parse,
      "inquiry, help, suggestion, complaint, "
      "report, other");
  if (!type.ok()) return Fail(type.status());
  ticket.set_type(*type);
  if (args.Has("urgency")) {
    absl::StatusOr<v1::Ticket::Urgency> urgency =
        ParseEnum<v1::Ticket::Urgency>("urgency", args.Get("urgency"),
                                       &v1::Ticket::Urgency_Parse,
                                       "normal, urgent, critical");
    if (!urgency.ok()) return Fail(urgency.status());
    ticket.set_urgency(*urgency);
  }
  ticket.set_topic(args.Get("topic"));
  ticket.set_title(args.Get("title"));
  ticket.set_content(args.Get("content"));
  ticket.set_address(args.Get("address"));
  ticket.set_caller_name(args.Get("caller"));
  ticket.set_caller_phone(args.Get("phone"));
  ticket.set_confidential(args.Has("confidential"));
  ticket.set_source_id(args.Get("source_id"));
  if (args.Has("received_at")) {
    absl::Time received;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, args.Get("received_at"), &received,
                         &error)) {
      return Fail(absl::InvalidArgumentError(
          "--received_at needs an RFC 3339 time, e.g. "
          "2021-02-10T09:30:00+08:00"));
    }
    ticket.mutable_received_at()->set_seconds(absl::ToUnixSeconds(received));
  }
  if (args.Has("dispatch_to")) {
    request.set_dispatch_to(DepartmentName(args.Get("dispatch_to")));
  }
  request.set_request_id(args.Get("request_id"));
  return PrintTicket(context, context.client->CreateTicket(request));
}

int RunTicketList(Context& context, const Args& args,
                  const std::vector<std::string>&) {
  absl::StatusOr<int> page_size = PageSize(args);
  if (!page_size.ok()) return Fail(page_size.status());
  v1::ListTicketsRequest request;
  request.set_filter(args.Get("filter"));
  request.set_page_size(*page_size);
  request.set_page_token(args.Get("page_token"));
  v1::ListTicketsResponse all;
  // --all follows next_page_token to the end.
  while (true) {
    absl::StatusOr<v1::ListTicketsResponse> page =
        context.client->ListTickets(request);
    if (!page.ok()) return Fail(page.status());
    for (v1::Ticket& t : *page->mutable_tickets()) {
      *all.add_tickets() = std::move(t);
    }
    all.set_next_page_token(page->next_page_token());
    if (!args.Has("all") || page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (context.json) {
    std::cout << ToJson(all);
    return 0;
  }
  std::cout << TicketTable(all.tickets());
  if (!all.next_page_token().empty()) {
    std::cout << "(more: --page_token " << all.next_page_token()
              << ", or --all)\n";
  }
  return 0;
}

int RunTicketEvents(Context& context, const Args& args,
                    const std::vector<std::string>& words) {
  v1::ListTicketEventsRequest request;
  request.set_parent(TicketName(words[0]));
  request.set_page_size(500);
  v1::ListTicketEventsResponse all;
  while (true) {
    absl::StatusOr<v1::ListTicketEventsResponse> page =
        context.client->ListTicketEvents(request);
    if (!page.ok()) return Fail(page.status());
    for (v1::Event& e : *page->mutable_events()) {
      *all.add_events() = std::move(e);
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  (void)args;
  if (context.json) {
    std::cout << ToJson(all);
    return 0;
  }
  Table table(
      {"SEQ", "TIME", "EVENT", "ACTOR", "STATE", "DEPARTMENT", "DETAILS"});
  for (const v1::Event& e : all.events()) {
    std::string details = e.reason();
    if (!e.reply_text().empty()) {
      details = absl::StrCat(v1::Ticket::Outcome_Name(e.outcome()), ": ",
                             e.reply_text());
    }
    if (e.satisfaction()) {
      details = v1::Ticket::Satisfaction_Name(e.satisfaction());
    }
    if (e.card_color()) {
      details = absl::StrCat(v1::Card::Color_Name(e.card_color()), " ",
                             e.card(), ": ", e.reason());
    }
    if (e.extension_working_days() > 0) {
      details = absl::StrCat(e.extension_working_days(), " working days ",
                             e.reason());
    }
    table.AddRow(
        {absl::StrCat(e.seq()), FormatTime(e.time()),
         v1::Event::Type_Name(e.type()), e.actor(),
         absl::StrCat(
             e.state_before() ? v1::Ticket::State_Name(e.state_before()) : "",
             " -> ", v1::Ticket::State_Name(e.state_after())),
         ShortDepartment(e.department()), Truncate(details, 40)});
  }
  std::cout << table.Render();
  return 0;
}

WatchControl* active_watch = nullptr;

void StopWatch(int) {
  if (active_watch != nullptr) active_watch->Stop();
}

int RunWatch(Context& context, const Args& args,
             const std::vector<std::string>&) {
  v1::WatchEventsRequest request;
  if (args.Has("after_seq")) {
    int64_t after = 0;
    if (!absl::SimpleAtoi(args.Get("after_seq"), &after)) {
      return Fail(absl::InvalidArgumentError("--after_seq must be a number"));
    }
    request.set_after_seq(after);
  }
  request.set_from_now(args.Has("from_now"));
  if (args.Has("department")) {
    request.set_department(DepartmentName(args.Get("department")));
  }
  if (args.Has("ticket")) request.set_ticket(TicketName(args.Get("ticket")));
  if (args.Has("type")) {
    for (absl::string_view name : absl::StrSplit(args.Get("type"), ',')) {
      auto type = ParseEnum<v1::Event::Type>(
          "type", std::string(name), &v1::Event::Type_Parse,
          "an event type such as DISPATCHED");
      if (!type.ok()) return Fail(type.status());
      request.add_types(*type);
    }
  }
  WatchControl control;
  active_watch = &control;
  std::signal(SIGINT, StopWatch);
  std::signal(SIGTERM, StopWatch);
  absl::Status status = context.client->Watch(
      request,
      [&](const v1::Event& e) {
        if (context.json) {
          google::protobuf::util::JsonPrintOptions options;
          options.preserve_proto_field_names = true;
          std::string line;
          (void)google::protobuf::util::MessageToJsonString(e, &line, options);
          std::cout << line << std::endl;
        } else {
          std::cout << absl::StrCat(e.seq(), "  ", FormatTime(e.time()), "  ",
                                    v1::Event::Type_Name(e.type()), "  ",
                                    e.ticket(), "  ", e.actor(), "  ",
                                    ShortDepartment(e.department()), "  ",
                                    Truncate(e.reason(), 40))
                    << std::endl;
        }
        return absl::OkStatus();
      },
      &control);
  active_watch = nullptr;
  if (!status.ok()) return Fail(status);
  return 0;
}

// A filter string literal: quotes and backslashes escaped.
std::string FilterQuote(const std::string& value) {
  std::string out = "\"";
  for (char ch : value) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out + "\"";
}

int RunImport(Context& context, const Args&,
              const std::vector<std::string>& words) {
  std::ifstream in(words[0], std::ios::binary);
  if (!in) {
    return Fail(absl::NotFoundError(absl::StrCat("cannot read ", words[0])));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text.str());
  if (!rows.ok()) return Fail(rows.status());
  if (rows->empty()) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat(words[0], " is empty; it needs a header line")));
  }
  absl::StatusOr<ImportColumns> columns = ImportColumns::FromHeader((*rows)[0]);
  if (!columns.ok()) return Fail(columns.status());
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const size_t total = rows->size() - 1;
  int created = 0, present = 0, failed = 0;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    auto report_failure = [&](const absl::Status& status) {
      ++failed;
      if (terminal) std::cerr << "\r\033[K";
      std::cerr << "line " << row.line << ": "
                << (status.code() == absl::StatusCode::kInvalidArgument &&
                            absl::StartsWith(status.message(), "line ")
                        ? std::string(status.message().substr(
                              status.message().find(": ") + 2))
                        : absl::StrCat(absl::StatusCodeToString(status.code()),
                                       ": ", status.message()))
                << "\n";
    };
    absl::StatusOr<v1::CreateTicketRequest> request =
        RowToRequest(*columns, row);
    if (!request.ok()) {
      report_failure(request.status());
    } else {
      // Already imported (by this caller)? Then there is nothing to do.
      v1::ListTicketsRequest existing;
      existing.set_filter(absl::StrCat(
          "source_id = ", FilterQuote(request->ticket().source_id())));
      existing.set_page_size(1);
      absl::StatusOr<v1::ListTicketsResponse> found =
          context.client->ListTickets(existing);
      if (found.ok() && found->tickets_size() > 0) {
        ++present;
      } else {
        absl::StatusOr<v1::Ticket> ticket =
            context.client->CreateTicket(*request);
        if (ticket.ok()) {
          ++created;
        } else {
          report_failure(ticket.status());
        }
      }
    }
    if (terminal) {
      const int width = 30;
      const int done = static_cast<int>(width * i / std::max<size_t>(total, 1));
      std::cerr << "\r[" << std::string(done, '=')
                << std::string(width - done, ' ') << "] " << i << "/" << total
                << std::flush;
    }
  }
  if (terminal) std::cerr << "\r\033[K";
  if (context.json) {
    std::cout << absl::StrCat("{\"rows\": ", total, ", \"created\": ", created,
                              ", \"already_present\": ", present,
                              ", \"failed\": ", failed, "}\n");
  } else {
    std::cout << absl::StrCat("imported ", created, " new ticket(s), ", present,
                              " already present, ", failed,
                              " row(s) failed, of ", total, "\n");
  }
  return failed == 0 ? 0 : 5;
}

std::vector<Command> Commands() {
  std::vector<Command> commands;
  commands.push_back(
      {"department create",
       "department create ID --display_name NAME",
       "Creates a department (bureau only). ID: lowercase letters, digits and "
       "hyphens.\nExample:\n  hotlinectl department create housing "
       "--display_name 县住房和城乡建设局",
       {"display_name"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::CreateDepartmentRequest request;
         request.set_department_id(w[0]);
         request.mutable_department()->set_display_name(
             args.Get("display_name"));
         return Print<v1::Department>(
             c, c.client->CreateDepartment(request), [](const auto& d) {
               return KeyValues({{"department", d.name()},
                                 {"display_name", d.display_name()}});
             });
       }});
  commands.push_back(
      {"department list",
       "department list",
       "Lists all departments.\nExample:\n  hotlinectl department list",
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         v1::ListDepartmentsRequest request;
         request.set_page_size(500);
         v1::ListDepartmentsResponse all;
         while (true) {
           auto page = c.client->ListDepartments(request);
           if (!page.ok()) return Fail(page.status());
           for (auto& d : *page->mutable_departments()) {
             *all.add_departments() = std::move(d);
           }
           if (page->next_page_token().empty()) break;
           request.set_page_token(page->next_page_token());
         }
         if (c.json) {
           std::cout << ToJson(all);
           return 0;
         }
         Table table({"DEPARTMENT", "DISPLAY NAME", "CREATED"});
         for (const auto& d : all.departments()) {
           table.AddRow(
               {d.name(), d.display_name(), FormatTime(d.create_time())});
         }
         std::cout << table.Render();
         return 0;
       }});
  commands.push_back(
      {"token create",
       "token create PRINCIPAL [--display_name TEXT]",
       "Creates an access token (bureau only) and prints its secret, which is "
       "never shown again.\nPRINCIPAL: bureau, department/ID or intake/ID.\n"
       "Example:\n  hotlinectl token create department/housing "
       "--display_name \"housing ticket system\"",
       {"display_name"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::CreateTokenRequest request;
         request.mutable_token()->set_principal(w[0]);
         request.mutable_token()->set_display_name(args.Get("display_name"));
         return Print<v1::Token>(
             c, c.client->CreateToken(request), [](const v1::Token& t) {
               return KeyValues({{"token", t.name()},
                                 {"principal", t.principal()},
                                 {"secret", t.secret()}}) +
                      "Keep the secret now: the server stores only its hash.\n";
             });
       }});
  commands.push_back(
      {"token list",
       "token list",
       "Lists tokens without their secrets (bureau only).\nExample:\n  "
       "hotlinectl token list",
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         v1::ListTokensRequest request;
         request.set_page_size(500);
         v1::ListTokensResponse all;
         while (true) {
           auto page = c.client->ListTokens(request);
           if (!page.ok()) return Fail(page.status());
           for (auto& t : *page->mutable_tokens())
             *all.add_tokens() = std::move(t);
           if (page->next_page_token().empty()) break;
           request.set_page_token(page->next_page_token());
         }
         if (c.json) {
           std::cout << ToJson(all);
           return 0;
         }
         Table table(
             {"TOKEN", "PRINCIPAL", "DISPLAY NAME", "CREATED", "REVOKED"});
         for (const auto& t : all.tokens()) {
           table.AddRow({t.name(), t.principal(), t.display_name(),
                         FormatTime(t.create_time()),
                         FormatTime(t.revoke_time())});
         }
         std::cout << table.Render();
         return 0;
       }});
  commands.push_back(
      {"token revoke",
       "token revoke TOKEN",
       "Revokes a token at once (bureau only).\nExample:\n  hotlinectl token "
       "revoke tokens/3",
       {},
       1,
       1,
       [](Context& c, const Args&, const std::vector<std::string>& w) {
         v1::RevokeTokenRequest request;
         request.set_name(TokenName(w[0]));
         return Print<v1::Token>(
             c, c.client->RevokeToken(request), [](const v1::Token& t) {
               return KeyValues(
                   {{"revoked", t.name()}, {"principal", t.principal()}});
             });
       }});
  commands.push_back(
      {"ticket create",
       "ticket create --type TYPE --topic TOPIC --title TITLE --content TEXT "
       "[options]",
       "Creates a ticket (intake or bureau). A retry with the same "
       "--request_id or --source_id creates nothing new.\n"
       "Options: --type inquiry|help|suggestion|complaint|report|other, "
       "--urgency normal|urgent|critical, --topic, --title, --content, "
       "--address, --caller, --phone, --confidential, --source_id, "
       "--received_at RFC3339, --dispatch_to DEPARTMENT, --request_id.\n"
       "Example:\n  hotlinectl ticket create --type complaint --topic 噪音 "
       "--title \"工地夜间施工\" --content \"每晚十点后仍在施工\" "
       "--dispatch_to housing",
       {"type", "urgency", "topic", "title", "content", "address", "caller",
        "phone", "confidential", "source_id", "received_at", "dispatch_to",
        "request_id"},
       0,
       0,
       RunTicketCreate});
  commands.push_back(
      {"ticket get",
       "ticket get TICKET",
       "Shows one ticket. TICKET: tickets/7 or 7.\nExample:\n  hotlinectl "
       "ticket get 7",
       {},
       1,
       1,
       [](Context& c, const Args&, const std::vector<std::string>& w) {
         v1::GetTicketRequest request;
         request.set_name(TicketName(w[0]));
         return PrintTicket(c, c.client->GetTicket(request));
       }});
  commands.push_back(
      {"ticket list",
       "ticket list [--filter EXPR] [--page_size N] [--page_token T] [--all]",
       "Lists tickets you may see, oldest first. Filter fields: state, "
       "department, type, topic, urgency, source_id, created_by (=) and "
       "received_at (< <= > >=), joined by AND.\nExample:\n  hotlinectl "
       "ticket list --filter 'state = IN_PROGRESS AND department = "
       "\"departments/housing\"' --all",
       {"filter", "page_size", "page_token", "all"},
       0,
       0,
       RunTicketList});
  commands.push_back(
      {"ticket dispatch",
       "ticket dispatch TICKET DEPARTMENT [--note TEXT] "
       "[--etag E]",
       "Assigns or reassigns a ticket to a department (bureau only).\n"
       "Example:\n  hotlinectl ticket dispatch 7 housing --note 请尽快核实",
       {"note", "etag"},
       2,
       2,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::DispatchTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_department(DepartmentName(w[1]));
         request.set_note(args.Get("note"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->DispatchTicket(request));
       }});
  commands.push_back(
      {"ticket ack",
       "ticket ack TICKET [--etag E]",
       "Signs for (签收) a dispatched ticket (its department).\nExample:\n  "
       "hotlinectl ticket ack 7",
       {"etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::AcknowledgeTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->AcknowledgeTicket(request));
       }});
  commands.push_back(
      {"ticket return",
       "ticket return TICKET --reason TEXT [--etag E]",
       "Returns (退单) a ticket that is not the department's own.\nExample:\n"
       "  hotlinectl ticket return 7 --reason 属于市场监管局职责",
       {"reason", "etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::ReturnTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ReturnTicket(request));
       }});
  commands.push_back(
      {"ticket reply",
       "ticket reply TICKET --outcome OUTCOME --text TEXT [--etag E]",
       "Replies with the result (its department). OUTCOME: resolved, "
       "explained, not_resolvable, not_our_remit.\nExample:\n  hotlinectl "
       "ticket reply 7 --outcome resolved --text 已责令停工整改",
       {"outcome", "text", "etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         absl::StatusOr<v1::Ticket::Outcome> outcome =
             ParseEnum<v1::Ticket::Outcome>(
                 "outcome", args.Get("outcome"), &v1::Ticket::Outcome_Parse,
                 "resolved, explained, not_resolvable, not_our_remit");
         if (!outcome.ok()) return Fail(outcome.status());
         v1::ReplyTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_outcome(*outcome);
         request.set_reply_text(args.Get("text"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ReplyTicket(request));
       }});
  commands.push_back(
      {"ticket close",
       "ticket close TICKET --satisfaction S [--etag E]",
       "Closes a replied ticket with the callback's verdict (bureau only). "
       "S: satisfied, basically_satisfied, dissatisfied.\nExample:\n  "
       "hotlinectl ticket close 7 --satisfaction satisfied",
       {"satisfaction", "etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         absl::StatusOr<v1::Ticket::Satisfaction> satisfaction =
             ParseEnum<v1::Ticket::Satisfaction>(
                 "satisfaction", args.Get("satisfaction"),
                 &v1::Ticket::Satisfaction_Parse,
                 "satisfied, basically_satisfied, dissatisfied");
         if (!satisfaction.ok()) return Fail(satisfaction.status());
         v1::CloseTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_satisfaction(*satisfaction);
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->CloseTicket(request));
       }});
  commands.push_back(
      {"ticket reopen",
       "ticket reopen TICKET --reason TEXT [--etag E]",
       "Reopens (重办) a replied or closed ticket for the same department "
       "(bureau only).\nExample:\n  hotlinectl ticket reopen 7 --reason "
       "市民反映仍在夜间施工",
       {"reason", "etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::ReopenTicketRequest request;
         request.set_name(TicketName(w[0]));
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ReopenTicket(request));
       }});
  commands.push_back(
      {"ticket extend",
       "ticket extend TICKET --days N --reason TEXT [--etag E]",
       "Asks for an extension (延期) of the reply deadline by N working days, "
       "before it passes (its department).\nExample:\n  hotlinectl ticket "
       "extend 7 --days 5 --reason 需协调多个部门现场核查",
       {"days", "reason", "etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         int days = 0;
         if (!absl::SimpleAtoi(args.Get("days"), &days)) {
           return Fail(absl::InvalidArgumentError("--days must be a number"));
         }
         v1::RequestExtensionRequest request;
         request.set_name(TicketName(w[0]));
         request.set_working_days(days);
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->RequestExtension(request));
       }});
  commands.push_back(
      {"ticket approve-extension",
       "ticket approve-extension TICKET [--etag E]",
       "Approves the pending extension: the reply deadline moves (bureau "
       "only).\nExample:\n  hotlinectl ticket approve-extension 7",
       {"etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::ApproveExtensionRequest request;
         request.set_name(TicketName(w[0]));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->ApproveExtension(request));
       }});
  commands.push_back(
      {"ticket reject-extension",
       "ticket reject-extension TICKET --reason TEXT [--etag E]",
       "Rejects the pending extension (bureau only).\nExample:\n  hotlinectl "
       "ticket reject-extension 7 --reason 理由不充分",
       {"reason", "etag"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::RejectExtensionRequest request;
         request.set_name(TicketName(w[0]));
         request.set_reason(args.Get("reason"));
         request.set_etag(args.Get("etag"));
         return PrintTicket(c, c.client->RejectExtension(request));
       }});
  commands.push_back(
      {"card list",
       "card list [--department D] [--ticket T] [--color yellow|red] "
       "[--which active|revoked] [--from TIME] [--to TIME] [--all]",
       "Lists cards (黄牌/红牌): the bureau all, a department its own.\n"
       "Example:\n  hotlinectl card list --department housing --which active",
       {"department", "ticket", "color", "which", "from", "to", "all",
        "page_size", "page_token"},
       0,
       0,
       [](Context& c, const Args& args, const std::vector<std::string>&) {
         v1::ListCardsRequest request;
         if (args.Has("department")) {
           request.set_department(DepartmentName(args.Get("department")));
         }
         if (args.Has("ticket")) {
           request.set_ticket(TicketName(args.Get("ticket")));
         }
         if (args.Has("color")) {
           auto color = ParseEnum<v1::Card::Color>("color", args.Get("color"),
                                                   &v1::Card::Color_Parse,
                                                   "yellow, red");
           if (!color.ok()) return Fail(color.status());
           request.set_color(*color);
         }
         if (args.Has("which")) {
           auto which = ParseEnum<v1::ListCardsRequest::Which>(
               "which", args.Get("which"), &v1::ListCardsRequest::Which_Parse,
               "active, revoked");
           if (!which.ok()) return Fail(which.status());
           request.set_which(*which);
         }
         for (const std::string option : {"from", "to"}) {
           if (!args.Has(option)) continue;
           auto time = ParseTimeOption(option, args.Get(option));
           if (!time.ok()) return Fail(time.status());
           auto* field = option == "from" ? request.mutable_issued_from()
                                          : request.mutable_issued_to();
           field->set_seconds(absl::ToUnixSeconds(*time));
         }
         absl::StatusOr<int> page_size = PageSize(args);
         if (!page_size.ok()) return Fail(page_size.status());
         request.set_page_size(*page_size);
         request.set_page_token(args.Get("page_token"));
         v1::ListCardsResponse all;
         while (true) {
           auto page = c.client->ListCards(request);
           if (!page.ok()) return Fail(page.status());
           for (auto& card : *page->mutable_cards()) {
             *all.add_cards() = std::move(card);
           }
           all.set_next_page_token(page->next_page_token());
           if (!args.Has("all") || page->next_page_token().empty()) break;
           request.set_page_token(page->next_page_token());
         }
         if (c.json) {
           std::cout << ToJson(all);
           return 0;
         }
         std::cout << CardTable(all.cards());
         if (!all.next_page_token().empty()) {
           std::cout << "(more: --page_token " << all.next_page_token()
                     << ", or --all)\n";
         }
         return 0;
       }});
  commands.push_back(
      {"card issue",
       "card issue TICKET --color yellow|red --reason TEXT",
       "Issues a card by hand to the department holding the ticket (bureau "
       "only).\nExample:\n  hotlinectl card issue 7 --color yellow --reason "
       "回复内容敷衍",
       {"color", "reason"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         auto color = ParseEnum<v1::Card::Color>(
             "color", args.Get("color"), &v1::Card::Color_Parse, "yellow, red");
         if (!color.ok()) return Fail(color.status());
         v1::IssueCardRequest request;
         request.set_ticket(TicketName(w[0]));
         request.set_color(*color);
         request.set_reason(args.Get("reason"));
         return Print<v1::Card>(c, c.client->IssueCard(request), CardDetails);
       }});
  commands.push_back(
      {"card revoke",
       "card revoke CARD --reason TEXT",
       "Revokes a card; it stays in history and stops counting (bureau "
       "only). CARD: cards/3 or 3.\nExample:\n  hotlinectl card revoke 3 "
       "--reason 节假日顺延计算有误",
       {"reason"},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::RevokeCardRequest request;
         request.set_name(absl::StartsWith(w[0], "cards/") ? w[0]
                                                           : "cards/" + w[0]);
         request.set_reason(args.Get("reason"));
         return Print<v1::Card>(c, c.client->RevokeCard(request), CardDetails);
       }});
  commands.push_back(
      {"policy",
       "policy",
       "Shows the deadline policy in force.\nExample:\n  hotlinectl policy",
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         return Print<v1::Policy>(c, c.client->GetPolicy(), PolicyDetails);
       }});
  commands.push_back(
      {"clock advance",
       "clock advance (--by DURATION | --to TIME)",
       "Rehearsal mode only (hotline-server --clock=manual): moves the clock "
       "and runs the deadline sweeper (bureau only). DURATION: 36h, 90m, 2d.\n"
       "Example:\n  hotlinectl clock advance --to 2021-03-05T00:00:00+08:00",
       {"by", "to"},
       0,
       0,
       [](Context& c, const Args& args, const std::vector<std::string>&) {
         v1::AdvanceClockRequest request;
         if (args.Has("by")) {
           auto by = ParseDurationOption(args.Get("by"));
           if (!by.ok()) return Fail(by.status());
           request.mutable_by()->set_seconds(absl::ToInt64Seconds(*by));
         }
         if (args.Has("to")) {
           auto to = ParseTimeOption("to", args.Get("to"));
           if (!to.ok()) return Fail(to.status());
           request.mutable_to()->set_seconds(absl::ToUnixSeconds(*to));
         }
         return Print<v1::AdvanceClockResponse>(
             c, c.client->AdvanceClock(request),
             [](const v1::AdvanceClockResponse& r) {
               return KeyValues(
                   {{"now", FormatTime(r.now())},
                    {"tickets swept", absl::StrCat(r.tickets_swept())},
                    {"warnings", absl::StrCat(r.warnings())},
                    {"sign-for overdue", absl::StrCat(r.ack_overdue())},
                    {"yellow cards", absl::StrCat(r.yellow_cards())},
                    {"red cards", absl::StrCat(r.red_cards())},
                    {"daily reports missed",
                     absl::StrCat(r.daily_report_misses())}});
             });
       }});
  commands.push_back(
      {"daily submit",
       "daily submit TICKET... --progress TEXT [--date YYYY-MM-DD]",
       "Submits today's progress entry (一日一报) for tickets your department "
       "holds IN_PROGRESS; the same progress text for each. Entries may be "
       "amended until the day ends. --date defaults to today (Beijing "
       "time).\nExample:\n  hotlinectl daily submit 7 9 --progress "
       "已约谈施工方, 明日复查",
       {"progress", "date"},
       1,
       500,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::SubmitDailyReportRequest request;
         request.set_date(args.Get(
             "date",
             absl::FormatTime("%Y-%m-%d", absl::Now(), BureauTimeZone())));
         for (const std::string& ticket : w) {
           auto* entry = request.add_entries();
           entry->set_ticket(TicketName(ticket));
           entry->set_progress(args.Get("progress"));
         }
         return Print<v1::SubmitDailyReportResponse>(
             c, c.client->SubmitDailyReport(request),
             [](const v1::SubmitDailyReportResponse& r) {
               return absl::StrCat(
                   "reported ", r.reports_size(), " ticket(s) for ",
                   r.reports_size() ? r.reports(0).date() : "", "\n");
             });
       }});
  commands.push_back(
      {"daily list",
       "daily list [--department D] [--ticket T] [--from DATE] [--to DATE]",
       "Lists daily report entries: the bureau all, a department its own.\n"
       "Example:\n  hotlinectl daily list --department housing --from "
       "2021-02-18 --to 2021-02-26",
       {"department", "ticket", "from", "to"},
       0,
       0,
       [](Context& c, const Args& args, const std::vector<std::string>&) {
         v1::ListDailyReportsRequest request;
         if (args.Has("department")) {
           request.set_department(DepartmentName(args.Get("department")));
         }
         if (args.Has("ticket")) {
           request.set_ticket(TicketName(args.Get("ticket")));
         }
         request.set_from_date(args.Get("from"));
         request.set_to_date(args.Get("to"));
         request.set_page_size(500);
         v1::ListDailyReportsResponse all;
         while (true) {
           auto page = c.client->ListDailyReports(request);
           if (!page.ok()) return Fail(page.status());
           for (auto& r : *page->mutable_reports()) {
             *all.add_reports() = std::move(r);
           }
           if (page->next_page_token().empty()) break;
           request.set_page_token(page->next_page_token());
         }
         if (c.json) {
           std::cout << ToJson(all);
           return 0;
         }
         Table table({"DATE", "TICKET", "DEPARTMENT", "SUBMITTED", "PROGRESS"});
         for (const auto& r : all.reports()) {
           table.AddRow({r.date(), r.ticket(), ShortDepartment(r.department()),
                         FormatTime(r.submit_time()),
                         Truncate(r.progress(), 40)});
         }
         std::cout << table.Render();
         return 0;
       }});
  commands.push_back(
      {"daily compliance",
       "daily compliance --from DATE --to DATE [--department D]",
       "Daily-report compliance of a department for a period (dates "
       "inclusive): entries owed, given, missed, and each miss.\nExample:\n"
       "  hotlinectl daily compliance --department housing --from 2021-02-01 "
       "--to 2021-02-28",
       {"department", "from", "to"},
       0,
       0,
       [](Context& c, const Args& args, const std::vector<std::string>&) {
         v1::GetDailyReportComplianceRequest request;
         if (args.Has("department")) {
           request.set_department(DepartmentName(args.Get("department")));
         }
         request.set_from_date(args.Get("from"));
         request.set_to_date(args.Get("to"));
         return Print<v1::DailyReportCompliance>(
             c, c.client->GetDailyReportCompliance(request),
             [](const v1::DailyReportCompliance& r) {
               std::string out =
                   KeyValues({{"department", r.department()},
                              {"period", absl::StrCat(r.from_date(), " .. ",
                                                      r.to_date())},
                              {"owed", absl::StrCat(r.owed())},
                              {"given", absl::StrCat(r.given())},
                              {"missed", absl::StrCat(r.missed())}});
               if (r.misses_size() > 0) {
                 Table table({"MISSED DAY", "TICKET"});
                 for (const auto& m : r.misses()) {
                   table.AddRow({m.date(), m.ticket()});
                 }
                 out += "\n" + table.Render();
               }
               return out;
             });
       }});
  commands.push_back(
      {"watch",
       "watch [--after_seq N | --from_now] [--department D] [--ticket T] "
       "[--type TYPE,...]",
       "Follows the change feed, one line per event (JSON lines with --json), "
       "reconnecting and resuming by itself, until Ctrl-C. Note the last seq "
       "to resume with --after_seq later.\nExample:\n  hotlinectl watch "
       "--from_now --type dispatched,card_issued",
       {"after_seq", "from_now", "department", "ticket", "type"},
       0,
       0,
       RunWatch});
  commands.push_back(
      {"import",
       "import FILE.csv",
       "Creates tickets from the city platform's CSV export, with a progress "
       "bar on a terminal and a summary. Re-running creates nothing twice; a "
       "bad row is reported with its line number and the good rows go on. "
       "Columns (header line, any order): source_id, received_at, type, "
       "topic, urgency, title, content, address, caller, phone, "
       "confidential, department (see README). Exit code 5 when any row "
       "failed.\nExample:\n  hotlinectl import 12345-export-2021-02.csv",
       {},
       1,
       1,
       RunImport});
  commands.push_back({"ticket events",
                      "ticket events TICKET",
                      "Shows a ticket's full history.\nExample:\n  hotlinectl "
                      "ticket events 7",
                      {},
                      1,
                      1,
                      RunTicketEvents});
  commands.push_back(
      {"health",
       "health",
       "Checks that the server answers and is serving (no token needed).\n"
       "Example:\n  hotlinectl health",
       {},
       0,
       0,
       [](Context& c, const Args&, const std::vector<std::string>&) {
         absl::Status status = c.client->CheckHealth();
         if (!status.ok()) return Fail(status);
         std::cout << "SERVING\n";
         return 0;
       }});
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
