// hotlinectl report: the bureau's figures for a period.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "tools/cli_command.h"
#include "tools/report_format.h"

namespace hotline::cli {
namespace {

int RunReport(Context& context, const Args& args,
              const std::vector<std::string>&) {
  const std::string format =
      context.json ? "json"
                   : (args.Has("format") ? args.Get("format") : "table");
  if (format != "table" && format != "csv" && format != "json" &&
      format != "zh") {
    return Fail(absl::InvalidArgumentError(absl::StrCat(
        "--format \"", format, "\" is not one of table, csv, json, zh")));
  }
  v1::GetStatisticsRequest request;
  request.set_from_date(args.Get("from"));
  request.set_to_date(args.Get("to"));
  if (args.Has("department")) {
    request.set_department(DepartmentName(args.Get("department")));
  }
  if (args.Has("type")) {
    auto type = ParseEnum<v1::Ticket::Type>(
        "type", args.Get("type"), &v1::Ticket::Type_Parse,
        "inquiry, help, suggestion, complaint, report, other");
    if (!type.ok()) return Fail(type.status());
    request.set_type(*type);
  }
  if (args.Has("topic")) request.set_topic(args.Get("topic"));
  if (args.Has("as_of")) {
    absl::StatusOr<absl::Time> as_of =
        ParseTimeOption("as_of", args.Get("as_of"));
    if (!as_of.ok()) return Fail(as_of.status());
    *request.mutable_as_of() = ToProtoTime(*as_of);
  }
  if (args.Has("top")) {
    int top = 0;
    if (!absl::SimpleAtoi(args.Get("top"), &top)) {
      return Fail(absl::InvalidArgumentError("--top must be a number"));
    }
    request.set_top_topics(top);
  }
  absl::StatusOr<v1::Statistics> stats = context.client->GetStatistics(request);
  if (!stats.ok()) return Fail(stats.status());
  if (format == "json") {
    std::cout << ToJson(*stats);
  } else if (format == "csv") {
    std::cout << ReportCsv(*stats);
  } else if (format == "zh") {
    std::cout << ReportZh(*stats);
  } else {
    std::cout << ReportTable(*stats, args.Has("days"));
  }
  return 0;
}

}  // namespace

void AddReportCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"report",
       "report --from DATE --to DATE [--department D | --type T | --topic X] "
       "[--as_of TIME] [--format table|csv|json|zh] [--top N] [--days]",
       "The bureau's figures for the period [--from, --to) (--to is the "
       "first day NOT counted), as of now or the period's end if earlier "
       "(--as_of to choose), cut by at most one department, type or topic. "
       "A department's token gets its own figures. --format csv for "
       "spreadsheets, json for scripts, zh for the sentence of the bureau's "
       "report; --days adds a row per day to the table; --top N lists N "
       "topics (default 5). The README defines every figure.\nExamples:\n"
       "  hotlinectl report --from 2021-01-01 --to 2022-01-01\n"
       "  hotlinectl report --from 2021-02-01 --to 2021-03-01 --department "
       "housing --format zh",
       {"from", "to", "department", "type", "topic", "as_of", "format", "top",
        "days"},
       0,
       0,
       RunReport});
}

}  // namespace hotline::cli
