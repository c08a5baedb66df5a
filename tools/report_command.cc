// hotlinectl report: the bureau's figures for a period.
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/proto_time.h"
#include "tools/assessment_format.h"
#include "tools/circular_format.h"
#include "tools/cli_command.h"
#include "tools/hotspot_format.h"
#include "tools/report_format.h"

namespace hotline::cli {
namespace {

constexpr const char* kUsage =
    "report [--from DATE --to DATE | --month YYYY-MM | --year YYYY] "
    "[--department D | --type T | --topic X] [--as_of TIME] "
    "[--format table|csv|json|zh] [--top N] [--days] [--assessment | "
    "--categories | --hotspots [--level 1|2|3]]";

// [from, to) from --from/--to, --month YYYY-MM or --year YYYY; by default
// the month `now` falls in, in `zone`.
absl::StatusOr<std::pair<std::string, std::string>> ReportPeriod(
    const Args& args, absl::Time now, absl::TimeZone zone) {
  const int given = (args.Has("from") || args.Has("to") ? 1 : 0) +
                    (args.Has("month") ? 1 : 0) + (args.Has("year") ? 1 : 0);
  if (given > 1) {
    return absl::InvalidArgumentError(
        "give the period as --from/--to, --month or --year, not several");
  }
  if (args.Has("from") || args.Has("to")) {
    if (!args.Has("from") || !args.Has("to")) {
      return absl::InvalidArgumentError(
          "--from and --to go together (--to is the first day not counted)");
    }
    return std::make_pair(args.Get("from"), args.Get("to"));
  }
  absl::CivilMonth month = absl::ToCivilMonth(now, zone);
  if (args.Has("month")) {
    if (!absl::ParseCivilTime(args.Get("month"), &month)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--month \"", args.Get("month"), "\" must be like 2021-02"));
    }
  }
  if (args.Has("year")) {
    absl::CivilYear year;
    if (!absl::ParseCivilTime(args.Get("year"), &year)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--year \"", args.Get("year"), "\" must be like 2021"));
    }
    return std::make_pair(absl::FormatCivilTime(absl::CivilDay(year)),
                          absl::FormatCivilTime(absl::CivilDay(year + 1)));
  }
  return std::make_pair(absl::FormatCivilTime(absl::CivilDay(month)),
                        absl::FormatCivilTime(absl::CivilDay(month + 1)));
}

// Prints `message` as `format` asks: JSON, or one of its text forms.
template <typename Message, typename Csv, typename Zh, typename Table>
void PrintIn(const std::string& format, const Message& message, Csv csv, Zh zh,
             Table table) {
  if (format == "json") {
    std::cout << ToJson(message);
  } else if (format == "csv") {
    std::cout << csv(message);
  } else if (format == "zh") {
    std::cout << zh(message);
  } else {
    std::cout << table(message);
  }
}

// report --categories and --hotspots: the bureau's figures by category and
// dispatch-catalogue rule, and the hotspots (热点), of `period`'s dates.
int RunCatalogueReport(Context& context, const Args& args,
                       const std::string& format,
                       const v1::GetStatisticsRequest& period) {
  if (args.Has("categories") && args.Has("hotspots")) {
    return UsageError(*context.command,
                      "--categories and --hotspots are two reports; ask for "
                      "one at a time");
  }
  if (args.Has("department") || args.Has("type") || args.Has("topic") ||
      args.Has("as_of") || args.Has("days") || args.Has("assessment")) {
    return UsageError(*context.command,
                      "--categories and --hotspots take a period only "
                      "(and --hotspots --level and --top)");
  }
  if (args.Has("categories")) {
    if (args.Has("level") || args.Has("top")) {
      return UsageError(*context.command,
                        "--categories gives every level; --level and --top "
                        "go with --hotspots");
    }
    v1::GetCategoryStatisticsRequest request;
    request.set_from_date(period.from_date());
    request.set_to_date(period.to_date());
    absl::StatusOr<v1::CategoryStatistics> stats =
        context.client->GetCategoryStatistics(request);
    if (!stats.ok()) return Fail(stats.status());
    PrintIn(format, *stats, CategoryStatisticsCsv, CategoryStatisticsZh,
            CategoryStatisticsTable);
    return 0;
  }
  v1::GetHotspotsRequest request;
  request.set_from_date(period.from_date());
  request.set_to_date(period.to_date());
  request.set_limit(period.top_topics());
  if (args.Has("level")) {
    int level = 0;
    if (!absl::SimpleAtoi(args.Get("level"), &level)) {
      return InputError(
          context, absl::InvalidArgumentError("--level must be 1, 2 or 3"));
    }
    request.set_level(level);
  }
  absl::StatusOr<v1::Hotspots> hot = context.client->GetHotspots(request);
  if (!hot.ok()) return Fail(hot.status());
  PrintIn(format, *hot, HotspotsCsv, HotspotsZh, HotspotsTable);
  return 0;
}

