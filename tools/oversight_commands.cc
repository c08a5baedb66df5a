// hotlinectl card, daily, watch and import: the bureau's oversight and
// the department's reporting.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cli_command.h"
#include "tools/csv_import.h"
#include "tools/resource_format.h"

namespace hotline::cli {
namespace {

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
      return InputError(
          context, absl::InvalidArgumentError("--after_seq must be a number"));
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
      if (!type.ok()) return InputError(context, type.status());
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

int RunImport(Context& context, const Args&,
              const std::vector<std::string>& words) {
  // The file is the person's input: a file that cannot be read or is not
  // CSV with a known header is a usage mistake (exit 2), before any call.
  const std::string& path = words[0];
  auto file_error = [&](absl::string_view what) {
    return UsageError(*context.command, absl::StrCat(path, ": ", what));
  };
  absl::StatusOr<std::vector<CsvRow>> rows = ReadCsvFile(path);
  if (!rows.ok()) return InputError(context, rows.status());
  if (rows->empty()) return file_error("is empty; it needs a header line");
  absl::StatusOr<ImportColumns> columns = ImportColumns::FromHeader((*rows)[0]);
  if (!columns.ok()) return file_error(columns.status().message());
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
                                       ": ", status.message(),
                                       ErrorDetailsText(status)))
                << "\n";
    };
    absl::StatusOr<v1::CreateTicketRequest> request =
        RowToRequest(*columns, row);
    if (!request.ok()) {
      report_failure(request.status());
    } else {
      // One call a row: a row imported before (by this caller, or by any
      // source for the bureau) is refused as DUPLICATE_SOURCE_ID, which
      // means there is nothing to do.
      absl::StatusOr<v1::Ticket> ticket =
          context.client->CreateTicket(*request);
      if (ticket.ok()) {
        ++created;
      } else if (ReasonOf(ticket.status()) == v1::DUPLICATE_SOURCE_ID) {
        ++present;
      } else {
        report_failure(ticket.status());
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

}  // namespace

void AddOversightCommands(std::vector<Command>* commands_out) {
  std::vector<Command>& commands = *commands_out;
  commands.push_back(
      {"card list",
       "list yellow and red cards (黄牌/红牌)",
       "card list [--department D] [--ticket T] [--color yellow|red] "
       "[--which active|revoked] [--from TIME] [--to TIME] [--all]",
       "Lists cards (黄牌/红牌): the bureau all, a department its own.\n"
       "Example:\n  hotlinectl card list --department housing --which active",
       {"department", "ticket", "color", "which", "from", "to", "page_size",
        "page_token"},
       {"all"},
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
           if (!color.ok()) return InputError(c, color.status());
           request.set_color(*color);
         }
         if (args.Has("which")) {
           auto which = ParseEnum<v1::ListCardsRequest::Which>(
               "which", args.Get("which"), &v1::ListCardsRequest::Which_Parse,
               "active, revoked");
           if (!which.ok()) return InputError(c, which.status());
           request.set_which(*which);
         }
         for (const std::string option : {"from", "to"}) {
           if (!args.Has(option)) continue;
           auto time = ParseTimeOption(option, args.Get(option));
           if (!time.ok()) return InputError(c, time.status());
           auto* field = option == "from" ? request.mutable_issued_from()
                                          : request.mutable_issued_to();
           field->set_seconds(absl::ToUnixSeconds(*time));
         }
         if (absl::Status size = PageSize(args).status(); !size.ok()) {
           return InputError(c, size);
         }
         absl::StatusOr<v1::ListCardsResponse> all =
             ReadPages<v1::ListCardsResponse>(
                 args, request, [&c](const v1::ListCardsRequest& page) {
                   return c.client->ListCards(page);
                 });
         if (!all.ok()) return Fail(all.status());
         if (c.json) {
           std::cout << ToJson(*all);
           return 0;
         }
         std::cout << CardTable(all->cards())
                   << MorePagesLine(all->next_page_token());
         return 0;
       }});
  commands.push_back(
      {"card issue",
       "issue a card by hand (bureau)",
       "card issue TICKET --color yellow|red --reason TEXT",
       "Issues a card by hand to the department holding the ticket (bureau "
       "only).\nExample:\n  hotlinectl card issue 7 --color yellow --reason "
       "回复内容敷衍",
       {"color", "reason"},
       {},
       1,
       1,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         auto color = ParseEnum<v1::Card::Color>(
             "color", args.Get("color"), &v1::Card::Color_Parse, "yellow, red");
         if (!color.ok()) return InputError(c, color.status());
         v1::IssueCardRequest request;
         request.set_ticket(TicketName(w[0]));
         request.set_color(*color);
         request.set_reason(args.Get("reason"));
         return Print<v1::Card>(c, c.client->IssueCard(request), CardDetails);
       }});
  commands.push_back(
      {"card revoke",
       "revoke a card; it stays in history (bureau)",
       "card revoke CARD --reason TEXT",
       "Revokes a card; it stays in history and stops counting (bureau "
       "only). CARD: cards/3 or 3.\nExample:\n  hotlinectl card revoke 3 "
       "--reason 节假日顺延计算有误",
       {"reason"},
       {},
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
      {"daily submit",
       "submit today's progress (一日一报) (department)",
       "daily submit TICKET... --progress TEXT [--date YYYY-MM-DD]",
       "Submits today's progress entry (一日一报) for tickets your department "
       "holds IN_PROGRESS; the same progress text for each. Entries may be "
       "amended until the day ends. --date defaults to the server's "
       "today (in rehearsal mode, the day its manual clock stands "
       "on).\nExample:\n  hotlinectl daily submit 7 9 --progress "
       "已约谈施工方, 明日复查",
       {"progress", "date"},
       {},
       1,
       500,
       [](Context& c, const Args& args, const std::vector<std::string>& w) {
         v1::SubmitDailyReportRequest request;
         if (args.Has("date")) {
           request.set_date(args.Get("date"));
         } else {
           // The server's today, not this machine's: a rehearsal server's
           // clock is not the wall clock.
           absl::StatusOr<v1::Caller> caller = c.client->GetCaller();
           if (!caller.ok()) return Fail(caller.status());
           request.set_date(caller->today());
         }
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
       "list daily report entries",
       "daily list [--department D] [--ticket T] [--from DATE] [--to DATE]",
       "Lists daily report entries: the bureau all, a department its own.\n"
       "Example:\n  hotlinectl daily list --department housing --from "
       "2021-02-18 --to 2021-02-26",
       {"department", "ticket", "from", "to"},
       {},
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
       "daily reports owed, given and missed in a period",
       "daily compliance --from DATE --to DATE [--department D]",
       "Daily-report compliance of a department for a period (dates "
       "inclusive): entries owed, given, missed, and each miss.\nExample:\n"
       "  hotlinectl daily compliance --department housing --from 2021-02-01 "
       "--to 2021-02-28",
       {"department", "from", "to"},
       {},
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
       "follow the change feed until Ctrl-C",
       "watch [--after_seq N | --from_now] [--department D] [--ticket T] "
       "[--type TYPE,...]",
       "Follows the change feed, one line per event (JSON lines with --json), "
       "reconnecting and resuming by itself, until Ctrl-C. Note the last seq "
       "to resume with --after_seq later.\nExample:\n  hotlinectl watch "
       "--from_now --type dispatched,card_issued",
       {"after_seq", "department", "ticket", "type"},
       {"from_now"},
       0,
       0,
       RunWatch});
  commands.push_back(
      {"import",
       "create tickets from the city platform's CSV export",
       "import FILE.csv",
       "Creates tickets from the city platform's CSV export, with a progress "
       "bar on a terminal and a summary. Re-running creates nothing twice; a "
       "bad row is reported with its line number and the good rows go on. "
       "Columns (header line, any order): source_id, received_at, type, "
       "topic, urgency, title, content, address, caller, phone, "
       "confidential, department, category (docs/workflow.md, \"Importing "
       "the platform's "
       "export\"). Exit code 5 when any row "
       "failed; 2, before any ticket is created, when the file cannot be "
       "read, is not CSV or its header names an unknown column.\nExample:\n  "
       "hotlinectl import 12345-export-2021-02.csv",
       {},
       {},
       1,
       1,
       RunImport});
}

}  // namespace hotline::cli