int RunReport(Context& context, const Args& args,
              const std::vector<std::string>&) {
  const std::string format =
      context.json ? "json"
                   : (args.Has("format") ? args.Get("format") : "table");
  if (format != "table" && format != "csv" && format != "json" &&
      format != "zh") {
    return UsageError(*context.command,
                      absl::StrCat("--format \"", format,
                                   "\" is not one of table, csv, json, zh"));
  }
  const bool assessment = args.Has("assessment");
  v1::GetStatisticsRequest request;
  // The current month is the server's (a rehearsal server's clock is not
  // the wall clock); asked only when no period is given.
  absl::Time now = absl::Now();
  absl::TimeZone zone = BureauTimeZone();
  if (!args.Has("from") && !args.Has("to") && !args.Has("month") &&
      !args.Has("year")) {
    absl::StatusOr<v1::Caller> caller = context.client->GetCaller();
    if (!caller.ok()) return Fail(caller.status());
    now = FromProtoTime(caller->now());
    if (!absl::LoadTimeZone(caller->time_zone(), &zone)) {
      zone = BureauTimeZone();
    }
  }
  absl::StatusOr<std::pair<std::string, std::string>> period =
      ReportPeriod(args, now, zone);
  if (!period.ok()) return InputError(context, period.status());
  request.set_from_date(period->first);
  request.set_to_date(period->second);
  if (args.Has("department")) {
    request.set_department(DepartmentName(args.Get("department")));
  }
  if (args.Has("type")) {
    auto type = ParseEnum<v1::Ticket::Type>(
        "type", args.Get("type"), &v1::Ticket::Type_Parse,
        "inquiry, help, suggestion, complaint, report, other");
    if (!type.ok()) return InputError(context, type.status());
    request.set_type(*type);
  }
  if (args.Has("topic")) request.set_topic(args.Get("topic"));
  if (args.Has("as_of")) {
    absl::StatusOr<absl::Time> as_of =
        ParseTimeOption("as_of", args.Get("as_of"));
    if (!as_of.ok()) return InputError(context, as_of.status());
    *request.mutable_as_of() = ToProtoTime(*as_of);
  }
  if (args.Has("top")) {
    int top = 0;
    if (!absl::SimpleAtoi(args.Get("top"), &top)) {
      return InputError(context,
                        absl::InvalidArgumentError("--top must be a number"));
    }
    request.set_top_topics(top);
  }
  if (assessment) {
    if (args.Has("type") || args.Has("topic") || args.Has("as_of") ||
        args.Has("top") || args.Has("days") || args.Has("hotspots") ||
        args.Has("categories") || args.Has("level")) {
      return UsageError(*context.command,
                        "--assessment takes a period and at most "
                        "--department");
    }
    v1::GetAssessmentRequest scorecard;
    scorecard.set_from_date(request.from_date());
    scorecard.set_to_date(request.to_date());
    scorecard.set_department(request.department());
    absl::StatusOr<v1::Assessment> scored =
        context.client->GetAssessment(scorecard);
    if (!scored.ok()) return Fail(scored.status());
    PrintIn(format, *scored, AssessmentCsv, AssessmentZh, AssessmentTable);
    return 0;
  }
  if (args.Has("categories") || args.Has("hotspots")) {
    return RunCatalogueReport(context, args, format, request);
  }
  if (args.Has("level")) {
    return UsageError(*context.command, "--level goes with --hotspots");
  }
  absl::StatusOr<v1::Statistics> stats = context.client->GetStatistics(request);
  if (!stats.ok()) return Fail(stats.status());
  PrintIn(format, *stats, ReportCsv, ReportZh,
          [&args](const v1::Statistics& s) {
            return ReportTable(s, args.Has("days"));
          });
  if (format == "zh" && request.department().empty() &&
      request.type() == v1::Ticket::TYPE_UNSPECIFIED &&
      request.topic().empty()) {
    // The bureau's report ends with its hotspots (热点问题); a department,
    // an older server or a period longer than hotspots cover goes without.
    v1::GetHotspotsRequest hotspots;
    hotspots.set_from_date(request.from_date());
    hotspots.set_to_date(request.to_date());
    absl::StatusOr<v1::Hotspots> hot = context.client->GetHotspots(hotspots);
    if (hot.ok()) {
      std::cout << HotspotsZh(*hot);
    } else if (hot.status().code() != absl::StatusCode::kPermissionDenied &&
               hot.status().code() != absl::StatusCode::kUnimplemented &&
               hot.status().code() != absl::StatusCode::kInvalidArgument) {
      return Fail(hot.status());
    }
  }
  return 0;
}

// The source_id and title of `ticket`, read once each; empty when the
// caller may not read it (a department's ticket since dispatched
// elsewhere).
class TicketLabels {
 public:
  explicit TicketLabels(Client* client) : client_(client) {}
  const v1::Ticket& Of(const std::string& ticket) {
    auto [it, added] = tickets_.try_emplace(ticket);
    if (added) {
      v1::GetTicketRequest get;
      get.set_name(ticket);
      absl::StatusOr<v1::Ticket> read = client_->GetTicket(get);
      if (read.ok()) it->second = *std::move(read);
    }
    return it->second;
  }

 private:
  Client* const client_;
  std::map<std::string, v1::Ticket> tickets_;
};

int RunCircular(Context& context, const Args& args,
                const std::vector<std::string>&) {
  const std::string format = args.Has("format") ? args.Get("format") : "zh";
  if (format != "zh" && format != "csv") {
    return UsageError(
        *context.command,
        absl::StrCat("--format \"", format, "\" is not one of zh, csv"));
  }
  if (!args.Has("department")) {
    return UsageError(*context.command, "--department is required");
  }
  absl::Time now = absl::Now();
  absl::TimeZone zone = BureauTimeZone();
  if (!args.Has("from") && !args.Has("to") && !args.Has("month") &&
      !args.Has("year")) {
    absl::StatusOr<v1::Caller> caller = context.client->GetCaller();
    if (!caller.ok()) return Fail(caller.status());
    now = FromProtoTime(caller->now());
  }
  absl::StatusOr<std::pair<std::string, std::string>> period =
      ReportPeriod(args, now, zone);
  if (!period.ok()) return InputError(context, period.status());
  absl::CivilDay from;
  absl::CivilDay to;
  if (!absl::ParseCivilTime(period->first, &from) ||
      !absl::ParseCivilTime(period->second, &to) || !(from < to)) {
    return InputError(context,
                      absl::InvalidArgumentError(
                          "--from and --to must be days like 2021-03-01, "
                          "--from before --to"));
  }
  Circular circular;
  circular.department = DepartmentName(args.Get("department"));
  circular.from_date = period->first;
  circular.to_date = period->second;
  v1::GetDepartmentRequest department;
  department.set_name(circular.department);
  absl::StatusOr<v1::Department> found =
      context.client->GetDepartment(department);
  if (!found.ok()) return Fail(found.status());
  circular.display_name = found->display_name();
  TicketLabels labels(context.client);

  // Overdue tickets: the department's cards issued in the period.
  v1::ListCardsRequest cards;
  cards.set_department(circular.department);
  cards.set_which(v1::ListCardsRequest::ACTIVE);
  *cards.mutable_issued_from() = ToProtoTime(absl::FromCivil(from, zone));
  *cards.mutable_issued_to() = ToProtoTime(absl::FromCivil(to, zone));
  cards.set_page_size(500);
  std::map<std::string, size_t> row_of;
  while (true) {
    absl::StatusOr<v1::ListCardsResponse> page =
        context.client->ListCards(cards);
    if (!page.ok()) return Fail(page.status());
    for (const v1::Card& card : page->cards()) {
      if (card.assist()) continue;  // an assisting part's, not a ticket's
      auto [it, added] =
          row_of.try_emplace(card.ticket(), circular.overdue.size());
      if (added) {
        const v1::Ticket& ticket = labels.Of(card.ticket());
        circular.overdue.push_back(
            {card.ticket(), ticket.source_id(), ticket.title(), {}});
      }
      circular.overdue[it->second].cards.push_back(card);
    }
    if (page->next_page_token().empty()) break;
    cards.set_page_token(page->next_page_token());
  }
  // Notices due in the period and not answered by their deadline.
  v1::ListNoticesRequest notices;
  notices.set_department(circular.department);
  *notices.mutable_due_from() = ToProtoTime(absl::FromCivil(from, zone));
  *notices.mutable_due_to() = ToProtoTime(absl::FromCivil(to, zone));
  notices.set_page_size(500);
  while (true) {
    absl::StatusOr<v1::ListNoticesResponse> page =
        context.client->ListNotices(notices);
    if (!page.ok()) return Fail(page.status());
    for (const v1::Notice& notice : page->notices()) {
      if (!notice.overdue()) continue;
      const v1::Ticket& ticket =
          labels.Of(notice.name().substr(0, notice.name().find("/notices/")));
      circular.unanswered.push_back(
          {ticket.source_id(), ticket.title(), notice});
    }
    if (page->next_page_token().empty()) break;
    notices.set_page_token(page->next_page_token());
  }
  std::cout << (format == "csv" ? CircularCsv(circular) : CircularZh(circular));
  return 0;
}

}  // namespace

void AddReportCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"report",
       "the bureau's figures for a period (统计)",
       kUsage,
       "The bureau's figures for a period: [--from, --to) (--to is the "
       "first day NOT counted), a month, a year, or by default this month; "
       "as of now or the period's end if earlier (--as_of to choose), cut by "
       "at most one department, type or topic. "
       "A department's token gets its own figures. --format csv for "
       "spreadsheets, json for scripts, zh for the sentence of the bureau's "
       "report; --days adds a row per day to the table; --top N lists N "
       "topics (default 5). docs/workflow.md, \"Statistics\", defines every "
       "figure. --assessment gives the department scorecard (考核) instead: "
       "each department's rates, score and rank under the policy's "
       "assessment weights, against the period before (zh: the 红黑榜 "
       "paragraph). --categories gives the tickets by category (诉求分类) at "
       "every level and the dispatches by catalogue rule (派单目录) with "
       "their return rates; --hotspots the hotspots (热点): the categories "
       "(at --level, default 2) and places with the most tickets and the "
       "fastest growth, and repeated requests, --top N of each (bureau "
       "only). The zh report of the bureau ends with the 热点问题 sentence "
       "when the period's tickets have categories.\nExamples:\n"
       "  hotlinectl report --year 2021 --format zh\n"
       "  hotlinectl report --from 2021-02-01 --to 2021-03-01 --department "
       "housing --format csv > housing-2021-02.csv\n"
       "  hotlinectl report --month 2021-03 --assessment --format zh\n"
       "  hotlinectl report --month 2021-03 --hotspots",
       {"from", "to", "month", "year", "department", "type", "topic", "as_of",
        "format", "top", "level"},
       {"days", "assessment", "categories", "hotspots"},
       0,
       0,
       RunReport});
  commands->push_back(
      {"circular",
       "a department's overdue tickets and unanswered notices (通报)",
       "circular --department D [--from DATE --to DATE | --month YYYY-MM | "
       "--year YYYY] [--format zh|csv]",
       "The circulated notice (通报) of one department for a period (by "
       "default this month): its tickets that earned a card (黄牌/红牌) in "
       "the period, and its urging notices (催办通知, 督办) due in the "
       "period and not answered by their deadline. --format zh (the "
       "default) for the bureau's text, csv for spreadsheets. A "
       "department's token gets its own.\nExample:\n"
       "  hotlinectl circular --department housing --month 2021-03",
       {"from", "to", "month", "year", "department", "format"},
       {},
       0,
       0,
       RunCircular});
}

}  // namespace hotline::cli
